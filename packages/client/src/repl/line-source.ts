import type { Interface } from 'node:readline';

export type LineRead = { kind: 'line'; text: string } | { kind: 'end' } | { kind: 'interrupted' };

/**
 * Pull-style reading over readline's push-style `line` events, the same for a terminal and a
 * pipe: lines that arrive while the REPL is busy (type-ahead, a piped script) wait their turn,
 * and every read shows its prompt, so piped output does not depend on how input was chunked.
 */
export class LineSource {
  readonly #rl: Interface;
  readonly #output: NodeJS.WritableStream;
  readonly #queued: string[] = [];
  #pending: ((read: LineRead) => void) | undefined;
  #ended = false;

  constructor(rl: Interface, output: NodeJS.WritableStream) {
    this.#rl = rl;
    this.#output = output;
    rl.on('line', (text: string) => {
      if (this.#pending) this.#settle({ kind: 'line', text });
      else this.#queued.push(text);
    });
    rl.on('close', () => {
      this.#ended = true;
      if (this.#pending) this.#settle({ kind: 'end' });
    });
  }

  /** Whether someone is waiting for a line right now (the user is at a prompt). */
  get waiting(): boolean {
    return this.#pending !== undefined;
  }

  read(prompt: string): Promise<LineRead> {
    this.#showPrompt(prompt);
    const text = this.#queued.shift();
    if (text !== undefined) return Promise.resolve({ kind: 'line', text });
    if (this.#ended) return Promise.resolve({ kind: 'end' });
    return new Promise((resolve) => {
      this.#pending = resolve;
    });
  }

  /** Ends the current read as interrupted (Ctrl-C); false when no read was waiting. */
  interrupt(): boolean {
    if (!this.#pending) return false;
    this.#settle({ kind: 'interrupted' });
    return true;
  }

  /** Shows the current prompt again, e.g. after a hint was printed below the old one. */
  reprompt(): void {
    this.#showPrompt(this.#rl.getPrompt());
  }

  #settle(read: LineRead): void {
    const resolve = this.#pending;
    this.#pending = undefined;
    resolve?.(read);
  }

  #showPrompt(prompt: string): void {
    this.#rl.setPrompt(prompt);
    // After the input ended readline refuses to prompt; the queued lines still get theirs.
    if (this.#ended) this.#output.write(prompt);
    else this.#rl.prompt();
  }
}
