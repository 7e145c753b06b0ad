import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { HttpError } from '../http/http-error.ts';
import type { InteractionDetails } from './interaction-dependencies.ts';

/**
 * The interaction this browser is in (oidc-provider finds it by its cookie), which must be the
 * one the URL names: a link or form of another browser's sign-in is refused.
 */
export async function loadInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  uid: string,
): Promise<InteractionDetails> {
  let details: InteractionDetails;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    throw new HttpError(
      400,
      'invalid_request',
      'this sign-in has expired or was already completed; start again from the app',
    );
  }
  if (details.uid !== uid) {
    throw new HttpError(
      400,
      'invalid_request',
      'this sign-in does not belong to this browser; start again from the app',
    );
  }
  return details;
}
