/**
 * Case 1: authenticated `tools/call` on the resource server (the exact 2026-07-28 stateless
 * request of the SDK's client), per verifier, beside the same MCP server without authentication
 * and a bare node:http server (the machine's ceiling), at 16 and 64 connections. Runs are
 * interleaved (every variant once per round) so that drift hits all variants alike.
 */
import { runLoad } from '../load.ts';
import { EXPECTED_RESULT } from '../support/capture.ts';
import { busyNote, type Measured, measureQuietly, noteFor } from '../support/interference.ts';
import { type BenchContext, type CaseOutcome, median, type Row, type Target } from '../support/report.ts';
import { RS_VARIANT_LABELS, type RsVariant, startRsStack } from '../support/rs-stack.ts';

export const CONNECTIONS = [16, 64] as const;

const VARIANTS: readonly RsVariant[] = ['jwt', 'introspection', 'introspection-nocache', 'noauth', 'bare'];
const AUTHENTICATED: readonly RsVariant[] = ['jwt', 'introspection', 'introspection-nocache'];

export async function rsToolsCall(ctx: BenchContext): Promise<CaseOutcome> {
  const stack = await startRsStack(VARIANTS);
  const results = new Map<string, Measured[]>();
  const pids = [...stack.targets.values()].map((target) => target.child.pid);
  const key = (variant: RsVariant, connections: number) => `${variant}@${connections}`;
  try {
    // Every server first gets a longer unmeasured warm-up: the MCP servers take several seconds
    // (thousands of requests) to reach a steady rate.
    for (const variant of VARIANTS) {
      const target = stack.targets.get(variant);
      if (!target) continue;
      await runLoad({
        port: target.child.port,
        connections: CONNECTIONS[0],
        durationMs: ctx.prewarmMs,
        warmupMs: 0,
        workload: { kind: 'fixed', request: target.request, expectStatus: 200, expectBody: EXPECTED_RESULT },
      });
    }
    for (let round = 1; round <= ctx.runs; round++) {
      for (const connections of CONNECTIONS) {
        for (const variant of VARIANTS) {
          const target = stack.targets.get(variant);
          if (!target) continue;
          const { result, external, attempts } = await measureQuietly(
            pids,
            () =>
              runLoad({
                port: target.child.port,
                connections,
                durationMs: ctx.durationMs,
                warmupMs: ctx.warmupMs,
                workload: {
                  kind: 'fixed',
                  request: target.request,
                  expectStatus: 200,
                  expectBody: EXPECTED_RESULT,
                },
              }),
            { log: ctx.log, attempts: ctx.quick ? 1 : 3 },
          );
          const measured: Measured = { ...result, externalCpu: external, attempts };
          results.set(key(variant, connections), [
            ...(results.get(key(variant, connections)) ?? []),
            measured,
          ]);
          ctx.log(
            `  round ${round}/${ctx.runs} ${variant} ×${connections}: ${result.throughput.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms${result.errors ? `, ${result.errors} errors (${result.firstError})` : ''}${busyNote(external)}`,
          );
        }
      }
    }
  } finally {
    await stack.close();
  }

  const rows: Row[] = [];
  const throughput = (variant: RsVariant, connections: number) =>
    median((results.get(key(variant, connections)) ?? []).map((result) => result.throughput));
  for (const connections of CONNECTIONS) {
    const bare = throughput('bare', connections);
    const noauth = throughput('noauth', connections);
    for (const variant of VARIANTS) {
      const runs = results.get(key(variant, connections)) ?? [];
      const label = `RS tools/call · ${RS_VARIANT_LABELS[variant]} · ${connections} conn`;
      const errors = runs.reduce((sum, result) => sum + result.errors, 0);
      const ratios: Record<string, number> = {};
      if (AUTHENTICATED.includes(variant)) ratios['no-auth'] = throughput(variant, connections) / noauth;
      if (variant !== 'bare') ratios.bare = throughput(variant, connections) / bare;
      rows.push({
        case: label,
        metric: 'throughput',
        value: throughput(variant, connections),
        unit: 'req/s',
        ratios,
        samples: runs.map((result) => result.throughput),
        ...noteFor(runs, errors),
      });
      rows.push({
        case: label,
        metric: 'p50 latency',
        value: median(runs.map((result) => result.p50Ms)),
        unit: 'ms',
        samples: runs.map((result) => result.p50Ms),
      });
      rows.push({
        case: label,
        metric: 'p99 latency',
        value: median(runs.map((result) => result.p99Ms)),
        unit: 'ms',
        samples: runs.map((result) => result.p99Ms),
      });
    }
  }

  // The issue's goals, for the two production configurations (the cache-less verifier is a
  // deliberate trade of speed for immediate revocation).
  const targets: Target[] = [];
  for (const variant of ['introspection', 'jwt'] as const) {
    const vsBare = Math.min(...CONNECTIONS.map((c) => throughput(variant, c) / throughput('bare', c)));
    const vsNoAuth = Math.min(...CONNECTIONS.map((c) => throughput(variant, c) / throughput('noauth', c)));
    targets.push({
      name: `tools/call with ${RS_VARIANT_LABELS[variant]}: share of the bare node:http ceiling (worst of 16/64 conn)`,
      goal: '≥ 25%',
      actual: `${(vsBare * 100).toFixed(1)}%`,
      met: vsBare >= 0.25,
    });
    targets.push({
      name: `tools/call with ${RS_VARIANT_LABELS[variant]}: cost of authentication vs no auth (worst of 16/64 conn)`,
      goal: '≤ 10%',
      actual: `${((1 - vsNoAuth) * 100).toFixed(1)}%`,
      met: 1 - vsNoAuth <= 0.1,
    });
  }
  return {
    rows,
    targets,
    details: {
      // Host and Authorization are set per server.
      replayedRequest: stack.captured.request,
      ceilingResponse: stack.captured.response,
      runs: Object.fromEntries(results),
    },
  };
}
