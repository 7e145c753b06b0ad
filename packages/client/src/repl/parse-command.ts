/** One line typed at the REPL prompt, understood. */
export type ReplCommand =
  | { kind: 'empty' }
  | { kind: 'list' }
  | { kind: 'help' }
  | { kind: 'status' }
  | { kind: 'logout' }
  | { kind: 'quit' }
  /** `argumentsJson` is the rest of the line as typed; absent means "ask for each argument". */
  | { kind: 'call'; tool: string; argumentsJson?: string }
  | { kind: 'invalid'; message: string };

/** Every command word, in the order `help` and completion show them. */
export const COMMAND_NAMES = ['list', 'call', 'status', 'logout', 'help', 'quit', 'exit'] as const;

const CALL = /^call(?:\s+(\S+)(?:\s+(.*))?)?$/s;

export function parseCommand(line: string): ReplCommand {
  const trimmed = line.trim();
  if (trimmed === '') return { kind: 'empty' };
  const word = trimmed.split(/\s/, 1)[0] ?? '';
  const rest = trimmed.slice(word.length).trim();
  switch (word) {
    case 'list':
    case 'help':
    case 'status':
    case 'logout':
    case 'quit':
    case 'exit':
      // Extra words are more likely a typo than something to silently ignore.
      if (rest !== '') return { kind: 'invalid', message: `${word} takes no arguments` };
      return word === 'exit' ? { kind: 'quit' } : { kind: word };
    case 'call': {
      const [, tool, argumentsJson] = CALL.exec(trimmed) ?? [];
      if (!tool) return { kind: 'invalid', message: 'usage: call <tool> [json arguments]' };
      return argumentsJson ? { kind: 'call', tool, argumentsJson } : { kind: 'call', tool };
    }
    default:
      return { kind: 'invalid', message: `unknown command "${word}"; type help to see the commands` };
  }
}
