#!/usr/bin/env node
/** Entry point of `mcp-auth-client`; the program lives in cli/main.ts. */
await import('./cli/main.ts');
