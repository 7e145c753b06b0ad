import type { ServerResponse } from 'node:http';
import { renderErrorPage } from '../pages/index.ts';
import { StorageError } from '../storage/storage-error.ts';
import { HttpError } from './http-error.ts';
import { sendHtml, sendJson } from './responses.ts';
import { setPageSecurityHeaders } from './security-headers.ts';

/** How a failed request is answered. */
export interface ErrorAnswer {
  readonly status: number;
  /** RFC 6749 §5.2-style error code. */
  readonly code: string;
  /** Safe to show: for an unexpected error it says nothing of its cause. */
  readonly description: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Not an error the AS meant to answer: its details belong in the log. */
  readonly unexpected: boolean;
}

/**
 * The one mapping from an error to an answer on the AS's own routes (oidc-provider's
 * `helpers/err_out.js` does the same for its routes, where an HttpError answers as itself too):
 * an HttpError answers with its status, code, description and headers. Anything else is
 * `server_error` with no internals: 503 when the database may recover without a restart (a full
 * disk, a lock held too long; StorageError), 500 otherwise.
 */
export function errorAnswer(error: unknown): ErrorAnswer {
  if (error instanceof HttpError) {
    return {
      status: error.status,
      code: error.error,
      description: error.error_description ?? error.error,
      headers: error.headers,
      unexpected: false,
    };
  }
  return {
    status: error instanceof StorageError ? error.statusCode : 500,
    code: 'server_error',
    description: 'an unexpected error occurred',
    headers: {},
    unexpected: true,
  };
}

/** The answer as RFC 6749 §5.2 JSON, never cached. */
export function sendErrorJson(res: ServerResponse, answer: ErrorAnswer): void {
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  sendJson(res, answer.status, { error: answer.code, error_description: answer.description });
}

/**
 * The answer as a page, for a person in a browser (the sign-in and consent pages): what went
 * wrong and what to do next. An unexpected error's page says only that something went wrong.
 */
export function sendErrorPage(res: ServerResponse, answer: ErrorAnswer): void {
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  setPageSecurityHeaders(res);
  sendHtml(
    res,
    answer.status,
    renderErrorPage(
      answer.unexpected
        ? { title: 'Something went wrong', message: 'Please start again from the app.' }
        : { title: 'This sign-in cannot continue', message: answer.description },
    ),
  );
}

/**
 * oidc-provider's `renderError`: the page a browser gets for an error on one of its routes (an
 * authorization request it refuses before any redirect). Its error code is shown for whoever
 * helps the person.
 */
export function providerErrorPage(
  res: ServerResponse,
  error: { error?: string; error_description?: string },
  issuerHost: string,
): string {
  setPageSecurityHeaders(res);
  return renderErrorPage({
    issuerHost,
    title: 'This sign-in cannot continue',
    message: error.error_description ?? error.error ?? 'The request was not valid.',
    ...(error.error ? { details: error.error } : {}),
  });
}
