import { html, layout } from './html.ts';

export interface ConsentScope {
  readonly name: string;
  readonly description: string;
  readonly unlocks?: readonly string[];
}

export interface ConsentPageInput {
  readonly formAction: string;
  readonly denyAction: string;
  readonly csrfToken: string;
  readonly accountName: string;
  readonly client: { readonly name: string; readonly id: string; readonly uri?: string };
  readonly redirectUri: string;
  readonly redirectHostOnlyLoopback: boolean;
  readonly resources: ReadonlyArray<{
    readonly uri: string;
    readonly name: string;
    readonly scopes: readonly ConsentScope[];
  }>;
  readonly offlineAccess: boolean;
  readonly issuerHost?: string;
}

function redirectHost(redirectUri: string): string {
  const url = URL.parse(redirectUri);
  if (!url) return redirectUri;
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.host : `${url.protocol}//`;
}

/**
 * SPEC AS.10 and the MCP security considerations ("Confused Deputy"): the person sees who asks,
 * where the answer will be sent, which server it unlocks and what each permission allows.
 */
export function renderConsentPage(input: ConsentPageInput): string {
  const resourceNames = input.resources.map((resource) => resource.name).join(', ') || 'your account';
  const body = html`
<h1>Allow ${input.client.name} to access ${resourceNames}?</h1>
<p class="lead">Signed in as <strong>${input.accountName}</strong>.</p>
<ul class="facts">
  <li><span class="label">App</span><span><strong>${input.client.name}</strong><br><span class="small">Name given by the app, not verified · <span class="mono">${input.client.id}</span></span></span></li>
  <li><span class="label">Sends you back to</span><span class="mono">${redirectHost(input.redirectUri)}</span></li>
</ul>
${
  input.redirectHostOnlyLoopback
    ? html`<div class="notice warning" role="note"><strong>This app runs on this computer.</strong>It receives the answer at a loopback address (<span class="mono">${redirectHost(input.redirectUri)}</span>). Only allow it if you started this app yourself just now.</div>`
    : ''
}
${input.resources.map(
  (resource) => html`
<section class="resource" aria-label="${resource.name}">
  <h2>${resource.name}</h2>
  <p class="small mono">${resource.uri}</p>
  <ul class="scopes">
    ${resource.scopes.map(
      (scope) =>
        html`<li>${scope.description}<span class="scope-name">${scope.name}</span>${
          scope.unlocks?.length
            ? html`<ul class="unlocks" aria-label="Unlocks">${scope.unlocks.map((item) => html`<li><code>${item}</code></li>`)}</ul>`
            : ''
        }</li>`,
    )}
  </ul>
</section>`,
)}
${input.offlineAccess ? html`<p class="small">Stay signed in: the app may refresh its access without asking you again.</p>` : ''}
<div class="actions">
  <form method="post" action="${input.denyAction}">
    <input type="hidden" name="csrf" value="${input.csrfToken}">
    <button type="submit">Deny</button>
  </form>
  <form method="post" action="${input.formAction}" class="grow">
    <input type="hidden" name="csrf" value="${input.csrfToken}">
    <button type="submit" class="primary">Allow</button>
  </form>
</div>`;
  return layout({
    title: 'Allow access?',
    body,
    ...(input.issuerHost ? { issuerHost: input.issuerHost } : {}),
  });
}
