#!/usr/bin/env node
/**
 * Entry point of `mcp-auth-as`. The SQLite experimental warning is hidden before the modules
 * that load SQLite are imported.
 */
import { hideSqliteExperimentalWarning } from '@mcp-auth/shared';

hideSqliteExperimentalWarning();
await import('./cli/main.ts');
