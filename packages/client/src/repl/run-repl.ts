import { createInterface } from 'node:readline';
import type { AnswerElicitation } from '../elicitation/elicitation-request.ts';
import { terminalElicitation } from '../elicitation/terminal-elicitation.ts';
import { openBrowser } from '../oauth/open-browser.ts';
import { completeLine } from './completion.ts';
import { appendHistory, HISTORY_SIZE, loadHistory } from './history.ts';
import { LineSource } from './line-source.ts';
import { parseCommand } from './parse-command.ts';
import { type CommandContext, runCommand } from './repl-commands.ts';
import type { ReplSession } from './repl-session.ts';
import { ToolCatalog } from './tool-catalog.ts';
import { untilAborted } from './until-aborted.ts';

export interface ReplControls {
  /** Does what Ctrl-C does at this moment (tests cannot press keys on a pipe). */
  interrupt(): void;
  /** Answers the server's elicitation requests at this prompt (terminal-elicitation.ts). */
  readonly answerElicitation: AnswerElicitation;
}

export interface ReplOptions {
  readonly session: ReplSession;
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** True for a person at a terminal (line editing, completion, history); false for a pipe. */
  readonly terminal: boolean;
  /** ANSI colours in results; the caller decides (NO_COLOR, not a TTY). */
  readonly color: boolean;
  /** Where history is kept across runs; none when absent. */
  readonly historyFile?: string;
  readonly prompt?: string;
  /** Called once the REPL listens, before the first prompt. */
  readonly onReady?: (controls: ReplControls) => void;
  /** Opens a URL-mode elicitation's page once the person agrees (default: open-browser.ts). */
  readonly openUrl?: (url: URL) => Promise<void>;
}

export const INTERRUPT_HINT = '(press Ctrl-D or type quit to leave)';

/**
 * The interactive prompt: one command per line until `quit` or the end of input. No command
 * failure ends it; each prints one line and the next prompt follows.
 */
export async function runRepl(options: ReplOptions): Promise<void> {
  const { session, output } = options;
  const say = (line: string) => {
    output.write(`${line}\n`);
  };
  const tools = new ToolCatalog(session);
  // A history file that cannot be used turns history off for this run, with one warning.
  let historyFile = options.historyFile;
  const historyOff = (error: unknown) => {
    say(`warning: history is off for this run: ${(error as Error).message}`);
    historyFile = undefined;
  };
  const history = historyFile
    ? await loadHistory(historyFile).catch((error: unknown) => {
        historyOff(error);
        return [];
      })
    : [];
  const rl = createInterface({
    input: options.input,
    output,
    terminal: options.terminal,
    history,
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: (line: string, callback: (error: Error | null, completion?: [string[], string]) => void) => {
      const toolNames = async () => (await tools.known()).map((tool) => tool.name);
      completeLine(line, toolNames).then((completion) => callback(null, completion), callback);
    },
  });
  const lines = new LineSource(rl, output);

  // What Ctrl-C means depends on what the REPL is doing.
  let running: AbortController | undefined;
  let answeringArguments = false;
  rl.on('SIGINT', () => {
    if (answeringArguments && lines.waiting) {
      // The cursor is still after an argument prompt (or an elicitation's, while a call runs):
      // `call` then reports the cancellation, an elicitation answers `cancel`.
      output.write('\n');
      lines.interrupt();
    } else if (running) {
      running.abort();
    } else if (options.terminal && rl.line !== '') {
      // Like a shell: Ctrl-C throws away what was typed so far.
      rl.write(null, { ctrl: true, name: 'e' });
      rl.write(null, { ctrl: true, name: 'u' });
    } else {
      output.write(`\n${INTERRUPT_HINT}\n`);
      if (lines.waiting) lines.reprompt();
    }
  });

  // Ctrl-D at a terminal means leave, whatever is running: a call or a sign-in that waits for
  // the browser is cancelled, and the loop below sees the end of input. (A pipe's end only means
  // no more commands: what it sent still runs.)
  rl.on('close', () => {
    if (options.terminal) running?.abort();
  });

  const context: CommandContext = {
    session,
    tools,
    color: options.color,
    say,
    async readAnswer(prompt: string) {
      answeringArguments = true;
      try {
        return await lines.read(prompt);
      } finally {
        answeringArguments = false;
      }
    },
    async cancellable<T>(start: (signal: AbortSignal) => Promise<T>): Promise<T> {
      const controller = new AbortController();
      running = controller;
      try {
        return await untilAborted(start(controller.signal), controller.signal);
      } finally {
        running = undefined;
      }
    },
  };
  let previousLine: string | undefined;

  const answerAtPrompt = terminalElicitation({
    ask: async (prompt) => {
      const read = await context.readAnswer(prompt);
      return read.kind === 'line' ? read.text : undefined;
    },
    say,
    openUrl: options.openUrl ?? ((url) => openBrowser(url)),
  });
  // Only a running command has the person's attention (and leaves the prompt free to read).
  const answerElicitation: AnswerElicitation = async (request, signal) => {
    if (running) return answerAtPrompt(request, signal);
    say(`the server asked "${request.message}" while no command ran: declined`);
    return { action: 'decline' };
  };
  options.onReady?.({ interrupt: () => rl.emit('SIGINT'), answerElicitation });
  try {
    for (;;) {
      const read = await lines.read(options.prompt ?? 'mcp> ');
      if (read.kind === 'end') {
        // Ctrl-D leaves the cursor after the prompt; the shell should start on a fresh line.
        output.write('\n');
        return;
      }
      if (read.kind !== 'line') continue;
      if (historyFile) await appendHistory(historyFile, read.text, previousLine).catch(historyOff);
      if (read.text.trim() !== '') previousLine = read.text;
      const command = parseCommand(read.text);
      if (command.kind === 'quit') return;
      if (command.kind !== 'empty') await runCommand(command, context);
    }
  } finally {
    rl.close();
  }
}
