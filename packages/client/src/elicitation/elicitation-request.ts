import type { JsonSchema } from '../repl/repl-session.ts';

/**
 * A server's `elicitation/create` request (MCP 2025-11-25 §Elicitation): a form whose fields the
 * user fills in, or a URL the user visits out of band (URL mode: the data never passes through
 * the client).
 */
export type ElicitationRequest =
  | { readonly mode: 'form'; readonly message: string; readonly requestedSchema: FormSchema }
  | { readonly mode: 'url'; readonly message: string; readonly url: string; readonly elicitationId: string };

/** A form's fields: a flat object of primitive properties (§Elicitation, Requested Schema). */
export interface FormSchema {
  readonly type: 'object';
  readonly properties?: Record<string, JsonSchema>;
  readonly required?: string[];
}

/** The user's answer (§Elicitation, Response Actions): accept with content, decline, or cancel. */
export type ElicitationAnswer =
  | { readonly action: 'accept'; readonly content?: Record<string, string | number | boolean | string[]> }
  | { readonly action: 'decline' }
  | { readonly action: 'cancel' };

/** Answers one elicitation request; the signal aborts when the request is cancelled. */
export type AnswerElicitation = (
  request: ElicitationRequest,
  signal?: AbortSignal,
) => Promise<ElicitationAnswer>;

/** The SDK's request params, as the handler receives them, in our shape; undefined if neither mode fits. */
export function elicitationRequestOf(params: Record<string, unknown>): ElicitationRequest | undefined {
  const message = typeof params.message === 'string' ? params.message : '';
  if (params.mode === 'url') {
    if (typeof params.url !== 'string' || typeof params.elicitationId !== 'string') return undefined;
    return { mode: 'url', message, url: params.url, elicitationId: params.elicitationId };
  }
  const schema = params.requestedSchema;
  if (typeof schema !== 'object' || schema === null) return undefined;
  return { mode: 'form', message, requestedSchema: schema as FormSchema };
}
