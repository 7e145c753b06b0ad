import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';
import type { Availability } from '../availability.ts';
import { type ChromiumInstallation, npmChromium } from './npm-chromium.ts';

export type { ChromiumInstallation };

export const CHROMIUM_MISSING =
  'Chromium not found: install it (apt-get install chromium) or set CHROMIUM_PATH';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The system's Chromium: CHROMIUM_PATH, else /usr/bin/chromium, else `chromium` on PATH. */
export function systemChromium(
  env: NodeJS.ProcessEnv = process.env,
  debianPath = '/usr/bin/chromium',
): string | undefined {
  if (env.CHROMIUM_PATH) {
    if (!isExecutable(env.CHROMIUM_PATH)) {
      throw new Error(`CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file; fix or unset it`);
    }
    return env.CHROMIUM_PATH;
  }
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean);
  const candidates = [debianPath, ...onPath.map((dir) => join(dir, 'chromium'))];
  return candidates.find(isExecutable);
}

/** Every browser the tests start gets these: headless, nothing phoning home. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function runs(installation: ChromiumInstallation): Promise<string | undefined> {
  try {
    await promisify(execFile)(installation.executablePath, ['--version'], {
      env: environment(installation),
      timeout: 30_000,
    });
    return undefined;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    return (stderr?.trim() || message).split('\n')[0];
  }
}

function environment(installation: ChromiumInstallation): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...installation.env };
  if (installation.env.LD_LIBRARY_PATH && process.env.LD_LIBRARY_PATH) {
    env.LD_LIBRARY_PATH = `${installation.env.LD_LIBRARY_PATH}${delimiter}${process.env.LD_LIBRARY_PATH}`;
  }
  return env;
}

let found: Promise<Availability<ChromiumInstallation>> | undefined;

/**
 * The Chromium the browser tests drive: the system's when there is one; else the one the npm
 * package `@sparticuz/chromium` ships (unpacked once, then checked to start on this machine);
 * else a one-line reason to skip. Never a browser downloaded from anywhere.
 */
export function findChromium(): Promise<Availability<ChromiumInstallation>> {
  found ??= (async (): Promise<Availability<ChromiumInstallation>> => {
    const system = systemChromium();
    if (system) return { found: { executablePath: system, env: {}, source: system } };
    const packaged = await npmChromium();
    if (typeof packaged === 'string') return { missing: `${CHROMIUM_MISSING} (${packaged})` };
    const problem = await runs(packaged);
    if (problem)
      return { missing: `${CHROMIUM_MISSING} (${packaged.source} does not start here: ${problem})` };
    return { found: packaged };
  })();
  return found;
}

/**
 * Starts `installation` (by default the Chromium `findChromium` found) headless; throws with the
 * reason when there is none.
 */
export async function launchChromium(installation?: ChromiumInstallation): Promise<Browser> {
  const chosen = installation ?? (await findChromium());
  const found = 'executablePath' in chosen ? chosen : chosen.found;
  if (!found) throw new Error((chosen as Availability<ChromiumInstallation>).missing);
  return chromium.launch({ executablePath: found.executablePath, env: environment(found), args: ARGS });
}
