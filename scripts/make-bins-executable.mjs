// tsc writes files without the executable bit; npm linked the workspace bins before the first
// build, so the bins' targets are made executable here after every build.
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

for (const name of readdirSync('packages')) {
  const manifestPath = join('packages', name, 'package.json');
  if (!existsSync(manifestPath)) continue;
  const { bin = {} } = JSON.parse(readFileSync(manifestPath, 'utf8'));
  for (const target of Object.values(bin)) {
    const path = join('packages', name, target);
    if (existsSync(path)) chmodSync(path, 0o755);
  }
}
