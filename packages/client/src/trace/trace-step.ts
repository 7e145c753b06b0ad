import type { StepDescription } from './steps/step.ts';

/**
 * One numbered step as printed; `--trace=json` prints exactly this object on one line (its
 * fields are documented in docs/client.md). Every secret in it is shortened (secrets.ts).
 */
export interface TraceStep extends StepDescription {
  /** 1, 2, 3, … in the order the exchanges ended. */
  readonly seq: number;
  readonly request?: TracedRequest;
  readonly response?: TracedResponse;
  /** Why there was no response: "connection refused", … */
  readonly error?: string;
}

export interface TracedRequest {
  readonly method: string;
  /** The URL, with secret query parameters shortened. */
  readonly url: string;
  /** The query parameters, for the steps that happen in the browser. */
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  /** A form or JSON body (never an MCP message's arguments). */
  readonly body?: unknown;
  /** The JSON-RPC method of an MCP request: "tools/call calculator". */
  readonly rpc?: string;
}

export interface TracedResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** A JSON body the trace read (OAuth answers and errors; never MCP results). */
  readonly body?: unknown;
}
