/**
 * Case 4: resident memory of the resource server (its own process) holding 2025-era sessions:
 * RSS and heap after a full GC, before and after opening N sessions (initialize with a valid
 * token, then notifications/initialized, as 2025-11-25 clients do; the sessions stay open).
 */
import { startBenchAuthorizationServer } from '../support/auth-server.ts';
import { freePort, startServerChild } from '../support/children.ts';
import type { BenchContext, CaseOutcome } from '../support/report.ts';
import { open2025Sessions, SESSION_PROTOCOL_VERSION } from '../support/session-2025.ts';

const WARM_UP_SESSIONS = 20;

export async function rsSessionMemory(ctx: BenchContext): Promise<CaseOutcome> {
  const sessions = ctx.quick ? 200 : 1000;
  const port = await freePort();
  const resourceUrl = `http://127.0.0.1:${port}/mcp`;
  const as = await startBenchAuthorizationServer({
    resources: [{ url: resourceUrl, tokenFormat: 'opaque' }],
  });
  try {
    const rs = await startServerChild(
      {
        mode: 'rs',
        port,
        authServer: as.issuer,
        resourceUrl,
        tokenVerification: 'introspection',
        introspectionCacheSeconds: 30,
        devCredentialsFile: as.devCredentialsFile,
      },
      { execArgv: ['--expose-gc'] },
    );
    try {
      const token = (await as.signIn(resourceUrl)).access_token;
      const atStart = await rs.memory();
      // A few sessions first, so that one-time costs (lazy modules, JIT) are not counted per session.
      await open2025Sessions(port, token, WARM_UP_SESSIONS);
      const before = await rs.memory();
      const ids = await open2025Sessions(port, token, sessions);
      const after = await rs.memory();
      if (new Set(ids).size !== sessions) throw new Error('session ids are not unique');
      const mb = (bytes: number) => bytes / 1024 / 1024;
      const perSession = (after.rss - before.rss) / sessions;
      const heapPerSession = (after.heapUsed - before.heapUsed) / sessions;
      ctx.log(
        `  RSS ${mb(atStart.rss).toFixed(1)} MB at start, ${mb(before.rss).toFixed(1)} MB before, ${mb(after.rss).toFixed(1)} MB after ${sessions} sessions`,
      );
      const label = `RS memory · ${sessions} open ${SESSION_PROTOCOL_VERSION} sessions`;
      return {
        rows: [
          { case: label, metric: 'RSS at start (idle)', value: mb(atStart.rss), unit: 'MB' },
          {
            case: label,
            metric: `RSS before (after ${WARM_UP_SESSIONS} warm-up sessions)`,
            value: mb(before.rss),
            unit: 'MB',
          },
          { case: label, metric: 'RSS after', value: mb(after.rss), unit: 'MB' },
          { case: label, metric: 'RSS per session', value: perSession / 1024, unit: 'KB' },
          { case: label, metric: 'JS heap per session', value: heapPerSession / 1024, unit: 'KB' },
        ],
        details: {
          sessions,
          warmUpSessions: WARM_UP_SESSIONS,
          atStart,
          before,
          after,
          perSessionBytes: perSession,
        },
      };
    } finally {
      await rs.stop();
    }
  } finally {
    await as.close();
  }
}
