import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeAuthorizationError } from '../../src/oauth/authorization-error.ts';

const RESOURCE = 'http://localhost:8002/mcp';

describe('an error the AS sent back to the redirect URI (RFC 6749 §4.1.2.1)', () => {
  it('invalid_target (RFC 8707): the AS description, and how to register the MCP server', () => {
    const line = describeAuthorizationError({
      error: 'invalid_target',
      description: `unknown resource "${RESOURCE}"`,
      resource: RESOURCE,
    });
    assert.equal(
      line,
      `the authorization server refused the sign-in: invalid_target (unknown resource "${RESOURCE}"); ` +
        `the authorization server does not know this MCP server (${RESOURCE}); start it with ` +
        `\`mcp-auth-as --resource ${RESOURCE}\` or add it to its --config`,
    );
  });

  it('the error code is sanitised too, and an unknown one still says what to do', () => {
    const line = describeAuthorizationError({ error: 'weird\u001b[2J', resource: RESOURCE });
    assert.equal(line.includes('\u001b'), false);
    assert.match(line, /run the command again/);
  });

  it('access_denied says it was denied in the browser', () => {
    assert.match(
      describeAuthorizationError({ error: 'access_denied', resource: RESOURCE }),
      /^access was denied in the browser; run the command again/,
    );
  });
});
