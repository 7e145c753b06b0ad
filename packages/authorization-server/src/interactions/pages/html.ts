/**
 * HTML that is safe by construction: the `html` tag escapes every interpolated value unless it is
 * itself `SafeHtml` (the result of another `html` call). Client names, redirect URIs and scope
 * descriptions come from untrusted registration metadata, so forgetting to escape must be hard.
 */
const SAFE = Symbol('SafeHtml');

export interface SafeHtml {
  readonly [SAFE]: true;
  readonly value: string;
}

function safe(value: string): SafeHtml {
  return { [SAFE]: true, value };
}

function isSafe(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && SAFE in value;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (character) => ESCAPES[character] ?? character);
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (isSafe(value)) return value.value;
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return safe(out);
}

export const STYLESHEET_URL = '/interaction-assets/styles.css';

/** The full document around a page's content: one look for every page. */
export function layout(input: { title: string; body: SafeHtml; issuerHost?: string }): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${input.title} · MCP Authorization Server</title>
<link rel="stylesheet" href="${STYLESHEET_URL}">
</head>
<body>
<header class="site-header">
  <span class="brand"><span class="brand-mark" aria-hidden="true"></span>MCP Authorization Server</span>
  ${input.issuerHost ? html`<span class="issuer">${input.issuerHost}</span>` : ''}
</header>
<main class="card">
${input.body}
</main>
<footer class="site-footer">OAuth 2.1 for the Model Context Protocol</footer>
</body>
</html>
`.value;
}
