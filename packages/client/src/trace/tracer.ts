import { networkReason } from '../connection/observed-fetch.ts';
import type { ScopeSources } from '../oauth/scopes.ts';
import { isJsonRpc, type ObservedExchange, observeRequest, observeResponse } from './exchange.ts';
import { Lesson, type RegistrationConfig } from './lesson.ts';
import { renderJsonMessage, renderJsonStep } from './render-json.ts';
import { renderTextStep } from './render-text.ts';
import { redactHeaders, redactJson, redactParameters, redactUrl } from './secrets.ts';
import type { SignInTrace, TraceFormat } from './sign-in-trace.ts';
import { authorizationRequest, authorizationResponse, registrationWithoutRequest } from './steps/browser.ts';
import { HTTP_STEPS, otherExchange } from './steps/http-steps.ts';
import { rpcOf } from './steps/mcp.ts';
import type { StepDescription } from './steps/step.ts';
import type { TracedRequest, TracedResponse, TraceStep } from './trace-step.ts';

export interface TracerOptions {
  readonly format: TraceFormat;
  /** Where the trace goes (stderr: stdout stays clean for results). */
  readonly write: (text: string) => void;
  /** ANSI colours, for text on a terminal without NO_COLOR. */
  readonly color: boolean;
  /** The MCP server URL as given. */
  readonly serverUrl: string;
  readonly registration: RegistrationConfig;
}

/**
 * `--trace`: the sign-in and the calls as numbered steps, each named as the specifications name
 * it, with what each part means and, at the end of a phase, what just happened. Secrets are
 * shortened before anything is printed (secrets.ts). A step is printed when its exchange ends.
 */
export class Tracer implements SignInTrace {
  readonly #options: TracerOptions;
  readonly #lesson: Lesson;
  #seq = 0;

  constructor(options: TracerOptions) {
    this.#options = options;
    this.#lesson = new Lesson(options.serverUrl, options.registration);
  }

  observeFetch(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
    return async (input, init) => {
      const request = observeRequest(input, init);
      let response: Response;
      try {
        response = await fetch(input, init);
      } catch (error) {
        const cancelled = init?.signal?.aborted || (error as Error).name === 'AbortError';
        if (!cancelled) this.#exchange({ ...request, failure: networkReason(error) });
        throw error;
      }
      this.#exchange({ ...request, response: await observeResponse(response, request) });
      return response;
    };
  }

  authorizationStarts(scope: ScopeSources): void {
    this.#lesson.authorizationStarts(scope);
  }

  authorizationRequest(url: URL): void {
    const clientId = url.searchParams.get('client_id');
    if (clientId && !this.#lesson.registeredNow) {
      this.#emit(registrationWithoutRequest(clientId, this.#lesson), {});
    }
    this.#emit(authorizationRequest(url, this.#lesson), { request: browserRequest(url) });
  }

  callback(url: URL, accepted: boolean): void {
    this.#emit(authorizationResponse(url.searchParams, accepted, this.#lesson), {
      request: browserRequest(url),
      response: { status: accepted ? 200 : 400 },
    });
  }

  /** The client's own messages: as they are, or as JSON objects with `--trace=json`. */
  say(line: string): void {
    this.#options.write(this.#options.format === 'json' ? renderJsonMessage(line) : `${line}\n`);
  }

  #exchange(exchange: ObservedExchange): void {
    const lesson = this.#lesson;
    try {
      const kind = HTTP_STEPS.find((step) => step.matches(exchange, lesson)) ?? otherExchange;
      const description = kind.describe(exchange, lesson);
      kind.learn?.(exchange, lesson);
      this.#emit(description, shownExchange(exchange));
    } catch (error) {
      // The trace must never break what it describes (nor a closed stderr the sign-in).
      try {
        this.say(`(--trace could not show a request to ${exchange.url.origin}: ${(error as Error).message})`);
      } catch {}
    }
  }

  #emit(
    description: StepDescription,
    shown: { request?: TracedRequest; response?: TracedResponse; error?: string },
  ): void {
    const step: TraceStep = { seq: ++this.#seq, ...description, ...shown };
    this.#options.write(
      this.#options.format === 'json' ? renderJsonStep(step) : renderTextStep(step, this.#options.color),
    );
  }
}

/** A request the browser makes (the authorization request, the callback): its query shown. */
function browserRequest(url: URL): TracedRequest {
  return { method: 'GET', url: redactUrl(url), query: redactParameters(url.searchParams) };
}

/** An exchange as printed: secrets shortened, MCP messages named by their method only. */
function shownExchange(exchange: ObservedExchange): {
  request: TracedRequest;
  response?: TracedResponse;
  error?: string;
} {
  const headers = redactHeaders(exchange.requestHeaders);
  const rpc = rpcOf(exchange);
  const body = exchange.requestForm
    ? redactParameters(exchange.requestForm)
    : exchange.requestJson !== undefined && !isJsonRpc(exchange.requestJson)
      ? redactJson(exchange.requestJson)
      : undefined;
  const request: TracedRequest = {
    method: exchange.method,
    url: redactUrl(exchange.url),
    ...(headers ? { headers } : {}),
    ...(body !== undefined ? { body } : {}),
    ...(rpc ? { rpc } : {}),
  };
  const { response } = exchange;
  if (!response) return { request, ...(exchange.failure ? { error: exchange.failure } : {}) };
  const responseHeaders = redactHeaders(response.headers);
  return {
    request,
    response: {
      status: response.status,
      ...(responseHeaders ? { headers: responseHeaders } : {}),
      ...(response.json !== undefined ? { body: redactJson(response.json) } : {}),
    },
  };
}

/** Colours only for a person: a terminal, and no NO_COLOR (no-color.org). */
export function traceUsesColor(
  stream: { readonly isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  return stream.isTTY === true && env.NO_COLOR === undefined;
}
