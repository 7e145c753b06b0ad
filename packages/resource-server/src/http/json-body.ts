import type { IncomingMessage } from 'node:http';
import { mediaTypeOf } from '@mcp-auth/shared';
import { JsonNestingGauge } from './json-nesting.ts';

export interface JsonBodyLimits {
  readonly maxBytes: number;
  /** Arrays and objects inside one another; MCP messages need a handful. */
  readonly maxDepth: number;
}

export const JSON_BODY_LIMITS: JsonBodyLimits = { maxBytes: 4 * 1024 * 1024, maxDepth: 64 };

/** JSON-RPC 2.0 §5.1: -32700 parse error (not JSON), -32600 invalid request (JSON we refuse). */
export type JsonBodyResult =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      readonly status: 400 | 413 | 415;
      readonly code: -32700 | -32600;
      readonly message: string;
    };

export type JsonBodyReader = (req: IncomingMessage) => Promise<JsonBodyResult>;

type Refusal = 'too-large' | 'too-deep';
type Collected =
  | { readonly ok: true; readonly body: Buffer }
  | { readonly ok: false; readonly reason: Refusal | 'cut-short' };

/**
 * Reads the body chunk by chunk, handing each to `accept`; stops reading (without draining the
 * rest, see unread-body.ts) as soon as `accept` refuses one. Listeners rather than `for await`:
 * leaving an async iterator early destroys the request, and the socket with it, before the
 * refusal could be sent.
 */
function collectBody(
  req: IncomingMessage,
  accept: (chunk: Buffer) => Refusal | undefined,
): Promise<Collected> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const finish = (outcome: Collected) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onCutShort);
      req.off('close', onCutShort);
      req.pause();
      resolve(outcome);
    };
    const onData = (chunk: Buffer) => {
      const refusal = accept(chunk);
      if (refusal) return finish({ ok: false, reason: refusal });
      chunks.push(chunk);
    };
    const onEnd = () => finish({ ok: true, body: Buffer.concat(chunks) });
    const onCutShort = () => finish({ ok: false, reason: 'cut-short' });
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onCutShort);
    req.once('close', onCutShort);
  });
}

/**
 * Reads and parses a JSON request body of an authenticated request, bounded in size (by the
 * declared length before reading, by counting while reading) and in nesting depth (measured while
 * reading, before `JSON.parse` builds anything).
 */
export async function readJsonBody(
  req: IncomingMessage,
  limits: JsonBodyLimits = JSON_BODY_LIMITS,
): Promise<JsonBodyResult> {
  if (mediaTypeOf(req) !== 'application/json') {
    return { ok: false, status: 415, code: -32600, message: 'the body must be application/json' };
  }
  const tooLarge = {
    ok: false,
    status: 413,
    code: -32600,
    message: `the body is larger than ${limits.maxBytes} bytes`,
  } as const;
  if (Number(req.headers['content-length'] ?? 0) > limits.maxBytes) return tooLarge;
  const gauge = new JsonNestingGauge(limits.maxDepth);
  let size = 0;
  const collected = await collectBody(req, (chunk) => {
    size += chunk.length;
    if (size > limits.maxBytes) return 'too-large';
    return gauge.withinLimit(chunk) ? undefined : 'too-deep';
  });
  if (!collected.ok) {
    if (collected.reason === 'too-large') return tooLarge;
    if (collected.reason === 'too-deep') {
      const message = `the body nests arrays and objects deeper than ${limits.maxDepth} levels`;
      return { ok: false, status: 400, code: -32600, message };
    }
    return { ok: false, status: 400, code: -32700, message: 'the body ended before it was complete' };
  }
  try {
    return { ok: true, value: JSON.parse(collected.body.toString('utf8')) };
  } catch {
    return { ok: false, status: 400, code: -32700, message: 'the body is not valid JSON' };
  }
}
