import { html, layout } from './html.ts';

export interface ErrorPageInput {
  readonly title: string;
  /** What went wrong, in plain words. */
  readonly message: string;
  /** A short machine code (e.g. `invalid_request`) for whoever helps the person. */
  readonly details?: string;
  readonly issuerHost?: string;
}

/**
 * For interactions that cannot continue (expired sign-in, form from elsewhere). Nothing here can
 * be retried in place: the flow must be restarted by the app, so that is what the page says.
 */
export function renderErrorPage(input: ErrorPageInput): string {
  const body = html`
<h1>${input.title}</h1>
<div class="notice error" role="alert">${input.message}</div>
<h2>What to do next</h2>
<ol class="steps">
  <li>Close this page and go back to the app you were using.</li>
  <li>Start signing in again from the app. Sign-in pages expire after a while and work only once.</li>
  <li>If it keeps happening, tell whoever runs this server${input.details ? html` and mention the code below` : ''}.</li>
</ol>
${input.details ? html`<p class="small muted">Error code: <code>${input.details}</code></p>` : ''}`;
  return layout({ title: input.title, body, ...(input.issuerHost ? { issuerHost: input.issuerHost } : {}) });
}
