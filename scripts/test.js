// `npm test`: the runner (TypeScript) in run-tests.ts.
await import('./run-tests.ts');
