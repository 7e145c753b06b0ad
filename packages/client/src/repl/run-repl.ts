import { createInterface } from 'node:readline';
import { closestNames } from './closest-names.ts';
import { appendHistory, loadHistory } from './history.ts';
import { LineSource } from './line-source.ts';
import { COMMANDS, parseArgumentsJson, parseReplLine } from './parse-command.ts';
import { promptForArguments } from './prompt-arguments.ts';
import { renderToolResult } from './render-result.ts';
import type { ReplSession, ToolInfo } from './repl-session.ts';

export interface ReplOptions {
  readonly session: ReplSession;
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  readonly terminal: boolean;
  readonly color: boolean;
  readonly historyFile?: string;
  readonly prompt?: string;
  /** For tests: lets them press Ctrl-C. */
  readonly onReady?: (controls: { interrupt(): void }) => void;
}

const HELP = [
  'list                 the server’s tools',
  'call <tool> [json]   call a tool; without JSON you are asked for each argument',
  'status               where you are signed in, until when',
  'logout               forget this server’s tokens',
  'quit                 leave (or Ctrl-D)',
];

/** The interactive prompt: one command per line, one clear line per error, never exits on one. */
export async function runRepl(options: ReplOptions): Promise<void> {
  const say = (line: string) => options.output.write(`${line}\n`);
  let tools: ToolInfo[] | undefined;
  const rl = createInterface({
    input: options.input,
    output: options.output,
    terminal: options.terminal,
    history: options.historyFile ? await loadHistory(options.historyFile) : [],
    historySize: 500,
    completer: (line: string) => complete(line, tools),
  });
  const lines = new LineSource(rl);
  let running: AbortController | undefined;
  const interrupt = () => {
    if (running) {
      running.abort();
      return;
    }
    say('\n(press Ctrl-D or type quit to leave)');
    rl.prompt();
  };
  rl.on('SIGINT', interrupt);
  options.onReady?.({ interrupt });

  const knownTools = async () => {
    tools ??= await options.session.listTools();
    return tools;
  };
  let previous: string | undefined;
  try {
    for (;;) {
      const line = await lines.next(options.prompt ?? 'mcp> ');
      if (line === undefined) break;
      if (options.historyFile) await appendHistory(options.historyFile, line, previous).catch(() => {});
      previous = line;
      const command = parseReplLine(line);
      try {
        if (command.kind === 'empty') continue;
        if (command.kind === 'quit') break;
        if (command.kind === 'invalid') say(`error: ${command.message}`);
        else if (command.kind === 'help') for (const entry of HELP) say(entry);
        else if (command.kind === 'status') for (const entry of await options.session.status()) say(entry);
        else if (command.kind === 'logout') say(await options.session.logout());
        else if (command.kind === 'list') {
          tools = await options.session.listTools();
          for (const tool of tools) say(`${tool.name}${tool.description ? `  ${tool.description}` : ''}`);
        } else if (command.kind === 'call') {
          const tool = (await knownTools()).find((candidate) => candidate.name === command.tool);
          if (!tool) {
            const near = closestNames(
              command.tool,
              (await knownTools()).map((candidate) => candidate.name),
            );
            say(
              `error: no tool named "${command.tool}"${near.length ? `; did you mean ${near.join(' or ')}?` : ''}`,
            );
            continue;
          }
          let args: Record<string, unknown> | undefined;
          if (command.argumentsJson !== undefined) {
            const parsed = parseArgumentsJson(command.argumentsJson);
            if (!parsed.ok) {
              say(`error: ${parsed.message}`);
              continue;
            }
            args = parsed.value;
          } else {
            args = await promptForArguments(tool, (prompt) => lines.next(prompt), say);
            if (!args) {
              say('error: the call was not made');
              continue;
            }
          }
          running = new AbortController();
          try {
            say(
              renderToolResult(await options.session.callTool(tool.name, args, running.signal), {
                color: options.color,
              }),
            );
          } catch (error) {
            if (running.signal.aborted) say('cancelled');
            else throw error;
          } finally {
            running = undefined;
          }
        }
      } catch (error) {
        say(`error: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    rl.close();
  }
}

function complete(line: string, tools: ToolInfo[] | undefined): [string[], string] {
  if (line.startsWith('call ')) {
    const partial = line.slice(5).trimStart();
    const names = (tools ?? []).map((tool) => tool.name).filter((name) => name.startsWith(partial));
    return [names.map((name) => `call ${name} `), line];
  }
  const matches = COMMANDS.filter((command) => command.startsWith(line.trim()));
  return [matches.length ? [...matches] : [...COMMANDS], line];
}
