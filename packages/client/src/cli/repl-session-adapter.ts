import { logout } from '../commands/logout.ts';
import { describeSignIn, statusLines } from '../commands/status.ts';
import type { McpConnection } from '../connection/mcp-connection.ts';
import type { ReplSession, ToolCallOutcome, ToolInfo } from '../repl/repl-session.ts';

/** The REPL's view of a signed-in connection. */
export function replSessionFor(connection: McpConnection, serverUrl: string): ReplSession {
  return {
    async listTools() {
      const { tools } = await connection.run((client) => client.listTools());
      return tools as unknown as ToolInfo[];
    },
    async callTool(name, args, signal) {
      const result = await connection.run((client) => client.callTool({ name, arguments: args }, { signal }));
      return result as unknown as ToolCallOutcome;
    },
    async status() {
      return statusLines(await describeSignIn(connection.provider, serverUrl));
    },
    async logout() {
      return logout(connection.provider);
    },
  };
}
