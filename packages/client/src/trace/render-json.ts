import type { TraceStep } from './trace-step.ts';

/**
 * One JSON value on one line. JSON.stringify escapes C0 controls but not C1 controls
 * (U+0080–U+009F, where some terminals read an escape sequence), bidirectional overrides or
 * line separators; those are escaped too, so a line is safe to print and still parses.
 */
export function jsonLine(value: unknown): string {
  const text = JSON.stringify(value).replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `${text}\n`;
}

/** `--trace=json`: a step as one object, its fields in a fixed order. */
export function renderJsonStep(step: TraceStep): string {
  return jsonLine({
    seq: step.seq,
    step: step.step,
    title: step.title,
    spec: step.spec,
    ...(step.request ? { request: step.request } : {}),
    ...(step.response ? { response: step.response } : {}),
    ...(step.error ? { error: step.error } : {}),
    notes: step.notes,
    ...(step.whatJustHappened ? { whatJustHappened: step.whatJustHappened } : {}),
  });
}

/** `--trace=json`: the client's own messages ("Sign in at: …") as objects too, so every line parses. */
export function renderJsonMessage(text: string): string {
  return jsonLine({ message: text });
}
