import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { elicitationRequestOf } from '../../src/elicitation/elicitation-request.ts';
import { formDefaults } from '../../src/elicitation/form-defaults.ts';

describe('elicitation requests and their defaults', () => {
  it('SEP-1034: a form filled with its defaults keeps each field’s type; fields without one are left out', () => {
    assert.deepEqual(
      formDefaults({
        type: 'object',
        properties: {
          name: { type: 'string', default: 'John Doe' },
          age: { type: 'integer', default: 30 },
          score: { type: 'number', default: 95.5 },
          status: { type: 'string', enum: ['active', 'pending'], default: 'active' },
          verified: { type: 'boolean', default: true },
          email: { type: 'string' },
        },
      }),
      { name: 'John Doe', age: 30, score: 95.5, status: 'active', verified: true },
    );
  });

  it('a default that is no form value (an object) is not sent', () => {
    assert.deepEqual(formDefaults({ type: 'object', properties: { odd: { default: { nested: 1 } } } }), {});
  });

  it('the SDK’s params become a form or a URL request; one that fits neither is undefined', () => {
    assert.deepEqual(
      elicitationRequestOf({ message: 'm', requestedSchema: { type: 'object', properties: {} } }),
      {
        mode: 'form',
        message: 'm',
        requestedSchema: { type: 'object', properties: {} },
      },
    );
    assert.deepEqual(
      elicitationRequestOf({ mode: 'url', message: 'm', url: 'https://a.example/x', elicitationId: 'e' }),
      { mode: 'url', message: 'm', url: 'https://a.example/x', elicitationId: 'e' },
    );
    assert.equal(elicitationRequestOf({ mode: 'url', message: 'm' }), undefined);
    assert.equal(elicitationRequestOf({ message: 'no schema' }), undefined);
  });
});
