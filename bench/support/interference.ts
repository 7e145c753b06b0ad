/**
 * Was the machine ours during a measurement? Compares the CPU time the whole machine spent
 * (`os.cpus()`) with what this process (all its threads) and the given child processes spent
 * (`/proc/<pid>/stat`); the rest went to other programs. On a shared 2-core machine that rest is
 * what makes a run low and noisy, so runs above a threshold are repeated (a bounded number of times).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { LoadResult } from '../load.ts';

export interface CpuSnapshot {
  readonly machineBusyMs: number;
  readonly machineTotalMs: number;
  readonly oursMs: number;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ; 100 on every Linux build in practice). */
const USER_HZ = 100;

/** CPU time of a process and of its children that have exited (utime, stime, cutime, cstime). */
function processCpuMs(pid: number | 'self', withOwn = true): number {
  try {
    // Fields after the command name (which may hold spaces, hence the last ')').
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    // Fields 14–17 of the file are 12–15 here.
    const own = (fields[11] ?? 0) + (fields[12] ?? 0);
    const children = (fields[13] ?? 0) + (fields[14] ?? 0);
    return (((withOwn ? own : 0) + children) * 1000) / USER_HZ;
  } catch {
    return 0;
  }
}

/** Processes of this machine by command name (e.g. `postgres`: its CPU is part of our measurement). */
function pidsNamed(names: readonly string[]): number[] {
  if (names.length === 0) return [];
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return names.includes(readFileSync(`/proc/${pid}/comm`, 'utf8').trim());
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    return [];
  }
}

export function cpuSnapshot(
  childPids: readonly number[] = [],
  processNames: readonly string[] = [],
): CpuSnapshot {
  let busy = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const { user, nice, sys, irq, idle } = cpu.times;
    busy += user + nice + sys + irq;
    total += user + nice + sys + irq + idle;
  }
  const self = process.cpuUsage();
  const children = [...childPids, ...pidsNamed(processNames)].reduce(
    (sum, pid) => sum + processCpuMs(pid),
    0,
  );
  // This process's own time precisely, plus the children it has already reaped (short-lived ones).
  const reaped = processCpuMs('self', false);
  return {
    machineBusyMs: busy,
    machineTotalMs: total,
    oursMs: (self.user + self.system) / 1000 + children + reaped,
  };
}

/** Share (0–1) of the machine's CPU capacity that went to other programs between two snapshots. */
export function externalShare(before: CpuSnapshot, after: CpuSnapshot): number {
  const total = after.machineTotalMs - before.machineTotalMs;
  if (total <= 0) return 0;
  const others = after.machineBusyMs - before.machineBusyMs - (after.oursMs - before.oursMs);
  return Math.min(1, Math.max(0, others / total));
}

/**
 * A CPU speed index: SHA-256 of 1 KB per millisecond on one thread, median of three 100 ms
 * samples. On a virtual machine the host can slow us down without any other process showing in
 * our CPU accounting (no steal time reported); comparing this index before each case with the
 * one at the start shows it.
 */
export function speedIndex(): number {
  const block = Buffer.alloc(1024, 7);
  const sample = (ms: number) => {
    const end = performance.now() + ms;
    let hashes = 0;
    while (performance.now() < end) {
      for (let index = 0; index < 50; index++) createHash('sha256').update(block).digest();
      hashes += 50;
    }
    return hashes / ms;
  };
  sample(50); // warms the JIT up
  const samples = [sample(100), sample(100), sample(100)].sort((a, b) => a - b);
  return samples[1] ?? 0;
}

/** Above this share of the machine used by others, a run is repeated. */
export const BUSY_THRESHOLD = 0.1;

/**
 * Runs `measure` and repeats it (at most `attempts` times in all, with a pause) while other
 * programs took more than BUSY_THRESHOLD of the machine; returns the quietest attempt.
 */
export async function measureQuietly<T>(
  childPids: readonly number[],
  measure: () => Promise<T>,
  options: { attempts?: number; log?: (line: string) => void; processNames?: readonly string[] } = {},
): Promise<{ result: T; external: number; attempts: number }> {
  const attempts = options.attempts ?? 3;
  let made = 0;
  let best: { result: T; external: number } | undefined;
  while (made < attempts) {
    made += 1;
    const before = cpuSnapshot(childPids, options.processNames);
    const result = await measure();
    const external = externalShare(before, cpuSnapshot(childPids, options.processNames));
    if (!best || external < best.external) best = { result, external };
    if (external <= BUSY_THRESHOLD) break;
    if (made < attempts) {
      options.log?.(`    other programs used ${(external * 100).toFixed(0)}% of the CPUs; measuring again`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
  if (!best) throw new Error('nothing was measured');
  return { ...best, attempts: made };
}

/** A load run, and how much of the machine other programs took meanwhile. */
export type Measured = LoadResult & { readonly externalCpu: number; readonly attempts: number };

export const busyNote = (external: number) =>
  external > BUSY_THRESHOLD ? `, other programs used ${(external * 100).toFixed(0)}% of the CPUs` : '';

/** A note for a table row whose runs were disturbed. */
export function disturbance(runs: readonly Measured[]): string | undefined {
  const worst = Math.max(0, ...runs.map((run) => run.externalCpu));
  return worst > BUSY_THRESHOLD
    ? `busy machine: up to ${(worst * 100).toFixed(0)}% CPU used by others`
    : undefined;
}

export function noteFor(runs: readonly Measured[], errors: number): { note?: string } {
  const notes = [
    errors ? `${errors} errors: ${runs.find((run) => run.firstError)?.firstError}` : undefined,
    disturbance(runs),
  ].filter(Boolean);
  return notes.length ? { note: notes.join('; ') } : {};
}
