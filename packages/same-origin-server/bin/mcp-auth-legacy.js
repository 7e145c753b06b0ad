#!/usr/bin/env node
// Committed launcher, so npm can link the bin at install time, before the first build.
// The Node.js version is checked first: older ones would fail below with a stack trace.
import '@mcp-auth/shared/check-node-version';

import('../dist/cli/main.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist/cli/main.js')) {
    process.stderr.write('mcp-auth-legacy: not built yet; run `npm run build` in the repository first.\n');
    process.exitCode = 1;
    return;
  }
  throw error;
});
