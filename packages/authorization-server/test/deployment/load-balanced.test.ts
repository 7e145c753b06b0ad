import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { after, before, it, type TestContext } from 'node:test';
import { describeNeeding } from '@mcp-auth/test-support/availability';
import { findNginx } from '@mcp-auth/test-support/nginx';
import {
  authorize,
  basicAuth,
  introspect,
  redeemCode,
  refresh,
  registerPublicClient,
} from '@mcp-auth/test-support/oauth-flow';
import { connectClient } from '../../../resource-server/test/support/stack.ts';
import { type Deployment, type Instance, runCleanup, startDeployment, USER } from './deployment.ts';
import { answeredBy, type Exchange, TrafficRecorder } from './traffic.ts';

/**
 * The README's "Beyond one machine", for real: two `mcp-auth-as` processes on one PostgreSQL
 * schema and two `mcp-auth-rs` processes, behind nginx (the routing of deploy/nginx/mcp-auth.conf,
 * on loopback). Every request of the test goes through nginx, whose `X-Upstream` header says
 * which instance answered.
 */

/**
 * Bounded load: 8 concurrent loops, each signed in once first, then running for 4 s; one AS
 * instance is SIGKILLed 1.5 s in. Two loops mostly sign in (a sign-in, a refresh, a sign-in, …);
 * six mostly rotate refresh tokens (a new sign-in every 40 steps, or when an answer was lost).
 */
const LOAD = { workers: 8, signInWorkers: 2, durationMs: 4000, killAfterMs: 1500 } as const;

interface TokenResponse {
  access_token: string;
  refresh_token: string;
  scope: string;
}

/** One sign-in and the refresh tokens rotated from it: one grant. */
interface Chain {
  readonly label: string;
  readonly clientId: string;
  readonly code: string;
  readonly verifier: string;
  readonly redirectUri: string;
  /** Every refresh token the client received, in order: the last one is its current one. */
  readonly refreshTokens: string[];
  readonly accessTokens: string[];
  /** The code's redemption got no answer from the AS (its instance died). */
  codeLost: boolean;
  /** The refresh of the last refresh token got no answer: it may or may not have been consumed. */
  lastRefreshLost: boolean;
}

interface Failure {
  readonly label: string;
  readonly reason: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `task` over `items` with at most `width` at once. */
async function eachLimited<T>(items: readonly T[], width: number, task: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await task(items[next++] as T);
    }),
  );
}

const SUITE = 'two AS and two RS instances behind nginx on one PostgreSQL database';

describeNeeding(findNginx(), SUITE, { timeout: 120_000 }, () => {
  const cleanup: Array<() => Promise<void>> = [];
  let deployment: Deployment;
  let traffic: TrafficRecorder;

  before(async () => {
    deployment = await startDeployment(cleanup);
    // Installed before any SDK transport exists: the transport captures `fetch` when built.
    traffic = new TrafficRecorder(deployment.issuer);
    traffic.install();
    cleanup.push(async () => traffic.uninstall());
  });

  after(async () => {
    const problems = await runCleanup(cleanup);
    assert.deepEqual(problems, [], 'every process stopped and the schema was dropped');
  });

  const nameOf = (address: string | undefined) =>
    (address && deployment.instanceAt(address)?.name) ?? address ?? '(none)';
  const servedBy = (exchanges: readonly Exchange[]) =>
    [...new Set(exchanges.map((exchange) => nameOf(answeredBy(exchange))))].sort();
  const names = (instances: readonly Instance[]) => instances.map((instance) => instance.name).sort();
  const rsAuth = () => basicAuth(deployment.rsCredentials.clientId, deployment.rsCredentials.clientSecret);
  const introspection = async (token: string) => {
    const response = await introspect(deployment.issuer, token, rsAuth());
    assert.equal(response.status, 200);
    return (await response.json()) as { active: boolean; aud?: string | string[]; scope?: string };
  };
  /** On failure, the instances' and nginx's logs are what explain it. */
  const withLogs = async (t: TestContext, body: () => Promise<void>) => {
    try {
      await body();
    } catch (error) {
      t.diagnostic(deployment.logs().slice(-20_000));
      throw error;
    }
  };

  it('serves discovery, registration, sign-in, tokens, introspection and MCP tools, alternating instances', async (t) =>
    withLogs(t, async () => {
      const { issuer, resourceUrl } = deployment;
      const metadata = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as {
        issuer: string;
        token_endpoint: string;
      };
      assert.equal(metadata.issuer, issuer, 'every instance publishes the public issuer');
      assert.equal(metadata.token_endpoint, `${issuer}/token`);
      // The AS builds its endpoint URLs from the request's host (X-Forwarded-Host first, with
      // --trust-proxy): nginx must overwrite a client's, or the client chooses them.
      const spoofed = await fetch(`${issuer}/.well-known/oauth-authorization-server`, {
        headers: { 'x-forwarded-host': 'attacker.example' },
      });
      assert.equal(((await spoofed.json()) as { token_endpoint: string }).token_endpoint, `${issuer}/token`);
      const resource = (await (await fetch(`${issuer}/.well-known/oauth-protected-resource/mcp`)).json()) as {
        resource: string;
        authorization_servers: string[];
      };
      assert.equal(resource.resource, resourceUrl);
      assert.deepEqual(resource.authorization_servers, [issuer]);
      const challenge = await fetch(resourceUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      assert.equal(challenge.status, 401);
      assert.match(
        challenge.headers.get('www-authenticate') ?? '',
        new RegExp(`resource_metadata="${issuer}/.well-known/oauth-protected-resource/mcp"`),
        'the challenge names the public metadata URL, not an instance',
      );

      const client = await traffic.run('dcr', () => registerPublicClient(issuer));
      const outcome = await traffic.run('sign-in', () =>
        authorize(issuer, {
          clientId: client.client_id,
          scope: 'user admin',
          resource: resourceUrl,
          username: USER.username,
          password: USER.password,
        }),
      );
      assert.deepEqual(outcome.pages, ['login', 'consent']);
      assert.equal(outcome.redirect.searchParams.get('iss'), issuer);
      const signIn = traffic.labelled('sign-in');
      assert.deepEqual(
        servedBy(signIn),
        names(deployment.authorizationServers),
        'one sign-in (pages, form posts, resumes) is served by both instances: cookies and interactions are shared',
      );
      // The instance nginx says took the password is the one that logged the sign-in.
      const login = signIn.find((exchange) => exchange.method === 'POST' && exchange.path.endsWith('/login'));
      const loginInstance = deployment.instanceAt(answeredBy(login as Exchange) ?? '');
      assert.ok(loginInstance, 'the sign-in form post was answered by an instance');
      assert.match(loginInstance.process.output(), /"msg":"signed in"/);
      const other = deployment.authorizationServers.find((instance) => instance !== loginInstance);
      assert.doesNotMatch(other?.process.output() ?? '', /"msg":"signed in"/);

      const redeemed = await traffic.run('token', () =>
        redeemCode(issuer, {
          clientId: client.client_id,
          code: outcome.redirect.searchParams.get('code') ?? '',
          verifier: outcome.verifier,
          redirectUri: outcome.redirectUri,
          resource: resourceUrl,
        }),
      );
      assert.equal(redeemed.status, 200);
      let tokens = (await redeemed.json()) as TokenResponse;
      const first = tokens;
      for (let index = 0; index < 4; index++) {
        const response = await traffic.run('refresh', () =>
          refresh(issuer, client.client_id, tokens.refresh_token),
        );
        assert.equal(response.status, 200);
        const next = (await response.json()) as TokenResponse;
        assert.notEqual(next.refresh_token, tokens.refresh_token, 'rotated');
        tokens = next;
      }
      assert.deepEqual(servedBy(traffic.labelled('refresh')), names(deployment.authorizationServers));

      for (let index = 0; index < 4; index++) {
        const details = await traffic.run('introspect', () => introspection(first.access_token));
        assert.equal(details.active, true, 'the first access token is still active after rotations');
        assert.deepEqual([details.aud].flat(), [resourceUrl]);
      }
      assert.deepEqual(servedBy(traffic.labelled('introspect')), names(deployment.authorizationServers));

      const mcp = await traffic.run('mcp', () =>
        connectClient(resourceUrl, tokens.access_token, 'streamable-http-2026'),
      );
      try {
        await traffic.run('mcp', async () => {
          const { tools } = await mcp.listTools();
          assert.ok(tools.some((tool) => tool.name === 'whoami'));
          for (let index = 0; index < 4; index++) {
            const me = await mcp.callTool({ name: 'whoami', arguments: {} });
            const identity = me.structuredContent as {
              username: string;
              scopes: string[];
              audience: string[];
            };
            assert.equal(identity.username, USER.username);
            assert.deepEqual(identity.scopes.sort(), ['admin', 'user']);
            assert.deepEqual(identity.audience, [resourceUrl]);
          }
          const sum = await mcp.callTool({ name: 'calculator', arguments: { expression: '6*7' } });
          assert.equal((sum.structuredContent as { result: number }).result, 42);
        });
      } finally {
        await mcp.close();
      }
      const toolCalls = traffic.labelled('mcp').filter((exchange) => exchange.path === '/mcp');
      assert.ok(toolCalls.every((exchange) => exchange.status !== undefined && exchange.status < 400));
      assert.deepEqual(
        servedBy(toolCalls),
        names(deployment.resourceServers),
        '2026-07-28 requests are stateless: both RS instances served one client',
      );

      // Revocation at one instance is seen by the other at once (one database).
      const revoked = await fetch(`${issuer}/token/revocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: first.access_token, client_id: client.client_id }),
      });
      assert.equal(revoked.status, 200);
      for (let index = 0; index < 2; index++) {
        const details = await traffic.run('introspect revoked', () => introspection(first.access_token));
        assert.equal(details.active, false);
      }
      assert.deepEqual(
        servedBy(traffic.labelled('introspect revoked')),
        names(deployment.authorizationServers),
      );
    }));

  it('losing one AS instance under load loses only its requests in flight, and no token stays valid that should not', async (t) =>
    withLogs(t, async () => {
      const { issuer, resourceUrl } = deployment;
      const [victim, survivor] = deployment.authorizationServers as [Instance, Instance];
      // Registered up front: dynamic registration is rate-limited per address (20 a minute).
      const clients = [];
      for (let index = 0; index < LOAD.workers; index++) clients.push(await registerPublicClient(issuer));

      const chains: Chain[] = [];
      const failures: Failure[] = [];
      let loadStart = Number.POSITIVE_INFINITY;
      let deadline = Number.POSITIVE_INFINITY;
      let killedAt = Number.POSITIVE_INFINITY;
      // When the parent saw the victim exit: only then are its sockets closed. Between the
      // signal and that moment (tearing down a process takes the kernel some time) its listening
      // socket still completes TCP handshakes, so nginx may still send it a request or two.
      let diedAt = Number.POSITIVE_INFINITY;
      victim.process.child.once('exit', () => {
        diedAt = performance.now();
      });

      const signIn = async (label: string, clientId: string): Promise<Chain | undefined> => {
        let outcome: Awaited<ReturnType<typeof authorize>>;
        try {
          outcome = await authorize(issuer, {
            clientId,
            scope: 'user',
            resource: resourceUrl,
            username: USER.username,
            password: USER.password,
          });
        } catch (error) {
          failures.push({ label, reason: (error as Error).message.split('\n')[0] ?? '' });
          return undefined;
        }
        const chain: Chain = {
          label,
          clientId,
          code: outcome.redirect.searchParams.get('code') ?? '',
          verifier: outcome.verifier,
          redirectUri: outcome.redirectUri,
          refreshTokens: [],
          accessTokens: [],
          codeLost: false,
          lastRefreshLost: false,
        };
        chains.push(chain);
        const response = await redeemCode(issuer, { ...chain, resource: resourceUrl });
        if (response.status !== 200) {
          chain.codeLost = true;
          failures.push({ label, reason: `code redemption: ${response.status} ${await response.text()}` });
          return undefined;
        }
        const tokens = (await response.json()) as TokenResponse;
        chain.refreshTokens.push(tokens.refresh_token);
        chain.accessTokens.push(tokens.access_token);
        return chain;
      };

      const worker = async (index: number, clientId: string, first: Chain) => {
        const signInEvery = index < LOAD.signInWorkers ? 2 : 40;
        let chain: Chain | undefined = first;
        for (let step = 1; performance.now() < deadline; step++) {
          const label = `w${index}#${step}`;
          // Offset per loop, so that the loops do not all sign in at the same moment.
          if (!chain || (step + index) % signInEvery === 0) {
            chain = await traffic.run(`${label} sign-in`, () => signIn(`${label} sign-in`, clientId));
            continue;
          }
          const current = chain;
          const response = await traffic.run(`${label} refresh`, () =>
            refresh(issuer, clientId, current.refreshTokens.at(-1) ?? ''),
          );
          if (response.status === 200) {
            const tokens = (await response.json()) as TokenResponse;
            current.refreshTokens.push(tokens.refresh_token);
            current.accessTokens.push(tokens.access_token);
          } else {
            // Unknown whether the instance consumed the token before dying: stop using the chain.
            current.lastRefreshLost = true;
            failures.push({
              label: `${label} refresh`,
              reason: `${response.status} ${await response.text()}`,
            });
            chain = undefined;
          }
        }
      };

      // Every loop signs in once before the clock starts (eight sign-ins at once are slow: scrypt).
      const firstChains = await Promise.all(
        clients.map((client, index) =>
          traffic.run(`w${index} first sign-in`, () => signIn(`w${index} first sign-in`, client.client_id)),
        ),
      );
      assert.equal(failures.length, 0, `nothing fails while both instances run: ${JSON.stringify(failures)}`);
      loadStart = performance.now();
      deadline = loadStart + LOAD.durationMs;
      const killer = (async () => {
        await sleep(LOAD.killAfterMs);
        killedAt = performance.now();
        victim.process.child.kill('SIGKILL');
      })();
      await Promise.all(
        clients.map((client, index) => worker(index, client.client_id, firstChains[index] as Chain)),
      );
      await killer;
      if (diedAt === Number.POSITIVE_INFINITY)
        await Promise.race([once(victim.process.child, 'exit'), sleep(5000)]);

      const load = traffic.exchanges.filter((exchange) => exchange.startedAt >= loadStart);
      const beforeKill = load.filter((exchange) => exchange.endedAt < killedAt);
      const afterDeath = load.filter((exchange) => exchange.startedAt > diedAt);
      t.diagnostic(
        `load: ${load.length} requests, ${chains.length} sign-ins, ` +
          `${chains.reduce((sum, chain) => sum + chain.refreshTokens.length - 1, 0)} refreshes, ` +
          `${failures.length} failed operations, ` +
          `${load.filter((exchange) => exchange.upstreams.length > 1).length} retried by nginx on the other instance`,
      );
      const medianMs = (match: (exchange: Exchange) => boolean) => {
        const times = load.filter(match).map((exchange) => exchange.endedAt - exchange.startedAt);
        return times.sort((x, y) => x - y)[Math.floor(times.length / 2)]?.toFixed(0);
      };
      t.diagnostic(
        `median ms: refresh ${medianMs((e) => e.label?.endsWith('refresh') === true)}, ` +
          `sign-in form post ${medianMs((e) => e.path.endsWith('/login'))} (scrypt)`,
      );
      t.diagnostic(`${victim.name} exited ${(diedAt - killedAt).toFixed(1)} ms after SIGKILL`);
      for (const failure of failures) {
        t.diagnostic(
          `failed: ${failure.label}: ${failure.reason.replace(/<[\s\S]*$/, '(nginx error page)')}`,
        );
      }
      assert.equal(victim.process.child.signalCode, 'SIGKILL', `${victim.name} was killed`);
      assert.ok(diedAt - killedAt < 5000, `${victim.name} exited soon after SIGKILL`);
      assert.deepEqual(servedBy(beforeKill), names(deployment.authorizationServers), 'both served before');
      assert.deepEqual(servedBy(afterDeath), [survivor.name], 'only the survivor answered after');
      assert.ok(
        afterDeath.filter((exchange) => exchange.path === '/token' && exchange.status === 200).length >= 10,
        'the survivor carried the load on',
      );

      // Answers: never a network error (nginx stays up); a 5xx only from the killed instance, for
      // a request it had been sent before it was gone, at most one per loop.
      assert.deepEqual(
        load.filter((exchange) => exchange.error !== undefined).map((exchange) => exchange.error),
        [],
      );
      assert.ok(
        load.every((exchange) => exchange.upstreams.length > 0),
        'every answer came from an instance',
      );
      const serverErrors = load.filter((exchange) => (exchange.status ?? 0) >= 500);
      for (const exchange of serverErrors) {
        assert.equal(answeredBy(exchange), victim.address, `${exchange.label}: a 5xx from the survivor`);
        assert.ok(exchange.startedAt <= diedAt, `${exchange.label}: a 5xx for a request sent after the exit`);
      }
      assert.ok(serverErrors.length <= LOAD.workers);
      // Every failed operation was in flight at the victim when it died: it holds a request the
      // victim answered with a 5xx or that nginx had to move to the survivor (a GET it had started
      // to act on: a resumed sign-in then finds its interaction consumed), sent before the exit.
      for (const failure of failures) {
        const touched = traffic
          .labelled(failure.label)
          .some(
            (exchange) =>
              exchange.upstreams[0] === victim.address &&
              exchange.startedAt <= diedAt &&
              ((exchange.status ?? 0) >= 500 || exchange.upstreams.length > 1),
          );
        assert.ok(touched, `${failure.label} failed without touching the killed instance: ${failure.reason}`);
      }

      // Every access token a client received is active (nothing was revoked yet)...
      const delivered = chains.flatMap((chain) => chain.accessTokens);
      await eachLimited(delivered, 8, async (token) => {
        assert.equal((await introspection(token)).active, true, 'a delivered access token is inactive');
      });
      // ...and works at both resource servers, which now introspect at the survivor.
      const latest = chains.findLast((chain) => chain.accessTokens.length > 0) as Chain;
      const mcp = await traffic.run('mcp after kill', () =>
        connectClient(resourceUrl, latest.accessTokens.at(-1) ?? '', 'streamable-http-2026'),
      );
      try {
        await traffic.run('mcp after kill', async () => {
          for (let index = 0; index < 4; index++) {
            const me = await mcp.callTool({ name: 'whoami', arguments: {} });
            assert.equal((me.structuredContent as { username: string }).username, USER.username);
          }
        });
      } finally {
        await mcp.close();
      }
      const calls = traffic.labelled('mcp after kill').filter((exchange) => exchange.path === '/mcp');
      assert.deepEqual(servedBy(calls), names(deployment.resourceServers));

      // What the shared database holds for each chain's grant (keys are SHA-256 of the values),
      // before anything is presented again: exactly the refresh token each client holds is live.
      const table = `"${deployment.schema}".artifacts`;
      const grants = new Map<Chain, string>();
      for (const chain of chains) {
        const { rows } = await deployment.db.query<{ grant_id: string }>(
          `SELECT grant_id FROM ${table} WHERE model = 'AuthorizationCode' AND key = $1`,
          [sha256(chain.code)],
        );
        const grantId = rows[0]?.grant_id;
        assert.ok(grantId, `${chain.label}: its code and grant are in the database`);
        grants.set(chain, grantId);
        const refreshRows = await deployment.db.query<{ key: string; consumed: boolean }>(
          `SELECT key, consumed_at IS NOT NULL AS consumed FROM ${table}
           WHERE model = 'RefreshToken' AND grant_id = $1`,
          [grantId],
        );
        const live = refreshRows.rows.filter((row) => !row.consumed).map((row) => row.key);
        const consumed = new Set(refreshRows.rows.filter((row) => row.consumed).map((row) => row.key));
        const [current, ...rotated] = chain.refreshTokens.map(sha256).reverse();
        for (const key of rotated)
          assert.ok(consumed.has(key), `${chain.label}: a rotated token is consumed`);
        if (chain.codeLost || chain.lastRefreshLost) {
          // The victim may have consumed the last code or token, and may have stored a successor
          // it never delivered: still at most one live refresh token, never a fork.
          assert.ok(live.length <= 1, `${chain.label}: ${live.length} live refresh tokens`);
        } else {
          assert.deepEqual(
            live,
            [current],
            `${chain.label}: only the refresh token the client holds is live`,
          );
        }
      }

      const redeem = (chain: Chain) => redeemCode(issuer, { ...chain, resource: resourceUrl });
      const useRefreshToken = (chain: Chain, token: string | undefined) =>
        refresh(issuer, chain.clientId, token ?? '');
      const expectInvalidGrant = async (response: Response, what: string) => {
        assert.equal(response.status, 400, `${what}: ${response.status}`);
        assert.equal(((await response.json()) as { error: string }).error, 'invalid_grant', what);
      };
      const allInactive = async (chain: Chain, tokens: readonly string[]) => {
        for (const token of tokens) {
          assert.equal(
            (await introspection(token)).active,
            false,
            `${chain.label}: a token outlived its grant`,
          );
        }
      };

      // Then over HTTP, each chain ending with its grant revoked by a replay.
      const lost = { stillValid: 0, consumedByTheVictim: 0 };
      await eachLimited([...chains.entries()], 8, async ([index, chain]) => {
        const issued = [...chain.accessTokens];
        let current = chain.refreshTokens.at(-1);
        if (chain.codeLost || chain.lastRefreshLost) {
          // Its last request went to the victim, which died before answering: either it had not
          // consumed the code or token (it still works, once) or it had, and presenting it again
          // is a replay that revokes whatever the victim issued but never delivered.
          const response = chain.codeLost ? await redeem(chain) : await useRefreshToken(chain, current);
          lost[response.status === 200 ? 'stillValid' : 'consumedByTheVictim']++;
          if (response.status !== 200) {
            await expectInvalidGrant(response, `${chain.label}: the last code or token sent to the victim`);
            return allInactive(chain, issued);
          }
          const tokens = (await response.json()) as TokenResponse;
          issued.push(tokens.access_token);
          if (chain.codeLost) {
            current = tokens.refresh_token;
          } else {
            await expectInvalidGrant(await useRefreshToken(chain, current), `${chain.label}: used twice`);
            await expectInvalidGrant(
              await useRefreshToken(chain, tokens.refresh_token),
              `${chain.label}: after the replay`,
            );
            return allInactive(chain, issued);
          }
        }
        // The refresh token the client last received works, exactly once...
        const response = await useRefreshToken(chain, current);
        assert.equal(response.status, 200, `${chain.label}: the current refresh token works`);
        const tokens = (await response.json()) as TokenResponse;
        issued.push(tokens.access_token);
        // ...an older, rotated one does not, nor does the consumed code, while the grant is alive;
        // presenting either is a replay that revokes the grant...
        const rotated = chain.refreshTokens.at(-2);
        if (rotated && index % 2 === 0) {
          await expectInvalidGrant(await useRefreshToken(chain, rotated), `${chain.label}: a rotated token`);
        } else {
          await expectInvalidGrant(await redeem(chain), `${chain.label}: the consumed code`);
        }
        // ...so that nothing of it works any more.
        await expectInvalidGrant(await useRefreshToken(chain, current), `${chain.label}: used twice`);
        await expectInvalidGrant(await useRefreshToken(chain, tokens.refresh_token), `${chain.label}: after`);
        return allInactive(chain, issued);
      });
      t.diagnostic(
        `chains whose last answer died with ${victim.name}: ${lost.stillValid} not yet consumed, ` +
          `${lost.consumedByTheVictim} consumed (their replay revoked the grant)`,
      );

      // Nothing of any of these grants is left in the database, including tokens the victim may
      // have stored but never delivered; and no old refresh token or code works.
      const { rows: left } = await deployment.db.query<{ model: string; n: string }>(
        `SELECT model, count(*) AS n FROM ${table}
         WHERE grant_id = ANY($1) OR (model = 'Grant' AND key = ANY($1)) GROUP BY model`,
        [[...grants.values()]],
      );
      assert.deepEqual(left, [], 'every grant of the load was revoked entirely');
      const everyRefreshToken = chains.flatMap((chain) =>
        chain.refreshTokens.map((token) => ({ chain, token })),
      );
      await eachLimited(everyRefreshToken, 8, async ({ chain, token }) => {
        await expectInvalidGrant(await useRefreshToken(chain, token), `${chain.label}: an old refresh token`);
      });
      await eachLimited(chains, 8, async (chain) => {
        await expectInvalidGrant(await redeem(chain), `${chain.label}: an old code`);
      });
      // And no 5xx at all but those of the kill.
      assert.deepEqual(
        traffic.exchanges.filter(
          (exchange) => (exchange.status ?? 0) >= 500 && !serverErrors.includes(exchange),
        ),
        [],
      );
    }));

  it('2025-era sessions need affinity on what their first request carries, not on Mcp-Session-Id', async (t) =>
    withLogs(t, async () => {
      const { issuer, resourceUrl } = deployment;
      const client = await registerPublicClient(issuer);
      const outcome = await authorize(issuer, {
        clientId: client.client_id,
        scope: 'user',
        resource: resourceUrl,
        username: USER.username,
        password: USER.password,
      });
      const redeemed = await redeemCode(issuer, {
        clientId: client.client_id,
        code: outcome.redirect.searchParams.get('code') ?? '',
        verifier: outcome.verifier,
        redirectUri: outcome.redirectUri,
        resource: resourceUrl,
      });
      const { access_token: token } = (await redeemed.json()) as TokenResponse;
      /** Opens `count` 2025-11-25 sessions (initialize, then tool calls); how many held up. */
      const sessions = async (count: number) => {
        const outcomes: string[] = [];
        for (let index = 0; index < count; index++) {
          try {
            const mcp = await connectClient(resourceUrl, token, 'streamable-http');
            try {
              for (let call = 0; call < 3; call++) await mcp.callTool({ name: 'whoami', arguments: {} });
              outcomes.push('ok');
            } finally {
              await mcp.close().catch(() => {});
            }
          } catch (error) {
            outcomes.push(
              /Session not found/.test((error as Error).message) ? 'lost' : (error as Error).message,
            );
          }
        }
        return outcomes;
      };

      // Round robin: the request after initialize reaches the other instance, which answers 404.
      assert.deepEqual(await sessions(2), ['lost', 'lost'], 'round robin breaks every session');

      // Hashing Mcp-Session-Id: initialize carries none, so nginx balances it round robin, and the
      // id the instance then assigns hashes to either instance: about half the sessions break.
      await deployment.restartNginx('hash $http_mcp_session_id consistent;');
      const bySessionId = await sessions(16);
      t.diagnostic(`hash $http_mcp_session_id: ${bySessionId.filter((o) => o === 'ok').length} of 16 held`);
      assert.ok(
        bySessionId.every((o) => o === 'ok' || o === 'lost'),
        bySessionId.join(', '),
      );
      assert.ok(bySessionId.includes('lost'), 'hashing the session id alone does not pin a session');

      // Hashing the client's address (known from the first request on): every session holds, and
      // stateless 2026-07-28 clients are unaffected.
      await deployment.restartNginx('hash $binary_remote_addr consistent;');
      assert.deepEqual(await sessions(8), Array(8).fill('ok'));
      const stateless = await connectClient(resourceUrl, token, 'streamable-http-2026');
      try {
        const me = await stateless.callTool({ name: 'whoami', arguments: {} });
        assert.equal((me.structuredContent as { username: string }).username, USER.username);
      } finally {
        await stateless.close();
      }
    }));
});
