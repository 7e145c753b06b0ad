/**
 * Bundles `mcp-auth-client` for start-up time (docs/PERFORMANCE.md, "Client"). Run by the root
 * `npm run build` after `tsc -b`, which type-checks and emits the unbundled modules.
 *
 * dist/cli.js is rewritten as the same small entry (it turns the compile cache on, then imports
 * the rest); the rest (our code, the MCP SDK, zod, ajv) becomes a few chunks in dist/chunks/,
 * so a launch reads a handful of files instead of ~160 and resolves no package. What is
 * imported dynamically (the REPL, the loopback callback, the browser opener) stays in chunks of
 * its own, loaded only when used. The library entry (dist/index.js) keeps tsc's modules; a
 * dist/cli.js from `tsc -b` alone also works, only more slowly.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = fileURLToPath(new URL('../', import.meta.url));

// Chunk names carry a content hash: without this, every build would leave the old ones behind.
await rm(new URL('../dist/chunks', import.meta.url), { recursive: true, force: true });
await build({
  absWorkingDir: packageDir,
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  logLevel: 'warning',
});
