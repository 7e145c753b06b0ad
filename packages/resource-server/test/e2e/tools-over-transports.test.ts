import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Client } from '@modelcontextprotocol/client';
import { connectClient, type Stack, startStack } from '../support/stack.ts';

const TOOLS = ['calculator', 'get_time', 'get_weather', 'server_stats', 'whoami'];

for (const tokenFormat of ['opaque', 'jwt'] as const) {
  describe(`tools over every transport (${tokenFormat} tokens, ${tokenFormat === 'jwt' ? 'JWT' : 'introspection'} verifier)`, () => {
    let stack: Stack;
    let adminToken: string;
    before(async () => {
      stack = await startStack(
        { tokenVerification: tokenFormat === 'jwt' ? 'jwt' : 'introspection' },
        { tokenFormat },
      );
      adminToken = await stack.token({ scope: 'user admin' });
    });
    after(() => stack.close());

    for (const transport of ['streamable-http-2026', 'streamable-http', 'sse'] as const) {
      it(`${transport}: lists and calls every tool`, async () => {
        const client: Client = await connectClient(stack.resourceUrl, adminToken, transport);
        try {
          const { tools } = await client.listTools();
          assert.deepEqual(tools.map((tool) => tool.name).sort(), TOOLS);
          for (const tool of tools) assert.ok(tool.outputSchema, `${tool.name} declares an outputSchema`);

          const sum = await client.callTool({ name: 'calculator', arguments: { expression: '2+3*4' } });
          assert.equal((sum.structuredContent as { result: number }).result, 14);
          const bad = await client.callTool({ name: 'calculator', arguments: { expression: '1/0' } });
          assert.equal(bad.isError, true);

          const time = await client.callTool({ name: 'get_time', arguments: { timezone: 'Asia/Kolkata' } });
          assert.match((time.structuredContent as { iso: string }).iso, /\+05:30$/);
          const noZone = await client.callTool({ name: 'get_time', arguments: { timezone: 'Mars/Olympus' } });
          assert.equal(noZone.isError, true);

          const weather = await client.callTool({ name: 'get_weather', arguments: { city: 'Boston' } });
          assert.equal((weather.structuredContent as { simulated: boolean }).simulated, true);

          const me = await client.callTool({ name: 'whoami', arguments: {} });
          const identity = me.structuredContent as {
            subject: string;
            username: string;
            scopes: string[];
            audience: string[];
          };
          assert.ok(identity.subject);
          assert.equal(identity.username, 'alice', 'RFC 7662 username / JWT username claim');
          assert.deepEqual(identity.scopes.sort(), ['admin', 'user']);
          assert.deepEqual(identity.audience, [stack.resourceUrl]);
          assert.doesNotMatch(
            JSON.stringify(me),
            new RegExp(adminToken.slice(0, 20)),
            'the token is never echoed',
          );

          const stats = await client.callTool({ name: 'server_stats', arguments: {} });
          assert.ok((stats.structuredContent as { requestsServed: number }).requestsServed > 0);
        } finally {
          await client.close();
        }
      });
    }
  });
}
