import type { IncomingMessage } from 'node:http';
import { mediaTypeOf, readBoundedBody } from '@mcp-auth/shared';

export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export type JsonBodyResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly status: 400 | 413 | 415; readonly message: string };

/** Reads and parses a JSON request body, bounded in size. */
export async function readJsonBody(req: IncomingMessage): Promise<JsonBodyResult> {
  if (mediaTypeOf(req) !== 'application/json') {
    req.resume();
    return { ok: false, status: 415, message: 'the body must be application/json' };
  }
  const body = await readBoundedBody(req, MAX_BODY_BYTES);
  if (!body) return { ok: false, status: 413, message: 'the body is too large' };
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) };
  } catch {
    return { ok: false, status: 400, message: 'the body is not valid JSON' };
  }
}
