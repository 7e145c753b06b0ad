/** Reads a V8 `.cpuprofile` and says where the time went: top frames and packages. */

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
  readonly startTime: number;
  readonly endTime: number;
}

export interface FrameTime {
  readonly frame: string;
  readonly group: string;
  readonly selfMs: number;
  readonly selfPercent: number;
  readonly totalMs: number;
  readonly totalPercent: number;
}

export interface ProfileSummary {
  readonly sampledMs: number;
  /** Time not idle: what the process spent working. */
  readonly busyMs: number;
  readonly topSelf: FrameTime[];
  readonly topTotal: FrameTime[];
  readonly groups: Array<{ group: string; selfMs: number; selfPercent: number }>;
}

/** Which package or layer a frame belongs to. */
export function groupOf(frame: CallFrame): string {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native / V8 builtins)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  // The CLI's bundle (packages/client/scripts/bundle-cli.ts) holds the SDK and zod as well.
  if (url.includes('/packages/client/dist/chunks/'))
    return '@mcp-auth/client bundle (our code, MCP SDK, zod)';
  const workspace = /\/packages\/([^/]+)\//.exec(url);
  if (workspace) return `@mcp-auth/${workspace[1]}`;
  if (url.includes('/bench/')) return 'bench';
  return url;
}

function describe(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const short = frame.url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/packages\//, '');
  return `${name} ${short}:${frame.lineNumber + 1}`;
}

/**
 * Self and inclusive time per frame. `window` (CLOCK_MONOTONIC microseconds, the clock V8 stamps
 * samples with: `process.hrtime.bigint() / 1000n` in any process of this machine) keeps only the
 * samples taken during the measurement, leaving out start-up and warm-up.
 */
export function summarizeProfile(
  profile: CpuProfile,
  top = 25,
  window?: { fromUs: number; toUs: number },
): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const groups = new Map<string, number>();
  const groupOfKey = new Map<string, string>();
  let sampledUs = 0;
  let idleUs = 0;
  let timestamp = profile.startTime;
  profile.samples.forEach((id, index) => {
    const delta = Math.max(0, profile.timeDeltas[index] ?? 0);
    timestamp += profile.timeDeltas[index] ?? 0;
    if (window && (timestamp < window.fromUs || timestamp > window.toUs)) return;
    sampledUs += delta;
    const node = byId.get(id);
    if (!node) return;
    if (node.callFrame.functionName === '(idle)') {
      idleUs += delta;
      return;
    }
    const key = describe(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + delta);
    const group = groupOf(node.callFrame);
    groups.set(group, (groups.get(group) ?? 0) + delta);
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const frame = byId.get(current)?.callFrame;
      if (!frame || frame.functionName === '(root)') continue;
      const name = describe(frame);
      groupOfKey.set(name, groupOf(frame));
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + delta);
    }
  });
  const busyUs = Math.max(1, sampledUs - idleUs);
  const frame = (key: string): FrameTime => ({
    frame: key,
    group: groupOfKey.get(key) ?? '',
    selfMs: (self.get(key) ?? 0) / 1000,
    selfPercent: ((self.get(key) ?? 0) / busyUs) * 100,
    totalMs: (total.get(key) ?? 0) / 1000,
    totalPercent: ((total.get(key) ?? 0) / busyUs) * 100,
  });
  const ranked = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key]) => frame(key));
  return {
    sampledMs: sampledUs / 1000,
    busyMs: busyUs / 1000,
    topSelf: ranked(self),
    topTotal: ranked(total),
    groups: [...groups.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([group, us]) => ({ group, selfMs: us / 1000, selfPercent: (us / busyUs) * 100 })),
  };
}

export function renderSummary(summary: ProfileSummary, title: string): string {
  const lines = [
    `${title}: ${summary.busyMs.toFixed(0)} ms busy of ${summary.sampledMs.toFixed(0)} ms sampled`,
    '',
    'Self time by package / layer:',
    ...summary.groups.slice(0, 15).map((g) => `  ${g.selfPercent.toFixed(1).padStart(5)}%  ${g.group}`),
    '',
    'Top frames by self time:',
    ...summary.topSelf.map((f) => `  ${f.selfPercent.toFixed(1).padStart(5)}%  ${f.frame}`),
    '',
    'Top frames by total (inclusive) time:',
    ...summary.topTotal.map((f) => `  ${f.totalPercent.toFixed(1).padStart(5)}%  ${f.frame}`),
  ];
  return lines.join('\n');
}
