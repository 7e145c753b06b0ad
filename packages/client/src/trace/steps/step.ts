import type { ObservedExchange } from '../exchange.ts';
import type { Lesson } from '../lesson.ts';

/** The stable names of the steps (`step` in `--trace=json`; documented in docs/client.md). */
export type StepId =
  | 'mcp-unauthorized'
  | 'protected-resource-metadata'
  | 'authorization-server-metadata'
  | 'client-registration'
  | 'authorization-request'
  | 'authorization-response'
  | 'token-request'
  | 'token-refresh'
  | 'mcp-request'
  | 'mcp-insufficient-scope'
  | 'http';

/** A step named and explained, before it is numbered and printed. */
export interface StepDescription {
  readonly step: StepId;
  /** What happened, in a few words. */
  readonly title: string;
  /** Where the specifications define it: `RFC 9728 §3`, `MCP authorization: …`. */
  readonly spec: readonly string[];
  /** What each part means and why it was chosen. */
  readonly notes: readonly string[];
  /** The closing line of a phase. */
  readonly whatJustHappened?: string;
}

/** One kind of HTTP exchange: how to recognise it, explain it, and what it teaches the next steps. */
export interface HttpStep {
  matches(exchange: ObservedExchange, lesson: Lesson): boolean;
  describe(exchange: ObservedExchange, lesson: Lesson): StepDescription;
  learn?(exchange: ObservedExchange, lesson: Lesson): void;
}

export function succeeded(exchange: ObservedExchange): boolean {
  const status = exchange.response?.status ?? 0;
  return status >= 200 && status < 300;
}
