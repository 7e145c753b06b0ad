import { execFileSync } from 'node:child_process';
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Availability } from './availability.ts';

export interface OlderNode {
  readonly path: string;
  /** `20.20.2` */
  readonly version: string;
}

function isOlderThan(version: string, [major, minor]: readonly [number, number]): boolean {
  const [have = 0, haveMinor = 0] = version.split('.').map(Number);
  return have < major || (have === major && haveMinor < minor);
}

/**
 * A Node.js older than `minimum` on this machine (Debian's /usr/bin/node, or any `node` on PATH
 * other than the one running the tests), to check that every entry point refuses it clearly.
 */
export function findOlderNode(
  minimum: readonly [number, number] = [22, 18],
  env: NodeJS.ProcessEnv = process.env,
): Availability<OlderNode> {
  const running = realpathSync(process.execPath);
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean);
  const candidates = new Set(
    [...onPath.map((dir) => join(dir, 'node')), '/usr/bin/node', '/usr/local/bin/node'].filter((path) => {
      try {
        accessSync(path, constants.X_OK);
        return realpathSync(path) !== running;
      } catch {
        return false;
      }
    }),
  );
  for (const path of candidates) {
    try {
      const version = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
      if (isOlderThan(version, minimum)) return { found: { path, version } };
    } catch {
      // Not a working node; try the next one.
    }
  }
  return {
    missing: `no Node.js older than ${minimum.join('.')} on this machine (looked in /usr/bin, /usr/local/bin and PATH) to try the version check with`,
  };
}
