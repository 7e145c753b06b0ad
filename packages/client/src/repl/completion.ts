import { COMMAND_NAMES } from './parse-command.ts';

/** What readline's completer returns: the candidates, and the text they would replace. */
export type Completion = [candidates: string[], replacing: string];

const FIRST_WORD = /^\s*(\S*)$/;
const TOOL_AFTER_CALL = /^\s*call\s+(\S*)$/;

/**
 * Tab completion: the command word, and after `call ` the tool name. Tool names are only asked
 * for when needed; if that fails there is simply nothing to complete (no error mid-typing).
 */
export async function completeLine(line: string, toolNames: () => Promise<string[]>): Promise<Completion> {
  const command = FIRST_WORD.exec(line);
  if (command) {
    const typed = command[1] ?? '';
    return [COMMAND_NAMES.filter((name) => name.startsWith(typed)), typed];
  }
  const tool = TOOL_AFTER_CALL.exec(line);
  if (tool) {
    const typed = tool[1] ?? '';
    const names = await toolNames().catch(() => []);
    return [names.filter((name) => name.startsWith(typed)), typed];
  }
  return [[], line];
}
