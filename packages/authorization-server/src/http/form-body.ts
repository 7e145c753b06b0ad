import type { IncomingMessage } from 'node:http';
import { mediaTypeOf, readBoundedBody } from '@mcp-auth/shared';
import { HttpError } from './http-error.ts';

/** Sign-in and consent forms are tiny; anything larger is refused before it is buffered. */
const MAX_FORM_BYTES = 16 * 1024;

/** Reads an `application/x-www-form-urlencoded` body (the only encoding our forms use). */
export async function readFormBody(req: IncomingMessage): Promise<URLSearchParams> {
  if (mediaTypeOf(req) !== 'application/x-www-form-urlencoded') {
    throw new HttpError(415, 'invalid_request', 'forms must be sent as application/x-www-form-urlencoded');
  }
  const body = await readBoundedBody(req, MAX_FORM_BYTES);
  if (!body) throw new HttpError(413, 'invalid_request', 'the form is too large');
  return new URLSearchParams(body.toString('utf8'));
}
