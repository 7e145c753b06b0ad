import type { Interface } from 'node:readline';

/**
 * Lines from readline, one at a time, for both a terminal and a pipe: `next(prompt)` shows the
 * prompt and resolves with the next line, or undefined at end of input (Ctrl-D).
 */
export class LineSource {
  readonly #rl: Interface;
  readonly #queued: string[] = [];
  #waiting: ((line: string | undefined) => void) | undefined;
  #closed = false;

  constructor(rl: Interface) {
    this.#rl = rl;
    rl.on('line', (line) => {
      if (this.#waiting) {
        const resolve = this.#waiting;
        this.#waiting = undefined;
        resolve(line);
      } else {
        this.#queued.push(line);
      }
    });
    rl.on('close', () => {
      this.#closed = true;
      this.#waiting?.(undefined);
      this.#waiting = undefined;
    });
  }

  next(prompt: string): Promise<string | undefined> {
    const queued = this.#queued.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#closed) return Promise.resolve(undefined);
    this.#rl.setPrompt(prompt);
    this.#rl.prompt();
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }
}
