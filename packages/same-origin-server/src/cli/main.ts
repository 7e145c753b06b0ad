/**
 * Entry point of `mcp-auth-legacy` (the bin runs this module). The SQLite experimental warning is
 * hidden before the modules that load SQLite are imported: Node emits it when `node:sqlite` is
 * linked, before any statically imported module runs, hence the dynamic import.
 */
import { hideSqliteExperimentalWarning, runCommandLine } from '@mcp-auth/shared';

hideSqliteExperimentalWarning();
const { serve } = await import('./serve.ts');
await runCommandLine({ name: 'mcp-auth-legacy', run: serve });
