export { createLogger, type Logger, silentLogger } from '@mcp-auth/shared';
export { AccountService } from './accounts/account-service.ts';
export {
  type AuthorizationServerApp,
  type AuthorizationServerOverrides,
  createAuthorizationServerApp,
} from './app/create-app.ts';
export { registerPreregisteredClient } from './clients/preregistered-clients.ts';
export {
  type AuthorizationServerOptionsInput,
  authorizationServerOptionsSchema,
  isLoopbackHostname,
} from './options.ts';
export {
  demoResourceRegistry,
  type ResourceRegistryInput,
} from './resource-registry.ts';
export { type RunningAuthorizationServer, startAuthorizationServer } from './server.ts';
export { dataDirFiles, openStorage } from './storage/open-storage.ts';
export type { StorageBackend } from './storage/storage-backend.ts';
export { StorageError } from './storage/storage-error.ts';
