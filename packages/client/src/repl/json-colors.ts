/** ANSI colours per kind of JSON token; distinct so structure is visible at a glance. */
const COLORS = {
  key: '\u001b[36m', // cyan
  string: '\u001b[32m', // green
  number: '\u001b[33m', // yellow
  literal: '\u001b[35m', // magenta: true, false, null
} as const;
const RESET = '\u001b[0m';

/**
 * One token of JSON.stringify's output: a string (a key when a colon follows), true/false/null,
 * or a number. Strings come first in the alternation so digits or words inside them stay theirs.
 */
const TOKEN = /("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** Pretty-printed JSON, coloured only when `color` is true (never any escape code otherwise). */
export function formatJson(value: unknown, color: boolean): string {
  // JSON.stringify gives undefined for undefined and functions; show that rather than crash.
  const text = JSON.stringify(value, null, 2) ?? String(value);
  if (!color) return text;
  return text.replace(
    TOKEN,
    (token, quoted: string | undefined, colon: string | undefined, literal: string | undefined) => {
      if (quoted !== undefined) {
        return colon === undefined ? paint('string', quoted) : `${paint('key', quoted)}${colon}`;
      }
      return paint(literal === undefined ? 'number' : 'literal', token);
    },
  );
}

function paint(kind: keyof typeof COLORS, text: string): string {
  return `${COLORS[kind]}${text}${RESET}`;
}
