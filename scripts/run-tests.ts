/**
 * `npm test [-- <test files or globs> <node --test flags>]`: node's test runner over every test
 * file (or the ones given), with one PostgreSQL for the whole run, chosen once here (a global
 * setup) and passed to every test process as TEST_DATABASE_URL:
 *   TEST_DATABASE_URL, else DATABASE_URL, else the machine's at 127.0.0.1:5432 when it answers,
 *   else an embedded PostgreSQL 18 from the npm registry, started now in a temp folder and stopped
 *   and deleted when the run ends (however it ends: its supervisor process watches this one).
 * Test files run in parallel processes; they all share this one server, each test in its own schema.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { configuredOrMachineDatabase, redactPassword } from '@mcp-auth/test-support/postgres';
import { type SupervisedPostgres, startSupervisedPostgres } from '@mcp-auth/test-support/supervised-postgres';

const ALL_TEST_FILES = 'packages/*/test/**/*.test.ts';
const RUNNER_FLAGS = ['--test', '--test-concurrency=2', '--test-timeout=180000'];

const args = process.argv.slice(2);
const env = { ...process.env };
let embedded: SupervisedPostgres | undefined;

const choice = await configuredOrMachineDatabase();
if (choice.url !== undefined) {
  env.TEST_DATABASE_URL = choice.url;
} else {
  process.stderr.write(`${choice.why}: starting an embedded PostgreSQL 18 for this run\n`);
  embedded = await startSupervisedPostgres();
  env.TEST_DATABASE_URL = embedded.url;
  process.stderr.write(`embedded PostgreSQL ready at ${redactPassword(embedded.url)}\n`);
}

const files = args.some((arg) => !arg.startsWith('-')) ? [] : [ALL_TEST_FILES];
const runner: ChildProcess = spawn(process.execPath, [...RUNNER_FLAGS, ...args, ...files], {
  stdio: 'inherit',
  env,
});
// Ctrl-C reaches the runner directly (same process group); a SIGTERM sent to this process only
// is passed on, so the run still ends through the path below that stops PostgreSQL.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => runner.kill(signal));
}
const [code, signal] = (await once(runner, 'exit')) as [number | null, NodeJS.Signals | null];
await embedded?.stop();
process.exitCode = code ?? (signal ? 1 : 0);
