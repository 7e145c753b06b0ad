#!/usr/bin/env node
/** Entry point of `mcp-auth-client`; the program lives in main.ts. */
import module from 'node:module';
import { compileCacheDir } from '@mcp-auth/shared';

/**
 * V8's compiled code for the modules below (the MCP SDK and zod, mostly) is kept between runs,
 * so a launch reads it instead of compiling them again. Per user, not in Node's default folder
 * in the shared tmp dir, where another account could leave code for this one to run.
 * NODE_COMPILE_CACHE picks the folder; NODE_DISABLE_COMPILE_CACHE=1 turns the cache off.
 */
function compileCacheDirectory(env: NodeJS.ProcessEnv): string {
  if (env.NODE_COMPILE_CACHE) return env.NODE_COMPILE_CACHE;
  return compileCacheDir(env);
}

try {
  // Node reports a folder it cannot create or write in its result rather than throwing; the
  // catch is for anything else: without the cache the program only starts more slowly.
  module.enableCompileCache?.(compileCacheDirectory(process.env));
} catch {}
// Imported only now, so that their compilation goes through the cache.
await import('./main.ts');
