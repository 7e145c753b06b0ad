const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Measures how deeply JSON text nests while it arrives, so a body nested too deeply is refused
 * before `JSON.parse` builds the structure (and before the rest of it is even read). Brackets inside
 * strings do not count (RFC 8259 §7: a string may hold any of them; `\"` does not end it). UTF-8
 * continuation bytes are all at least 0x80, so scanning bytes never mistakes them for these
 * characters. Text that is not JSON at all is left for `JSON.parse` to refuse.
 */
export class JsonNestingGauge {
  readonly #maxDepth: number;
  #depth = 0;
  #inString = false;
  #escaped = false;

  constructor(maxDepth: number) {
    this.#maxDepth = maxDepth;
  }

  /** Scans the next piece; false as soon as the nesting went deeper than the maximum. */
  withinLimit(piece: Uint8Array): boolean {
    let depth = this.#depth;
    let inString = this.#inString;
    let escaped = this.#escaped;
    for (let index = 0; index < piece.length; index += 1) {
      const byte = piece[index];
      if (inString) {
        if (escaped) escaped = false;
        else if (byte === BACKSLASH) escaped = true;
        else if (byte === QUOTE) inString = false;
      } else if (byte === QUOTE) {
        inString = true;
      } else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
        depth += 1;
        if (depth > this.#maxDepth) return false;
      } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
        depth -= 1;
      }
    }
    this.#depth = depth;
    this.#inString = inString;
    this.#escaped = escaped;
    return true;
  }
}
