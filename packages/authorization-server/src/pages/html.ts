import { STYLESHEET_PATH } from './stylesheet.ts';

/**
 * HTML that is safe by construction. Client names, redirect URIs and scope descriptions come
 * from untrusted registration metadata, so forgetting to escape must be hard: the `html` tag
 * escapes every interpolated value unless it is `SafeHtml`, and the only way to get a `SafeHtml`
 * is another `html` call. There is deliberately no "trust this raw string" function.
 *
 * Escaping covers text and *quoted* attribute values; always quote attributes in templates.
 * It does not make a URL safe to put in `href` (think `javascript:`), so the pages never link to
 * URLs given by clients, they only show their host as text.
 */

/** Markup produced by `html`. A class with a private field, so it cannot be forged structurally. */
class TrustedMarkup {
  readonly #markup: string;
  constructor(markup: string) {
    this.#markup = markup;
  }
  toString(): string {
    return this.#markup;
  }
}

export type SafeHtml = TrustedMarkup;

/** What may be interpolated. `true` is left out so `flag && html\`…\`` cannot print "true". */
export type HtmlValue = SafeHtml | string | number | false | null | undefined | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = {
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

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof TrustedMarkup) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let markup = strings[0] ?? '';
  values.forEach((value, index) => {
    markup += render(value) + (strings[index + 1] ?? '');
  });
  return new TrustedMarkup(markup);
}

export const PRODUCT_NAME = 'MCP Authorization Server';

export interface LayoutInput {
  readonly title: string;
  readonly body: SafeHtml;
  /** Shown in the header, so people can see which server is asking for their password. */
  readonly issuerHost?: string;
  /** Replaces the product name in the header and title. */
  readonly brand?: string;
}

/** The whole document around a page's content, so every page has the same look and landmarks. */
export function layout(input: LayoutInput): string {
  const brand = input.brand ?? PRODUCT_NAME;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${input.title} · ${brand}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<header class="site-header">
  <span class="brand"><svg class="brand-mark" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill-rule="evenodd" d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3Zm0 5a3 3 0 0 1 1 5.83V16h-2v-3.17A3 3 0 0 1 12 7Z"></path></svg>${brand}</span>
  ${input.issuerHost ? html`<span class="issuer"><span class="visually-hidden">Server: </span>${input.issuerHost}</span>` : ''}
</header>
<main class="card">
${input.body}
</main>
<footer class="site-footer">OAuth 2.1 sign-in for the Model Context Protocol</footer>
</body>
</html>
`.toString();
}
