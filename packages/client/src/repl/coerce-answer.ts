import type { JsonSchema } from './repl-session.ts';

export type Coerced = { ok: true; value: unknown } | { ok: false; message: string };

/** The one type a prompt asks for: the first non-null one of a union, string when unsaid. */
export function schemaType(schema: JsonSchema): string {
  const types = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  return types.find((type) => type !== 'null') ?? 'string';
}

/** A typed answer as a value of the schema's type (and one of its enum), or why it is not one. */
export function coerceAnswer(answer: string, schema: JsonSchema): Coerced {
  const coerced = coerceToType(answer.trim(), schemaType(schema));
  if (!coerced.ok || schema.enum === undefined) return coerced;
  if (schema.enum.some((allowed) => allowed === coerced.value)) return coerced;
  return {
    ok: false,
    message: `must be one of ${schema.enum.map((allowed) => JSON.stringify(allowed)).join(', ')}`,
  };
}

function coerceToType(answer: string, type: string): Coerced {
  switch (type) {
    case 'number':
    case 'integer': {
      // Number('') and Number(' ') are 0, so blank is rejected before converting.
      const value = answer === '' ? Number.NaN : Number(answer);
      if (!Number.isFinite(value)) return { ok: false, message: `"${answer}" is not a number` };
      if (type === 'integer' && !Number.isInteger(value))
        return { ok: false, message: `"${answer}" is not a whole number` };
      return { ok: true, value };
    }
    case 'boolean': {
      const word = answer.toLowerCase();
      if (['true', 'yes', 'y'].includes(word)) return { ok: true, value: true };
      if (['false', 'no', 'n'].includes(word)) return { ok: true, value: false };
      return { ok: false, message: 'answer true or false' };
    }
    case 'array':
    case 'object':
      return parseJsonOf(answer, type);
    default:
      return { ok: true, value: answer };
  }
}

function parseJsonOf(answer: string, type: 'array' | 'object'): Coerced {
  let value: unknown;
  try {
    value = JSON.parse(answer);
  } catch (error) {
    return { ok: false, message: `not valid JSON: ${(error as Error).message}` };
  }
  const isArray = Array.isArray(value);
  const matches = type === 'array' ? isArray : typeof value === 'object' && value !== null && !isArray;
  const example = type === 'array' ? '["a", "b"]' : '{"key": "value"}';
  return matches ? { ok: true, value } : { ok: false, message: `a JSON ${type} is needed, e.g. ${example}` };
}
