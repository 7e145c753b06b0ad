import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@mcp-auth/shared';
import { challengeHeaders } from '../auth/bearer-challenge.ts';
import { ResourceServerError, VerifierUnavailableError } from '../errors.ts';
import { sendJson, sendJsonText } from './send-response.ts';

export type ErrorResponder = (req: IncomingMessage, res: ServerResponse, error: unknown) => void;

/**
 * The one place a thrown error becomes a response (see errors.ts for the shapes). An error that
 * is not a `ResourceServerError` is a bug: 500 `server_error`, its details only in the log. Once
 * an answer has begun (a stream), the connection is cut instead, the only signal left.
 */
export function createErrorResponder(options: {
  readonly logger: Logger;
  /** RFC 9728 §5.1: every bearer challenge points to the resource metadata. */
  readonly resourceMetadataUrl: string;
  /** `--require-dpop`: challenges offer the DPoP scheme only (RFC 9449 §7.1). */
  readonly dpopRequired?: boolean;
}): ErrorResponder {
  const { logger } = options;
  const challengeContext = {
    resourceMetadataUrl: options.resourceMetadataUrl,
    dpopRequired: options.dpopRequired ?? false,
  };
  return (req, res, error) => {
    if (!(error instanceof ResourceServerError)) {
      logger.error('unexpected error', { method: req.method, error });
      if (res.headersSent) return void res.destroy();
      return sendJson(res, 500, { error: 'server_error' });
    }
    if (error instanceof VerifierUnavailableError) {
      logger.error('token verification unavailable', { error: error.message });
    }
    if (res.headersSent) return void res.destroy();
    for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
    if (error.challenge) {
      res.setHeader('www-authenticate', challengeHeaders(error.challenge, challengeContext));
    }
    if (typeof error.code === 'number') {
      const body = { jsonrpc: '2.0', error: { code: error.code, message: error.description }, id: null };
      return sendJsonText(res, error.status, JSON.stringify(body));
    }
    sendJson(res, error.status, {
      error: error.code,
      ...(error.description === undefined ? {} : { error_description: error.description }),
    });
  };
}
