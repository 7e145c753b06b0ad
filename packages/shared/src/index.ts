export { mediaTypeOf, readBoundedBody } from './bounded-body.ts';
export {
  type CommandLineIo,
  type CommandLineProgram,
  EXIT_CODES,
  runCommandLine,
  UsageError,
  wantsStackTraces,
  wholeNumberFlag,
} from './command-line.ts';
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
export { hideSqliteExperimentalWarning } from './sqlite-warning.ts';
