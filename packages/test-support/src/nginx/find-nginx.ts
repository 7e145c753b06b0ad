import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Availability } from '../availability.ts';

export const NGINX_MISSING =
  'nginx not found: install it (apt-get install nginx) or set NGINX_PATH (no npm package provides one)';

/** nginx for the deployment tests: NGINX_PATH, else `nginx` on PATH, else /usr/sbin/nginx (Debian). */
export function findNginx(
  env: NodeJS.ProcessEnv = process.env,
  debianPath = '/usr/sbin/nginx',
): Availability<string> {
  if (env.NGINX_PATH) {
    try {
      accessSync(env.NGINX_PATH, constants.X_OK);
      return { found: env.NGINX_PATH };
    } catch {
      throw new Error(`NGINX_PATH=${env.NGINX_PATH} is not an executable file; fix or unset it`);
    }
  }
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const candidate of [...onPath.map((dir) => join(dir, 'nginx')), debianPath]) {
    try {
      accessSync(candidate, constants.X_OK);
      return { found: candidate };
    } catch {
      // Not there; try the next one.
    }
  }
  return { missing: NGINX_MISSING };
}
