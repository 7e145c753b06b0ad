#!/usr/bin/env node
/**
 * Entry point of `mcp-auth-legacy`. The SQLite experimental warning is hidden before the modules
 * that load SQLite are imported: Node emits it when `node:sqlite` is linked, before any
 * statically imported module runs.
 */
import { hideSqliteExperimentalWarning } from '@mcp-auth/shared';

hideSqliteExperimentalWarning();
await import('./main.ts');
