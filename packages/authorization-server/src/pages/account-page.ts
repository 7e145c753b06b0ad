import { html, layout, type SafeHtml } from './html.ts';

/** One connected app as the page shows it; every text in it may come from the app. */
export interface AccountPageApp {
  readonly grantId: string;
  readonly clientId: string;
  /** Self-declared by the app; made fit to show (client-supplied-text.ts), else its id. */
  readonly name: string;
  /** How the app came to be known to this server. */
  readonly registration: 'pre-registered' | 'client-id-metadata-document' | 'dynamic';
  readonly resources: readonly {
    readonly uri: string;
    readonly name: string;
    readonly scopes: readonly { readonly name: string; readonly description: string }[];
  }[];
  /** OpenID Connect scopes, e.g. `offline_access` (it may refresh without asking again). */
  readonly openidScopes: readonly string[];
  /** ISO 8601. */
  readonly grantedAt: string | null;
  /** ISO 8601 to the hour: when it last got tokens with this grant. */
  readonly lastUsedAt: string | null;
}

export interface AccountPageInput {
  readonly username: string;
  readonly apps: readonly AccountPageApp[];
  readonly csrfToken: string;
  /** What the last action did, in words we wrote (never text from the request). */
  readonly notice?: string;
  readonly error?: string;
  readonly issuerHost?: string;
}

/** Where the account page's forms post. */
export const ACCOUNT_ACTIONS = {
  disconnect: '/account/disconnect',
  password: '/account/password',
  signOutEverywhere: '/account/sign-out-everywhere',
} as const;

const REGISTRATION_IN_WORDS: Readonly<Record<AccountPageApp['registration'], string>> = {
  'pre-registered': 'Pre-registered by the administrator',
  'client-id-metadata-document': 'Client ID Metadata Document (its client id is the URL)',
  dynamic: 'Registered itself (dynamic client registration)',
};

function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

/** `2026-11-28T12:00:00.000Z` → `2026-11-28 12:00 UTC`. */
function when(iso: string | null, otherwise: string): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : otherwise;
}

function appSection(app: AccountPageApp, csrfToken: string): SafeHtml {
  return html`
<section class="resource connected-app">
  <h3><strong class="client-name">${app.name}</strong></h3>
  <p class="small muted">Name given by the app, not verified. Client ID <span class="mono">${app.clientId}</span></p>
  <dl class="facts">
    <div><dt>Registered</dt><dd>${REGISTRATION_IN_WORDS[app.registration]}</dd></div>
    <div><dt>Allowed</dt><dd>${when(app.grantedAt, 'unknown')}</dd></div>
    <div><dt>Last used</dt><dd>${when(app.lastUsedAt, 'not since it was allowed')}</dd></div>
  </dl>
  ${app.resources.map(
    (resource) => html`
  <p><strong>${resource.name}</strong> <span class="resource-uri mono">${resource.uri}</span></p>
  <ul class="scopes">${resource.scopes.map((scope) => html`<li><span class="scope-description">${scope.description}</span> <span class="scope-name">${scope.name}</span></li>`)}</ul>`,
  )}
  ${app.openidScopes.includes('offline_access') ? html`<p class="offline small">It may refresh its access without asking you again.</p>` : ''}
  <form method="post" action="${ACCOUNT_ACTIONS.disconnect}">
    ${csrfField(csrfToken)}
    <input type="hidden" name="grant" value="${app.grantId}">
    <button type="submit">Disconnect ${app.name}</button>
  </form>
</section>`;
}

/**
 * `/account`: the apps a person allowed, each with a Disconnect button; changing the password;
 * signing out everywhere. Every form posts with the page's CSRF token; nothing here links to a
 * URL an app gave (pages/html.ts).
 */
export function renderAccountPage(input: AccountPageInput): string {
  const body = html`
<p class="account">Signed in as <strong>${input.username}</strong></p>
<h1>Connected apps</h1>
${input.notice ? html`<div class="notice hint" role="status">${input.notice}</div>` : ''}
${input.error ? html`<div class="notice error" role="alert">${input.error}</div>` : ''}
${
  input.apps.length === 0
    ? html`<p class="muted">No app is connected to your account.</p>`
    : html`<p class="small muted">Disconnecting an app stops its access at once; it has to ask you again.</p>${input.apps.map((app) => appSection(app, input.csrfToken))}`
}
<h2>Change password</h2>
<form method="post" action="${ACCOUNT_ACTIONS.password}" class="stack">
  ${csrfField(input.csrfToken)}
  <input type="text" name="username" autocomplete="username" value="${input.username}" hidden>
  <div class="field">
    <label for="current-password">Current password</label>
    <input type="password" id="current-password" name="current" autocomplete="current-password" required>
  </div>
  <div class="field">
    <label for="new-password">New password</label>
    <input type="password" id="new-password" name="new" autocomplete="new-password" minlength="8" required>
  </div>
  <div class="field">
    <label for="repeat-password">New password again</label>
    <input type="password" id="repeat-password" name="repeat" autocomplete="new-password" minlength="8" required>
  </div>
  <button type="submit" class="primary">Change password</button>
  <p class="small muted">Every other browser signed in as you is signed out.</p>
</form>
<h2>Sign out everywhere</h2>
<form method="post" action="${ACCOUNT_ACTIONS.signOutEverywhere}" class="stack">
  ${csrfField(input.csrfToken)}
  <p class="small muted">Ends your sign-in in every browser, this one too. Connected apps stay connected: disconnect them above.</p>
  <button type="submit">Sign out everywhere</button>
</form>`;
  return layout({
    title: 'Your account',
    body,
    ...(input.issuerHost ? { issuerHost: input.issuerHost } : {}),
  });
}

export interface AccountSignInPageInput {
  readonly csrfToken: string;
  readonly username?: string;
  readonly error?: string;
  readonly notice?: string;
  readonly issuerHost?: string;
}

export const ACCOUNT_SIGN_IN_ACTION = '/account/sign-in';

/** `/account` for a browser not signed in: sign in, then the account page. */
export function renderAccountSignInPage(input: AccountSignInPageInput): string {
  const body = html`
<h1>Sign in</h1>
<p class="lead">to manage the apps connected to your account</p>
${input.notice ? html`<div class="notice hint" role="status">${input.notice}</div>` : ''}
${input.error ? html`<div class="notice error" role="alert">${input.error}</div>` : ''}
<form method="post" action="${ACCOUNT_SIGN_IN_ACTION}" class="stack">
  ${csrfField(input.csrfToken)}
  <div class="field">
    <label for="username">Username</label>
    <input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" autocorrect="off" spellcheck="false" required value="${input.username ?? ''}">
  </div>
  <div class="field">
    <label for="password">Password</label>
    <input type="password" id="password" name="password" autocomplete="current-password" required>
  </div>
  <button type="submit" class="primary wide">Sign in</button>
</form>`;
  return layout({
    title: 'Sign in to your account',
    body,
    ...(input.issuerHost ? { issuerHost: input.issuerHost } : {}),
  });
}
