import { coerceAnswer, schemaType } from './coerce-answer.ts';
import type { JsonSchema, ToolInfo } from './repl-session.ts';

/** Reads one answer after showing `prompt`; undefined means stop (end of input or Ctrl-C). */
export type Ask = (prompt: string) => Promise<string | undefined>;

export type PromptedArguments =
  | { ok: true; args: Record<string, unknown> }
  | { ok: false; reason: 'stopped' }
  | { ok: false; reason: 'invalid'; message: string };

/**
 * `call <tool>` without JSON: asks for each property of the tool's input schema, required ones
 * first (otherwise in schema order), showing its description, type and default. An empty answer
 * skips an optional property or takes the default; a value that does not fit is asked for once
 * more with the reason, and a second miss gives up rather than call the tool with a guess.
 */
export async function promptForArguments(
  tool: ToolInfo,
  ask: Ask,
  say: (line: string) => void,
): Promise<PromptedArguments> {
  const required = new Set(tool.inputSchema.required ?? []);
  const properties = Object.entries(tool.inputSchema.properties ?? {});
  // Array.prototype.sort is stable, so schema order survives within each group.
  properties.sort(([a], [b]) => Number(required.has(b)) - Number(required.has(a)));
  if (properties.length > 0) say(`arguments for ${tool.name} (an empty answer skips an optional one):`);

  const args: Record<string, unknown> = {};
  for (const [name, schema] of properties) {
    if (schema.description) say(`  ${name}: ${firstLine(schema.description)}`);
    const prompt = `  ${name} (${describe(schema, required.has(name))}): `;
    let problem: string | undefined;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const answer = await ask(prompt);
      if (answer === undefined) return { ok: false, reason: 'stopped' };
      problem = undefined;
      if (answer.trim() === '') {
        if (schema.default !== undefined) args[name] = schema.default;
        else if (required.has(name)) problem = 'a value is required';
      } else {
        const coerced = coerceAnswer(answer, schema);
        if (coerced.ok) args[name] = coerced.value;
        else problem = coerced.message;
      }
      if (problem === undefined) break;
      if (attempt === 1) say(`  ${problem}; try again`);
    }
    if (problem !== undefined) return { ok: false, reason: 'invalid', message: `${name}: ${problem}` };
  }
  return { ok: true, args };
}

/** E.g. `integer, required, default 10, one of 10, 20`. */
function describe(schema: JsonSchema, isRequired: boolean): string {
  const type = schemaType(schema);
  const parts = [type === 'array' || type === 'object' ? `${type} as JSON` : type];
  parts.push(isRequired ? 'required' : 'optional');
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  if (schema.enum !== undefined)
    parts.push(`one of ${schema.enum.map((value) => JSON.stringify(value)).join(', ')}`);
  return parts.join(', ');
}

function firstLine(text: string): string {
  return text.trim().split('\n', 1)[0] ?? '';
}
