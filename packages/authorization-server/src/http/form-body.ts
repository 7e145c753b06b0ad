import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.ts';

/** Sign-in and consent forms are tiny; anything larger is refused before it is buffered. */
const MAX_FORM_BYTES = 16 * 1024;

/** Reads an `application/x-www-form-urlencoded` body (the only encoding our forms use). */
export async function readFormBody(req: IncomingMessage): Promise<URLSearchParams> {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/x-www-form-urlencoded') {
    throw new HttpError(415, 'invalid_request', 'forms must be sent as application/x-www-form-urlencoded');
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_FORM_BYTES) {
    req.resume();
    throw new HttpError(413, 'invalid_request', 'the form is too large');
  }
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req) {
    received += (chunk as Buffer).length;
    if (received > MAX_FORM_BYTES) {
      req.resume();
      throw new HttpError(413, 'invalid_request', 'the form is too large');
    }
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
