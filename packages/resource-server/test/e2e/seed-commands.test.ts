import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  authorize,
  redeemCode,
  registerPublicClient,
} from '../../../authorization-server/test/support/oauth-flow.ts';
import { type RunningProcess, startCommand } from '../support/processes.ts';
import { connectClient } from '../support/stack.ts';

/**
 * The seed README's server commands, verbatim, as separate processes sharing one user's data
 * folder (as on one machine): the RS finds the AS's development introspection credential with
 * no manual step. Then a headless sign-in and every tool, over Streamable HTTP and over SSE.
 */
describe('the seed commands: mcp-auth-as --port=9000 and mcp-auth-rs --port=8001 …', () => {
  let home: string;
  let as: RunningProcess;
  let rs: RunningProcess | undefined;
  let demo: { username: string; password: string };
  const env = () => ({ XDG_DATA_HOME: home, HOME: home });

  before(async () => {
    home = await mkdtemp(join(tmpdir(), 'mcp-auth-seed-'));
    as = startCommand('mcp-auth-as', ['--port=9000'], env());
    const banner = await as.waitFor(/demo account\s+(\S+) \/ (\S+)/);
    const match = /demo account\s+(\S+) \/ (\S+)/.exec(banner);
    demo = { username: match?.[1] ?? '', password: match?.[2] ?? '' };
  });
  after(async () => {
    await rs?.stop();
    await as?.stop();
    await rm(home, { recursive: true, force: true });
  });

  async function signIn(): Promise<string> {
    const client = await registerPublicClient('http://localhost:9000');
    const outcome = await authorize('http://localhost:9000', {
      clientId: client.client_id,
      scope: 'user admin',
      resource: 'http://localhost:8001/mcp',
      ...demo,
    });
    const code = outcome.redirect.searchParams.get('code') ?? '';
    const response = await redeemCode('http://localhost:9000', {
      clientId: client.client_id,
      code,
      ...outcome,
    });
    return ((await response.json()) as { access_token: string }).access_token;
  }

  async function callEveryTool(token: string, transport: 'streamable-http' | 'sse') {
    const client = await connectClient('http://localhost:8001/mcp', token, transport);
    try {
      const names = (await client.listTools()).tools.map((tool) => tool.name).sort();
      assert.deepEqual(names, ['calculator', 'get_time', 'get_weather', 'server_stats', 'whoami']);
      const calls: Array<[string, Record<string, unknown>]> = [
        ['get_time', {}],
        ['calculator', { expression: '2+3*4' }],
        ['get_weather', { city: 'London', country: 'GB' }],
        ['whoami', {}],
        ['server_stats', {}],
      ];
      for (const [name, args] of calls) {
        const result = await client.callTool({ name, arguments: args });
        assert.notEqual(result.isError, true, `${name}: ${JSON.stringify(result.content)}`);
        assert.ok(result.structuredContent, name);
      }
    } finally {
      await client.close();
    }
  }

  it('streamable HTTP: sign in as the printed demo account and call every tool', async () => {
    rs = startCommand(
      'mcp-auth-rs',
      ['--port=8001', '--auth-server=http://localhost:9000', '--transport=streamable-http'],
      env(),
    );
    await rs.waitFor(/MCP Resource Server\s+http:\/\/localhost:8001\/mcp/);
    assert.match(rs.output(), /DEVELOPMENT introspection credential/, 'the development default is loud');
    await callEveryTool(await signIn(), 'streamable-http');
    await rs.stop();
  });

  it('SSE: the same with --transport=sse', async () => {
    rs = startCommand(
      'mcp-auth-rs',
      ['--port=8001', '--auth-server=http://localhost:9000', '--transport=sse'],
      env(),
    );
    await rs.waitFor(/MCP Resource Server/);
    await callEveryTool(await signIn(), 'sse');
    assert.equal(await rs.stop(), 0, 'stops cleanly on SIGTERM');
  });
});
