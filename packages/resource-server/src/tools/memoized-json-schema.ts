import type { StandardSchemaWithJSON } from '@modelcontextprotocol/server';

type JsonSchemaOptions = Parameters<StandardSchemaWithJSON['~standard']['jsonSchema']['input']>[0];
type JsonSchema = ReturnType<StandardSchemaWithJSON['~standard']['jsonSchema']['input']>;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * The same tool schema, whose JSON Schema (Standard JSON Schema, `~standard.jsonSchema`) is
 * computed once per direction and target instead of on every call.
 *
 * Why: a 2026-07-28 request is served by a server built for it alone (stateless), and the MCP
 * SDK converts the called tool's input schema (for the `Mcp-Param-*` header check) and output
 * schema (to project the result) to JSON Schema once per server instance, that is once per
 * request: about a tenth of the resource server's CPU under load (docs/PERFORMANCE.md). The
 * schemas here are module constants, so their JSON Schema never changes.
 *
 * Validation is untouched (`~standard.validate` is the original). The JSON Schema is deeply
 * frozen because every caller shares it: a consumer that tried to modify it would throw rather
 * than silently change what the next request sees.
 */
export function withMemoizedJsonSchema<Schema extends StandardSchemaWithJSON>(schema: Schema): Schema {
  const standard = schema['~standard'];
  const memo = new Map<string, JsonSchema>();
  const memoized =
    (direction: 'input' | 'output') =>
    (options: JsonSchemaOptions): JsonSchema => {
      // Only the target is part of the key; any other option is rare enough to bypass the memo.
      if (Object.keys(options).some((key) => key !== 'target')) {
        return standard.jsonSchema[direction](options);
      }
      const key = `${direction} ${options.target}`;
      let converted = memo.get(key);
      if (!converted) {
        converted = deepFreeze(standard.jsonSchema[direction](options));
        memo.set(key, converted);
      }
      return converted;
    };
  // The prototype keeps the original schema's behaviour (zod methods, type inference); only
  // `~standard` is shadowed by an own property.
  return Object.create(schema, {
    '~standard': {
      value: {
        version: standard.version,
        vendor: standard.vendor,
        validate: standard.validate,
        ...(standard.types ? { types: standard.types } : {}),
        jsonSchema: { input: memoized('input'), output: memoized('output') },
      },
      enumerable: false,
    },
  }) as Schema;
}
