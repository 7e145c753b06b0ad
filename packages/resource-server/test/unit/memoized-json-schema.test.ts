import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { withMemoizedJsonSchema } from '../../src/tools/memoized-json-schema.ts';

const target = { target: 'draft-2020-12' } as const;

describe('tool schemas with their JSON Schema computed once', () => {
  const original = z.object({
    expression: z.string().describe('arithmetic'),
    precision: z.number().optional(),
  });

  it('gives the same JSON Schema as the original, for input and for output', () => {
    const schema = withMemoizedJsonSchema(original);
    assert.deepEqual(
      schema['~standard'].jsonSchema.input(target),
      original['~standard'].jsonSchema.input(target),
    );
    assert.deepEqual(
      schema['~standard'].jsonSchema.output(target),
      original['~standard'].jsonSchema.output(target),
    );
  });

  it('returns the very same object on every call (converted once) and keeps input and output apart', () => {
    const schema = withMemoizedJsonSchema(original);
    const first = schema['~standard'].jsonSchema.input(target);
    assert.equal(schema['~standard'].jsonSchema.input(target), first);
    const output = schema['~standard'].jsonSchema.output(target);
    assert.notEqual(output, first);
    // `precision` is optional on both sides, but the two directions are distinct conversions.
    assert.equal(schema['~standard'].jsonSchema.output(target), output);
  });

  it('keys the memo by target', () => {
    const schema = withMemoizedJsonSchema(original);
    const modern = schema['~standard'].jsonSchema.input(target);
    const draft7 = schema['~standard'].jsonSchema.input({ target: 'draft-07' });
    assert.notEqual(draft7, modern);
    assert.equal(draft7.$schema, 'http://json-schema.org/draft-07/schema#');
  });

  it('freezes the shared JSON Schema, nested objects included: a consumer cannot change it for the next request', () => {
    const schema = withMemoizedJsonSchema(original);
    const json = schema['~standard'].jsonSchema.input(target) as { properties: Record<string, object> };
    assert.ok(Object.isFrozen(json));
    assert.ok(Object.isFrozen(json.properties));
    assert.ok(Object.isFrozen(json.properties.expression));
    assert.throws(() => {
      (json.properties as Record<string, unknown>).injected = {};
    }, TypeError);
  });

  it('validates exactly as the original does', async () => {
    const schema = withMemoizedJsonSchema(original);
    const good = await schema['~standard'].validate({ expression: '1+1' });
    assert.deepEqual(good, { value: { expression: '1+1' } });
    const bad = await schema['~standard'].validate({ expression: 42 });
    assert.ok('issues' in bad && bad.issues && bad.issues.length > 0);
    assert.equal(schema.safeParse({ expression: '2' }).success, true, 'zod methods still work');
  });
});
