/**
 * How many SQL statements one AS request sends to PostgreSQL, per endpoint: `pg.Pool.prototype.query`
 * is counted while 10 requests of each of the AS case's workloads run (refresh, client_credentials,
 * introspection). `node bench/count-queries.ts` (PostgreSQL as the AS case finds it).
 */
import pg from 'pg';
import { prepareWorkloads, RESOURCE } from './cases/as-throughput.ts';
import { type RequestSpec, requestOnce } from './load.ts';
import {
  dropSchema,
  findPostgres,
  freshSchemaName,
  startBenchAuthorizationServer,
} from './support/auth-server.ts';

const counts = new Map<string, number>();
let counting = false;
const query = pg.Pool.prototype.query as (...args: unknown[]) => unknown;
pg.Pool.prototype.query = function (this: pg.Pool, ...args: unknown[]) {
  if (counting) {
    const first = args[0] as string | { text: string };
    const text = (typeof first === 'string' ? first : first.text).replace(/\s+/g, ' ').slice(0, 100);
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return query.apply(this, args);
} as typeof pg.Pool.prototype.query;

const found = await findPostgres();
if (!('url' in found)) throw new Error(found.skipped);
const target = { url: found.url, schema: freshSchemaName() };
const as = await startBenchAuthorizationServer({
  resources: [{ url: RESOURCE, tokenFormat: 'opaque' }],
  postgres: target,
});
const REQUESTS = 10;
try {
  const workloads = await prepareWorkloads(as, 1);
  for (const endpoint of ['refresh', 'client_credentials', 'introspection'] as const) {
    const workload = await workloads[endpoint]();
    let refreshToken = workload.kind === 'refresh-chain' ? workload.refreshTokens[0] : undefined;
    counts.clear();
    counting = true;
    for (let index = 0; index < REQUESTS; index++) {
      const spec: RequestSpec =
        workload.kind === 'fixed'
          ? workload.request
          : {
              method: 'POST',
              path: workload.path,
              headers: { host: workload.host, 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({
                grant_type: 'refresh_token',
                client_id: workload.clientId,
                refresh_token: refreshToken ?? '',
              }).toString(),
            };
      const answer = await requestOnce(as.port, spec);
      if (workload.kind !== 'fixed')
        refreshToken = (JSON.parse(answer.body) as { refresh_token: string }).refresh_token;
    }
    counting = false;
    const total = [...counts.values()].reduce((sum, count) => sum + count, 0);
    process.stdout.write(`${endpoint}: ${total / REQUESTS} statements per request\n`);
    for (const [text, count] of counts) process.stdout.write(`  ${count / REQUESTS}  ${text}\n`);
  }
} finally {
  await as.close();
  await dropSchema(target);
  await found.stop();
}
