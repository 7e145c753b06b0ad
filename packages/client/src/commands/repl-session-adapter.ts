import type { McpConnection } from '../connection/mcp-connection.ts';
import type { ReplSession, ToolCallOutcome, ToolInfo } from '../repl/repl-session.ts';
import { logout } from './logout.ts';
import { askWhoAmI, describeSignIn, statusLines, whoAmIFailureLine } from './status.ts';

/** The REPL's view of a signed-in connection; Ctrl-C's signal reaches the connection. */
export function replSessionFor(connection: McpConnection, serverUrl: string): ReplSession {
  return {
    async listTools(signal) {
      const { tools } = await connection.run((client) => client.listTools(undefined, { signal }), { signal });
      return tools as unknown as ToolInfo[];
    },
    async callTool(name, args, signal) {
      const result = await connection.run(
        (client) => client.callTool({ name, arguments: args }, { signal }),
        { signal },
      );
      return result as unknown as ToolCallOutcome;
    },
    async status(signal) {
      const status = await describeSignIn(connection.provider, serverUrl);
      if (!status.signedIn) return statusLines(status);
      // As whom, like the command line's `status`; asking never opens a browser.
      try {
        const identity = await askWhoAmI((operation) => connection.run(operation, { signal, signIn: false }));
        return statusLines(status, identity);
      } catch (error) {
        return [...statusLines(status), whoAmIFailureLine(error)];
      }
    },
    async logout() {
      return logout(connection.provider);
    },
  };
}
