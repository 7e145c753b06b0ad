import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors } from 'oidc-provider';
import { errorAnswer } from '../../src/http/error-response.ts';
import { HttpError } from '../../src/http/http-error.ts';
import { StorageError } from '../../src/storage/storage-error.ts';

describe('one error model: every failure is answered from one mapping', () => {
  it('an HttpError answers with its own status, RFC 6749 §5.2 code, description and headers', () => {
    const answer = errorAnswer(new HttpError(405, 'invalid_request', 'use POST here', { allow: 'POST' }));
    assert.deepEqual(answer, {
      status: 405,
      code: 'invalid_request',
      description: 'use POST here',
      headers: { allow: 'POST' },
      unexpected: false,
    });
  });

  it('an HttpError is one of oidc-provider errors, whose 5xx descriptions it shows (they are ours)', () => {
    const refused = new HttpError(503, 'temporarily_unavailable', 'full; retry later');
    assert.ok(refused instanceof errors.OIDCProviderError);
    assert.equal(refused.expose, true);
    assert.equal(refused.error, 'temporarily_unavailable');
    assert.equal(refused.error_description, 'full; retry later');
  });

  it('anything unexpected is server_error with no internals in the answer', () => {
    const answer = errorAnswer(new Error('connection to 10.0.0.5 refused, password=hunter2'));
    assert.equal(answer.status, 500);
    assert.equal(answer.code, 'server_error');
    assert.equal(answer.unexpected, true);
    assert.doesNotMatch(answer.description, /10\.0\.0\.5|hunter2/);
  });

  it('a database that may recover without a restart is 503, one that will not is 500; neither is named', () => {
    const full = errorAnswer(new StorageError('/data/as.db is full (SQLITE_FULL)', { temporary: true }));
    assert.equal(full.status, 503);
    assert.equal(full.code, 'server_error');
    assert.doesNotMatch(full.description, /as\.db|SQLITE/);
    assert.equal(errorAnswer(new StorageError('/data/as.db is damaged')).status, 500);
  });
});
