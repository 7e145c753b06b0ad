#!/usr/bin/env node
/**
 * Entry point of `mcp-auth-as`, the only place that reads argv and the environment. The SQLite
 * experimental warning is hidden before the modules that load SQLite are imported. A failure is
 * one line on stderr and an exit code (2 for usage, 1 otherwise); `--verbose` (or `--log-level
 * debug`) adds the stack and its causes.
 */
import { hideSqliteExperimentalWarning, runCommandLine } from '@mcp-auth/shared';

hideSqliteExperimentalWarning();
const { runMcpAuthAs } = await import('./commands/command-table.ts');
const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
await runCommandLine({ name: 'mcp-auth-as', run: (argv) => runMcpAuthAs(argv, process.env, io) });
