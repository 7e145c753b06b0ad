// `npm start`: the Node.js version is checked before the demo (TypeScript) is loaded, so an older
// Node says what to install instead of failing on the `.ts` file.
import '@mcp-auth/shared/check-node-version';

await import('./start-demo.ts');
