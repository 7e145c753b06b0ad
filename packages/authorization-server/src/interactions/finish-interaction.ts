import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';

/** Hands the result back to oidc-provider, which answers with the redirect to resume the flow. */
export async function finishInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  result: Record<string, unknown>,
): Promise<void> {
  const location = await provider.interactionResult(req, res, result, { mergeWithLastSubmission: false });
  res.statusCode = 303;
  res.setHeader('location', location);
  res.setHeader('cache-control', 'no-store');
  res.end();
}
