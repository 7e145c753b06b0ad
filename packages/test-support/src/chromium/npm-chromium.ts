import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createBrotliDecompress } from 'node:zlib';

/** A Chromium to run, and the environment it needs beside the caller's. */
export interface ChromiumInstallation {
  readonly executablePath: string;
  readonly env: Readonly<Record<string, string>>;
  /** Where it comes from, for messages: `/usr/bin/chromium`, `@sparticuz/chromium 153.0.0`. */
  readonly source: string;
}

const PACKAGE = '@sparticuz/chromium';

/** Decompresses one `.br` file of the package to `target`. */
async function inflate(source: string, target: string, mode = 0o644): Promise<void> {
  await pipeline(createReadStream(source), createBrotliDecompress(), createWriteStream(target, { mode }));
}

/**
 * Decompresses one `.tar.br` of the package and unpacks it into `folder` with the system's tar,
 * from a file: tar stops reading at the archive's end marker, which would cut a pipe short.
 */
async function inflateTar(source: string, folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  const archive = join(folder, `${basename(source, '.br')}.partial`);
  await inflate(source, archive);
  const tar = spawn('tar', ['-x', '-f', archive, '-C', folder], { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  tar.stderr.on('data', (chunk) => (errors += chunk));
  const [code] = (await once(tar, 'close')) as [number | null];
  await rm(archive);
  if (code !== 0) throw new Error(`tar could not unpack ${source} (exit ${code}): ${errors.trim()}`);
}

/**
 * Unpacks the package's Chromium (a headless shell built for AWS Lambda, brotli-compressed inside
 * the npm tarball: nothing is downloaded) with its NSS libraries and a font, once, into
 * node_modules/.cache. Concurrent test processes each unpack into a folder of their own and
 * rename it into place: the first rename wins and the others drop theirs.
 */
async function unpack(packageDir: string, version: string): Promise<string> {
  const cache = join(dirname(dirname(packageDir)), '.cache', `mcp-auth-chromium-${version}`);
  if (await stat(join(cache, 'chromium')).catch(() => undefined)) return cache;
  const work = `${cache}.partial-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    const bin = join(packageDir, 'bin');
    await inflateTar(join(bin, 'al2023.tar.br'), work); // lib/libnss3.so, …
    await inflateTar(join(bin, 'fonts.tar.br'), work); // fonts/Open_Sans/…
    // A fontconfig file of our own: the package's names /tmp/fonts, which anyone could fill.
    await writeFile(
      join(work, 'fonts.conf'),
      [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
        '<fontconfig>',
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
        `  <dir>${join(cache, 'fonts')}</dir>`,
        `  <cachedir>${join(cache, 'fontconfig-cache')}</cachedir>`,
        '</fontconfig>',
        '',
      ].join('\n'),
    );
    // The executable last: its presence in the cache means the rest is there too.
    await inflate(join(bin, 'chromium.br'), join(work, 'chromium'), 0o755);
    await chmod(join(work, 'chromium'), 0o755);
    await rename(work, cache).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return cache;
}

/**
 * The Chromium that `@sparticuz/chromium` ships, unpacked, when this machine can run it (Linux
 * x64 only); a reason otherwise.
 */
export async function npmChromium(): Promise<ChromiumInstallation | string> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return `${PACKAGE} has no Chromium for ${process.platform}-${process.arch}`;
  }
  let packageDir: string;
  try {
    packageDir = dirname(dirname(fileURLToPath(import.meta.resolve(PACKAGE))));
  } catch {
    return `${PACKAGE} is not installed (npm ci installs it)`;
  }
  const { version } = JSON.parse(await readFile(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const cache = await unpack(packageDir, version);
  return {
    executablePath: join(cache, 'chromium'),
    env: { LD_LIBRARY_PATH: join(cache, 'lib'), FONTCONFIG_FILE: join(cache, 'fonts.conf') },
    source: `${PACKAGE} ${version}`,
  };
}
