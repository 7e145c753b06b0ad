import { createLogger, type Logger } from '@mcp-auth/shared';

/** A logger for the servers under test that keeps error-level lines, to show with a failure. */
export interface RecordingLogger {
  readonly logger: Logger;
  /** Lines logged since the mark. */
  since(mark: number): string[];
  mark(): number;
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  return {
    logger: createLogger({ level: 'error', write: (line) => lines.push(line) }),
    since: (mark) => lines.slice(mark),
    mark: () => lines.length,
  };
}
