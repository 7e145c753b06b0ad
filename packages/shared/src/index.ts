export { mediaTypeOf, readBoundedBody } from './bounded-body.ts';
export {
  type CommandLineIo,
  type CommandLineProgram,
  EXIT_CODES,
  parseFlags,
  runCommandLine,
  UsageError,
  wantsStackTraces,
  wholeNumberFlag,
} from './command-line.ts';
export {
  DEFAULT_AUTHORIZATION_SERVER_PORT,
  DEFAULT_ISSUER,
  DEFAULT_MCP_URL,
  DEFAULT_RESOURCE_SERVER_PORT,
  localIssuer,
  localMcpUrl,
  MCP_PATH,
} from './default-addresses.ts';
export {
  DEMO_BASE_SCOPE,
  DEMO_RESOURCE_NAME,
  DEMO_SCOPE_NAMES,
  DEMO_SCOPES,
  type DemoScope,
  demoScopesForTool,
} from './demo-scopes.ts';
export {
  DEV_INTROSPECTION_CLIENT_ID,
  DEV_INTROSPECTION_FILE,
  type DevIntrospectionCredentials,
  devIntrospectionCredentialsFile,
  devIntrospectionCredentialsFrom,
  formatDevIntrospectionCredentials,
} from './dev-introspection-credentials.ts';
export { ExpiringLruCache } from './expiring-lru-cache.ts';
export {
  errnoCode,
  FileSystemError,
  fileSystemReason,
  whyFolderCannotBeCreated,
} from './file-system-errors.ts';
export {
  explainListenError,
  type HttpListener,
  type ListenOptions,
  listenUntilReady,
  type RequestHandler,
} from './http-listener.ts';
export { createLogger, type LogFields, type Logger, type LogLevel, silentLogger } from './logger.ts';
export { isLoopbackHostname, LOOPBACK_HOST_NAMES } from './loopback.ts';
export { describeOptionErrors } from './option-errors.ts';
export { ensurePrivateDirectory, writePrivateFile } from './private-files.ts';
export { normalizeRequestTarget, refuseRequestTarget, requestTargetUrl } from './request-target.ts';
export { canonicalResourceUri, sameResource } from './resource-uri.ts';
export { hideSqliteExperimentalWarning } from './sqlite-warning.ts';
export {
  authorizationServerDataDir,
  clientStoreDir,
  compileCacheDir,
  demoLogDir,
  type Environment,
  sameOriginServerDataDir,
} from './user-folders.ts';
export {
  isWorkerProcess,
  leaveWorkerPool,
  MAX_WORKERS,
  reportWorkerReady,
  type SuperviseOptions,
  superviseWorkers,
  WorkerStartError,
  workerStopRequested,
  workersFlag,
} from './worker-processes.ts';
