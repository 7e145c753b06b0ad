import type { JsonSchema, ToolInfo } from './repl-session.ts';

type Ask = (prompt: string) => Promise<string | undefined>;

function typeOf(schema: JsonSchema): string {
  const type = Array.isArray(schema.type) ? schema.type.find((entry) => entry !== 'null') : schema.type;
  return type ?? 'string';
}

/** Turns one typed answer into a value of the schema's type, or says why it cannot. */
export function coerceAnswer(
  answer: string,
  schema: JsonSchema,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const type = typeOf(schema);
  let value: unknown = answer;
  if (type === 'number' || type === 'integer') {
    value = Number(answer);
    if (!Number.isFinite(value as number)) return { ok: false, message: 'a number is needed' };
    if (type === 'integer' && !Number.isInteger(value))
      return { ok: false, message: 'a whole number is needed' };
  } else if (type === 'boolean') {
    if (!/^(true|false|yes|no)$/i.test(answer)) return { ok: false, message: 'answer true or false' };
    value = /^(true|yes)$/i.test(answer);
  } else if (type === 'array' || type === 'object') {
    try {
      value = JSON.parse(answer);
    } catch {
      return { ok: false, message: `a JSON ${type} is needed` };
    }
  }
  if (schema.enum && !schema.enum.includes(value)) {
    return { ok: false, message: `one of ${schema.enum.map((entry) => JSON.stringify(entry)).join(', ')}` };
  }
  return { ok: true, value };
}

/**
 * `call <tool>` without JSON: asks for each argument of the tool's input schema, required ones
 * first, showing its description, type and default. An empty answer skips an optional argument
 * (or takes its default); a bad value is asked again once, with the reason.
 */
export async function promptForArguments(
  tool: ToolInfo,
  ask: Ask,
  say: (line: string) => void,
): Promise<Record<string, unknown> | undefined> {
  const properties = Object.entries(tool.inputSchema.properties ?? {});
  const required = new Set(tool.inputSchema.required ?? []);
  properties.sort(([a], [b]) => Number(required.has(b)) - Number(required.has(a)));
  const args: Record<string, unknown> = {};
  for (const [name, schema] of properties) {
    const hint = [typeOf(schema), required.has(name) ? 'required' : 'optional'];
    if (schema.default !== undefined) hint.push(`default ${JSON.stringify(schema.default)}`);
    if (schema.description) say(`  ${name}: ${schema.description}`);
    for (let attempt = 0; attempt < 2; attempt++) {
      const answer = await ask(`  ${name} (${hint.join(', ')}): `);
      if (answer === undefined) return undefined;
      if (answer.trim() === '') {
        if (required.has(name) && schema.default === undefined) {
          say(`  ${name} is required`);
          continue;
        }
        if (schema.default !== undefined) args[name] = schema.default;
        break;
      }
      const coerced = coerceAnswer(answer.trim(), schema);
      if (coerced.ok) {
        args[name] = coerced.value;
        break;
      }
      say(`  ${coerced.message}`);
      if (attempt === 1) return undefined;
    }
    if (required.has(name) && !(name in args)) return undefined;
  }
  return args;
}
