import type { IncomingMessage } from 'node:http';
import { mediaTypeOf } from '@mcp-auth/shared';
import { jsonRpcError } from '../errors.ts';
import { JsonNestingGauge } from './json-nesting.ts';

export interface JsonBodyLimits {
  readonly maxBytes: number;
  /** Arrays and objects inside one another; MCP messages need a handful. */
  readonly maxDepth: number;
}

export const JSON_BODY_LIMITS: JsonBodyLimits = { maxBytes: 4 * 1024 * 1024, maxDepth: 64 };

/** Reads a request's JSON body, or throws the JSON-RPC refusal (see `readJsonBody`). */
export type JsonBodyReader = (req: IncomingMessage) => Promise<unknown>;

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
 * reading, before `JSON.parse` builds anything). A refusal is thrown as JSON-RPC 2.0 §5.1: -32700
 * parse error (not JSON), -32600 invalid request (JSON we refuse).
 */
export async function readJsonBody(
  req: IncomingMessage,
  limits: JsonBodyLimits = JSON_BODY_LIMITS,
): Promise<unknown> {
  if (mediaTypeOf(req) !== 'application/json') {
    throw jsonRpcError(415, -32600, 'the body must be application/json');
  }
  const tooLarge = () => jsonRpcError(413, -32600, `the body is larger than ${limits.maxBytes} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > limits.maxBytes) throw tooLarge();
  const gauge = new JsonNestingGauge(limits.maxDepth);
  let size = 0;
  const collected = await collectBody(req, (chunk) => {
    size += chunk.length;
    if (size > limits.maxBytes) return 'too-large';
    return gauge.withinLimit(chunk) ? undefined : 'too-deep';
  });
  if (!collected.ok) {
    if (collected.reason === 'too-large') throw tooLarge();
    if (collected.reason === 'too-deep') {
      throw jsonRpcError(
        400,
        -32600,
        `the body nests arrays and objects deeper than ${limits.maxDepth} levels`,
      );
    }
    throw jsonRpcError(400, -32700, 'the body ended before it was complete');
  }
  try {
    return JSON.parse(collected.body.toString('utf8'));
  } catch {
    throw jsonRpcError(400, -32700, 'the body is not valid JSON');
  }
}
