import type { ReplSession, ToolInfo } from './repl-session.ts';

/**
 * The server's tools, fetched once and reused (completion and `call` need them often; the list
 * rarely changes), fetched again by `list`.
 */
export class ToolCatalog {
  readonly #session: ReplSession;
  #tools: Promise<ToolInfo[]> | undefined;

  constructor(session: ReplSession) {
    this.#session = session;
  }

  /** The cached list, fetching it the first time; concurrent callers share one request. */
  known(signal?: AbortSignal): Promise<ToolInfo[]> {
    this.#tools ??= this.#fetch(signal);
    return this.#tools;
  }

  refresh(signal?: AbortSignal): Promise<ToolInfo[]> {
    this.#tools = this.#fetch(signal);
    return this.#tools;
  }

  #fetch(signal: AbortSignal | undefined): Promise<ToolInfo[]> {
    const fetching = this.#session.listTools(signal);
    // A failed fetch is not cached: the next use asks again (the user may have signed in since).
    fetching.catch(() => {
      if (this.#tools === fetching) this.#tools = undefined;
    });
    return fetching;
  }
}
