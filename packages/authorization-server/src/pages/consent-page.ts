import { redirectTarget, webHost } from './display-url.ts';
import { html, layout, type SafeHtml } from './html.ts';

export interface ConsentScope {
  readonly name: string;
  readonly description: string;
  /** What the scope opens up on the resource, e.g. tool names. */
  readonly unlocks?: readonly string[];
  /** Not allowed to this app before: a step-up asks for it (marked "new"). */
  readonly isNew?: boolean;
}

export interface ConsentResource {
  readonly uri: string;
  readonly name: string;
  readonly scopes: readonly ConsentScope[];
}

export interface ConsentPageInput {
  readonly formAction: string;
  readonly denyAction: string;
  readonly csrfToken: string;
  readonly accountName: string;
  /** From registration metadata, so all self-declared. Logos are never shown: no external images. */
  readonly client: {
    readonly name: string;
    readonly id: string;
    readonly uri?: string;
    readonly logoUri?: undefined;
  };
  readonly redirectUri: string;
  readonly redirectHostOnlyLoopback: boolean;
  readonly resources: readonly ConsentResource[];
  readonly offlineAccess: boolean;
  readonly issuerHost?: string;
}

/** "A", "A and B", "A, B and C", each name emphasised. */
function namesInWords(names: readonly string[]): SafeHtml {
  const strong = names.map((name) => html`<strong>${name}</strong>`);
  if (strong.length <= 1) return html`${strong}`;
  return html`${strong.slice(0, -1).map((name, index) => (index === 0 ? name : html`, ${name}`))} and ${strong.at(-1)}`;
}

function scopeItem(scope: ConsentScope): SafeHtml {
  const unlocks = scope.unlocks?.length
    ? html`<div class="unlocks"><span class="unlocks-label">Unlocks</span><ul>${scope.unlocks.map((item) => html`<li><code>${item}</code></li>`)}</ul></div>`
    : '';
  return html`<li><span class="scope-description">${scope.description}</span> <span class="scope-name">${scope.name}</span>${scope.isNew ? html` <span class="scope-new">new</span>` : ''}${unlocks}</li>`;
}

function resourceSection(resource: ConsentResource): SafeHtml {
  return html`
<section class="resource">
  <h3>${resource.name}</h3>
  <p class="resource-uri mono">${resource.uri}</p>
  <ul class="scopes">${resource.scopes.map(scopeItem)}</ul>
</section>`;
}

function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

/**
 * MCP 2026-07-28 Security Considerations §Localhost Redirect URI Risks and §Confused Deputy
 * Problem: the person sees who asks,
 * where the answer will be sent, which server it unlocks and what each permission allows.
 */
export function renderConsentPage(input: ConsentPageInput): string {
  const resourceNames = input.resources.map((resource) => resource.name);
  const target = redirectTarget(input.redirectUri);
  const clientHost = input.client.uri ? webHost(input.client.uri) : undefined;
  const body = html`
<p class="account">Signed in as <strong>${input.accountName}</strong></p>
<h1><strong class="client-name">${input.client.name}</strong> wants to access ${resourceNames.length ? namesInWords(resourceNames) : 'your account'} on your behalf</h1>
<p class="small muted">Name given by the app, not verified. Client ID <span class="mono">${input.client.id}</span></p>
<dl class="facts">
  <div><dt>Sends you back to</dt><dd class="mono">${target}</dd></div>
  ${clientHost ? html`<div><dt>App's website</dt><dd class="mono">${clientHost}</dd></div>` : ''}
</dl>
${
  input.redirectHostOnlyLoopback
    ? html`<div class="notice warning"><strong>This app runs on this computer.</strong> It receives the answer at a loopback address (<span class="mono">${target}</span>). Only allow it if you started this app yourself just now.</div>`
    : ''
}
<h2>It will be able to</h2>
${input.resources.map(resourceSection)}
${
  input.offlineAccess
    ? html`<p class="offline"><strong>Stay signed in:</strong> the app may refresh its access without asking you again.</p>`
    : ''
}
<div class="actions">
  <form method="post" action="${input.denyAction}">
    ${csrfField(input.csrfToken)}
    <button type="submit">Deny</button>
  </form>
  <form method="post" action="${input.formAction}" class="grow">
    ${csrfField(input.csrfToken)}
    <button type="submit" class="primary">Allow</button>
  </form>
</div>
<p class="small muted"><a href="/account">Manage connected apps</a></p>`;
  return layout({
    title: 'Allow access?',
    body,
    ...(input.issuerHost ? { issuerHost: input.issuerHost } : {}),
  });
}
