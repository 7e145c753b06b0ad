export { type ConnectionOptions, McpConnection } from './connection/mcp-connection.ts';
export { LoopbackCallbackServer } from './oauth/callback-server.ts';
export { FileOAuthProvider } from './oauth/file-oauth-provider.ts';
export { CredentialStore, defaultStoreDir } from './store/credential-store.ts';
