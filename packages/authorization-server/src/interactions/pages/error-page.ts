import { html, layout } from './html.ts';

export function renderErrorPage(input: {
  title: string;
  message: string;
  details?: string;
  issuerHost?: string;
}): string {
  const body = html`
<h1>${input.title}</h1>
<div class="notice error" role="alert">${input.message}</div>
<p>Go back to the app you were using and start signing in again.</p>
${input.details ? html`<p class="small">Error code: <code>${input.details}</code></p>` : ''}`;
  return layout({ title: input.title, body, ...(input.issuerHost ? { issuerHost: input.issuerHost } : {}) });
}
