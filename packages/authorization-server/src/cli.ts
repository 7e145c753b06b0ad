#!/usr/bin/env node
/**
 * Entry point of `mcp-auth-as`. `node:sqlite` is stable in use but still flagged experimental
 * in Node 22, and its one-time warning would be the first thing every user sees; only that
 * warning is silenced, before the modules that load SQLite are imported.
 */
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : warning.message;
  if (/SQLite is an experimental feature/.test(text)) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

await import('./cli/main.ts');
