import { closeSync, openSync, writeSync } from 'node:fs';
import { fileSystemReason, type Logger, UsageError } from '@mcp-auth/shared';
import type { AuditEvent } from './audit-events.ts';

export type { AuditEvent, AuditEventName, SignInPlace } from './audit-events.ts';

/** Where audit lines go: a file of their own, or the log stream among the other log lines. */
export type AuditDestination =
  | { readonly file: string }
  | { readonly logger: Logger }
  | { readonly write: (line: string) => void };

/** The longest a free-text field (a typed username) is kept: no wall of text in the log. */
const MAX_TEXT_LENGTH = 64;

/**
 * The security audit log: one JSON object per line, `{"time", "event", ...fields}` (to the log
 * stream: the logger's line with `"msg":"audit"` and the same fields). A file is opened once in
 * append mode, readable by its owner only, and each line is written whole with one synchronous
 * write, so lines of concurrent processes (the server and an operator command) never interleave
 * and none is lost to a crash after the event.
 */
export class AuditLog {
  readonly #write: (event: AuditEvent & { time: string }) => void;
  readonly #close: () => void;
  readonly #now: () => number;

  constructor(destination: AuditDestination, now: () => number = Date.now) {
    this.#now = now;
    if ('file' in destination) {
      const fd = openAuditFile(destination.file);
      this.#write = (record) => writeSync(fd, `${JSON.stringify(record)}\n`);
      this.#close = () => closeSync(fd);
    } else if ('logger' in destination) {
      const { logger } = destination;
      this.#write = ({ time: _time, ...fields }) => logger.info('audit', fields);
      this.#close = () => {};
    } else {
      const { write } = destination;
      this.#write = (record) => write(`${JSON.stringify(record)}\n`);
      this.#close = () => {};
    }
  }

  record(event: AuditEvent): void {
    this.#write({ time: new Date(this.#now()).toISOString(), ...clean(event) });
  }

  close(): void {
    this.#close();
  }
}

/** Opens the file for appending, or says in one sentence why not and what to do. */
function openAuditFile(file: string): number {
  try {
    return openSync(file, 'a', 0o600);
  } catch (error) {
    throw new UsageError(
      `cannot open the audit log ${file}: ${fileSystemReason(error)}; name a file in a folder that exists and that you may write to (--audit-log, "auditLog" in --config or MCP_AUTH_AS_AUDIT_LOG)`,
    );
  }
}

/**
 * Free text in an event (a typed username) is cut short and loses control characters, so one
 * event is always one line and a forged "event" cannot be typed into the sign-in form.
 */
function clean<T extends AuditEvent>(event: T): T {
  const cleaned: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (typeof value !== 'string') {
      cleaned[key] = value;
      continue;
    }
    const oneLine = value.replace(CONTROL_CHARACTERS, ' ');
    cleaned[key] = key === 'username' ? oneLine.slice(0, MAX_TEXT_LENGTH) : oneLine;
  }
  return cleaned as T;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: exactly what is removed
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;
