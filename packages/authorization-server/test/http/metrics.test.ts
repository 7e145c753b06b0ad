import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort } from '@mcp-auth/test-support/free-port';
import { authorize, redeemCode, registerPublicClient } from '@mcp-auth/test-support/oauth-flow';
import { type RunningResourceServer, startResourceServer } from '../../../resource-server/src/index.ts';
import { silentLogger } from '../../src/index.ts';
import { SignInForm, WRONG_PASSWORD } from '../support/sign-in-form.ts';
import { startTestServer, TEST_USER, type TestAuthorizationServer } from '../support/test-server.ts';

const DASHBOARD = fileURLToPath(new URL('../../../../deploy/grafana/mcp-auth.json', import.meta.url));

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
};

/** The value of one series in Prometheus text output, or undefined when it is not there. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics: /metrics on a listener of its own, in the Prometheus text format', () => {
  let as: TestAuthorizationServer;
  let rs: RunningResourceServer;
  let asMetrics: string;
  let rsMetrics: string;

  before(async () => {
    const rsPort = await freePort();
    const resourceUrl = `http://localhost:${rsPort}/mcp`;
    as = await startTestServer({
      metrics: { port: 0 },
      resources: [{ uri: resourceUrl, name: 'RS', scopes: [{ name: 'user', description: 'u' }] }],
    });
    rs = await startResourceServer(
      {
        port: rsPort,
        authServer: as.issuer,
        devCredentialsFile: `${as.dataDir}/dev-introspection-client.json`,
        metrics: { port: 0 },
      },
      { logger: silentLogger },
    );
    // Traffic: a failed and a successful sign-in, a code redeemed, two MCP requests with the
    // token (one introspection, then the cache), and a path nobody routes.
    const failed = await SignInForm.open(as.issuer);
    assert.equal(
      (await failed.submit(TEST_USER.username, 'wrong password', '198.51.100.1')).status,
      WRONG_PASSWORD,
    );
    const client = await registerPublicClient(as.issuer);
    const outcome = await authorize(as.issuer, {
      clientId: client.client_id,
      scope: 'user',
      resource: resourceUrl,
      username: TEST_USER.username,
      password: TEST_USER.password,
    });
    const code = outcome.redirect.searchParams.get('code') ?? '';
    const tokens = (await (
      await redeemCode(as.issuer, { clientId: client.client_id, code, ...outcome })
    ).json()) as {
      access_token: string;
    };
    for (let request = 0; request < 2; request++) {
      const response = await fetch(resourceUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          authorization: `Bearer ${tokens.access_token}`,
        },
        body: JSON.stringify(INITIALIZE),
      });
      assert.equal(response.status, 200);
      await response.arrayBuffer();
    }
    await (await fetch(`${as.issuer}/no/such/path/${'x'.repeat(40)}`)).arrayBuffer();
    const scrape = async (url: string | undefined) => {
      assert.ok(url, 'the server says where its metrics are');
      const response = await fetch(url);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      return response.text();
    };
    asMetrics = await scrape(as.metricsUrl);
    rsMetrics = await scrape(rs.metricsUrl);
  });
  after(async () => {
    await rs?.close();
    await as?.dispose();
  });

  it('the AS counts sign-ins by outcome, tokens by grant type, introspections by result', () => {
    assert.equal(sample(asMetrics, 'mcp_auth_sign_ins_total{outcome="failure"}'), 1);
    assert.equal(sample(asMetrics, 'mcp_auth_sign_ins_total{outcome="success"}'), 1);
    assert.equal(sample(asMetrics, 'mcp_auth_tokens_issued_total{grant_type="authorization_code"}'), 1);
    assert.equal(
      sample(asMetrics, 'mcp_auth_introspections_total{result="active"}'),
      1,
      'once: the RS caches',
    );
    assert.equal(sample(asMetrics, 'mcp_auth_rate_limit_hits_total{limit="sign_in"}'), 0);
    assert.equal(sample(asMetrics, 'mcp_auth_http_requests_total{route="token",status="200"}'), 1);
    assert.ok(
      (sample(asMetrics, 'mcp_auth_http_request_duration_seconds_count{route="introspection"}') ?? 0) >= 1,
    );
  });

  it('route labels are route table names, never a path a client sent (bounded cardinality)', () => {
    assert.doesNotMatch(asMetrics, /no\/such\/path|xxxxxxxx/);
    const routes = new Set([...asMetrics.matchAll(/route="([^"]*)"/g)].map((match) => match[1]));
    for (const route of routes) assert.match(route ?? '', /^[a-z_]+$/, `route label ${route}`);
    assert.ok(routes.has('interaction_login') && routes.has('registration') && routes.has('authorization'));
  });

  it('the RS reports its verifier cache and 2025-era sessions', () => {
    assert.equal(sample(rsMetrics, 'mcp_auth_rs_token_cache_misses_total'), 1);
    assert.equal(sample(rsMetrics, 'mcp_auth_rs_token_cache_hits_total'), 1);
    assert.equal(sample(rsMetrics, 'mcp_auth_rs_active_sessions{transport="streamable_http"}'), 2);
    assert.equal(sample(rsMetrics, 'mcp_auth_http_requests_total{route="mcp",status="200"}'), 2);
  });

  it('the public ports do not serve /metrics, and the metrics listener serves nothing else', async () => {
    assert.equal((await fetch(`${as.issuer}/metrics`)).status, 404);
    assert.equal((await fetch(new URL('/metrics', rs.resourceUrl))).status, 404);
    assert.equal((await fetch(new URL('/', as.metricsUrl))).status, 404);
    assert.equal((await fetch(as.metricsUrl ?? '', { method: 'POST' })).status, 405);
  });

  it('every metric the Grafana dashboard uses exists in real /metrics output', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as {
      panels: Array<{ targets: Array<{ expr: string }> }>;
    };
    const used = new Set(
      dashboard.panels.flatMap((panel) =>
        panel.targets.flatMap((target) =>
          [...target.expr.matchAll(/\bmcp_auth_[a-z_]+\b/g)].map((m) => m[0]),
        ),
      ),
    );
    assert.ok(used.size >= 8, 'the dashboard shows the figures');
    const exposed = `${asMetrics}\n${rsMetrics}`;
    for (const name of used) {
      assert.match(exposed, new RegExp(`^${name}[{ ]`, 'm'), `${name} is exposed`);
    }
  });

  it('metrics are off unless a port is given', async () => {
    const plain = await startTestServer();
    try {
      assert.equal(plain.metricsUrl, undefined);
      assert.equal(plain.metricsRegistry, undefined);
    } finally {
      await plain.dispose();
    }
  });
});
