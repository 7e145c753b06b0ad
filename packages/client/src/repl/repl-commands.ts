import { toolListLines } from '../commands/tool-list-lines.ts';
import { parseArgumentsJson } from './arguments-json.ts';
import { closeMatches } from './close-matches.ts';
import { errorLine } from './error-line.ts';
import { HELP_LINES } from './help-text.ts';
import type { LineRead } from './line-source.ts';
import type { ReplCommand } from './parse-command.ts';
import { promptForArguments } from './prompt-arguments.ts';
import { renderToolResult } from './render-result.ts';
import type { ReplSession, ToolInfo } from './repl-session.ts';
import type { ToolCatalog } from './tool-catalog.ts';
import { Cancelled } from './until-aborted.ts';

/** What the commands need from the running REPL. */
export interface CommandContext {
  readonly session: ReplSession;
  readonly tools: ToolCatalog;
  readonly color: boolean;
  say(line: string): void;
  /** One answer to an argument prompt (Ctrl-C ends it as `interrupted`). */
  readAnswer(prompt: string): Promise<LineRead>;
  /** Runs session work that Ctrl-C can cancel; rejects with Cancelled when it is. */
  cancellable<T>(start: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

export type RunnableCommand = Exclude<ReplCommand, { kind: 'empty' } | { kind: 'quit' }>;

/** Runs one command; whatever goes wrong becomes one line, and the REPL carries on. */
export async function runCommand(command: RunnableCommand, context: CommandContext): Promise<void> {
  try {
    await dispatch(command, context);
  } catch (error) {
    context.say(error instanceof Cancelled ? 'cancelled' : errorLine(error));
  }
}

async function dispatch(command: RunnableCommand, context: CommandContext): Promise<void> {
  const { say, session } = context;
  switch (command.kind) {
    case 'invalid':
      say(`error: ${command.message}`);
      return;
    case 'help':
      for (const line of HELP_LINES) say(line);
      return;
    case 'status':
      for (const line of await context.cancellable((signal) => session.status(signal))) say(line);
      return;
    case 'logout':
      say(await context.cancellable(() => session.logout()));
      return;
    case 'list':
      return listTools(await context.cancellable((signal) => context.tools.refresh(signal)), say);
    case 'call':
      return callTool(command.tool, command.argumentsJson, context);
  }
}

function listTools(tools: ToolInfo[], say: (line: string) => void): void {
  if (tools.length === 0) {
    say('(the server offers no tools)');
    return;
  }
  for (const line of toolListLines(tools)) say(line);
}

async function callTool(
  name: string,
  argumentsJson: string | undefined,
  context: CommandContext,
): Promise<void> {
  const { say } = context;
  // Bad JSON is reported before anything goes over the network.
  const fromJson = argumentsJson === undefined ? undefined : parseArgumentsJson(argumentsJson);
  if (fromJson && !fromJson.ok) {
    say(`error: ${fromJson.message}`);
    return;
  }

  const tool = await findTool(name, context);
  if (!tool) return;

  let args: Record<string, unknown>;
  if (fromJson) {
    args = fromJson.args;
  } else {
    let interrupted = false;
    const prompted = await promptForArguments(
      tool,
      async (prompt) => {
        const read = await context.readAnswer(prompt);
        interrupted = read.kind === 'interrupted';
        return read.kind === 'line' ? read.text : undefined;
      },
      say,
    );
    if (!prompted.ok) {
      if (prompted.reason === 'invalid') say(`error: ${prompted.message}; ${tool.name} was not called`);
      else if (interrupted) say('cancelled');
      // Otherwise the input ended mid-way: nothing to add, the REPL is about to leave.
      return;
    }
    args = prompted.args;
  }
  const result = await context.cancellable((signal) => context.session.callTool(tool.name, args, signal));
  say(renderToolResult(result, { color: context.color }));
}

/** The named tool, asking the server again once if the cached list lacks it (tools can be added). */
async function findTool(name: string, context: CommandContext): Promise<ToolInfo | undefined> {
  const byName = (tools: ToolInfo[]) => tools.find((tool) => tool.name === name);
  const cached = await context.cancellable((signal) => context.tools.known(signal));
  const tools = byName(cached)
    ? cached
    : await context.cancellable((signal) => context.tools.refresh(signal));
  const tool = byName(tools);
  if (tool) return tool;
  const matches = closeMatches(
    name,
    tools.map((candidate) => candidate.name),
  );
  context.say(
    matches.length > 0
      ? `error: no tool named "${name}"; did you mean ${matches.join(', ')}?`
      : `error: no tool named "${name}"; type list to see the tools`,
  );
  return undefined;
}
