import { STATUS_CODES } from 'node:http';
import { sanitizeForTerminal } from '../oauth/authorization-error.ts';
import type { StepId } from './steps/step.ts';
import type { TraceStep } from './trace-step.ts';

/** Long enough for a URL or a note; what a hostile server sends stops here. */
const MAX_TEXT = 1000;
/** A JSON body on one line, cut here: the notes say what matters in it. */
const MAX_BODY = 400;

/** A body shown as one line of JSON, as `name: value` lines (forms), or not at all. */
type BodyStyle = 'line' | 'fields' | 'none';

/** Which bodies a person sees: the OAuth messages themselves teach; metadata documents are summed up in the notes. */
const SHOWN_BODIES: Readonly<Record<StepId, { readonly request: BodyStyle; readonly response: BodyStyle }>> =
  {
    'mcp-unauthorized': { request: 'none', response: 'none' },
    'protected-resource-metadata': { request: 'none', response: 'line' },
    'authorization-server-metadata': { request: 'none', response: 'none' },
    'client-registration': { request: 'line', response: 'line' },
    'authorization-request': { request: 'none', response: 'none' },
    'authorization-response': { request: 'none', response: 'none' },
    'token-request': { request: 'fields', response: 'line' },
    'token-refresh': { request: 'fields', response: 'line' },
    'mcp-request': { request: 'none', response: 'none' },
    'mcp-insufficient-scope': { request: 'none', response: 'none' },
    http: { request: 'none', response: 'none' },
  };

interface Palette {
  readonly heading: (text: string) => string;
  readonly spec: (text: string) => string;
  readonly sent: (text: string) => string;
  readonly received: (text: string) => string;
  readonly failed: (text: string) => string;
  readonly closing: (text: string) => string;
}

const ansi = (open: string) => (text: string) => `\u001b[${open}m${text}\u001b[0m`;
const PLAIN: Palette = {
  heading: (text) => text,
  spec: (text) => text,
  sent: (text) => text,
  received: (text) => text,
  failed: (text) => text,
  closing: (text) => text,
};
const COLORED: Palette = {
  heading: ansi('1;36'),
  spec: ansi('2'),
  sent: ansi('32'),
  received: ansi('33'),
  failed: ansi('31'),
  closing: ansi('1;35'),
};

/** Text from the network, safe on a terminal (no escape sequences, no line breaks). */
function clean(text: string): string {
  return sanitizeForTerminal(text, MAX_TEXT);
}

function oneLine(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return clean(text.length > MAX_BODY ? `${text.slice(0, MAX_BODY - 1)}…` : text);
}

function fieldLines(fields: Record<string, unknown> | undefined, indent: string): string[] {
  return Object.entries(fields ?? {}).map(([name, value]) => `${indent}${clean(name)}: ${oneLine(value)}`);
}

function bodyLines(body: unknown, style: BodyStyle, indent: string): string[] {
  if (body === undefined || style === 'none') return [];
  if (style === 'fields' && typeof body === 'object' && body !== null && !Array.isArray(body)) {
    return fieldLines(body as Record<string, unknown>, indent);
  }
  return [`${indent}${oneLine(body)}`];
}

/** A step for a person: numbered title, spec sections, the request and response, what it means. */
export function renderTextStep(step: TraceStep, color: boolean): string {
  const paint = color ? COLORED : PLAIN;
  const shown = SHOWN_BODIES[step.step];
  const lines = [paint.heading(`[${step.seq}] ${clean(step.title)}`)];
  if (step.spec.length > 0) lines.push(`    ${paint.spec(step.spec.join(' · '))}`);
  const { request, response } = step;
  if (request) {
    const target = request.query ? request.url.split('?', 1)[0] : request.url;
    const rpc = request.rpc ? `  (${clean(request.rpc)})` : '';
    lines.push(`    ${paint.sent('→')} ${clean(request.method)} ${clean(target ?? '')}${rpc}`);
    lines.push(...fieldLines(request.query, '      '), ...fieldLines(request.headers, '      '));
    lines.push(...bodyLines(request.body, shown.request, '      '));
  }
  if (response) {
    lines.push(
      `    ${paint.received('←')} ${response.status} ${STATUS_CODES[response.status] ?? ''}`.trimEnd(),
    );
    lines.push(...fieldLines(response.headers, '      '));
    lines.push(...bodyLines(response.body, shown.response, '      '));
  }
  if (step.error) lines.push(`    ${paint.failed('✗')} no answer: ${clean(step.error)}`);
  for (const note of step.notes) lines.push(`    • ${clean(note)}`);
  if (step.whatJustHappened) {
    lines.push(`    ${paint.closing('What just happened:')} ${clean(step.whatJustHappened)}`);
  }
  return `${lines.join('\n')}\n\n`;
}
