import { webHost } from './display-url.ts';
import { html, layout } from './html.ts';

export interface LoginPageInput {
  readonly formAction: string;
  /** Where "Cancel" posts: ends the request with `access_denied` for the app. */
  readonly abortAction: string;
  readonly csrfToken: string;
  /** Self-declared by the client at registration: shown as a claim, not a fact. */
  readonly clientName: string;
  readonly clientUri?: string;
  /** What the person typed last time, so a wrong password does not cost them the username too. */
  readonly username?: string;
  readonly error?: string;
  /** Only on a loopback development issuer. */
  readonly demoAccountHint?: { readonly username: string; readonly password: string };
  readonly issuerHost?: string;
}

const ERROR_ID = 'sign-in-error';

export function renderLoginPage(input: LoginPageInput): string {
  const clientHost = input.clientUri ? webHost(input.clientUri) : undefined;
  // After a failed attempt the username is kept, so the cursor belongs in the password field.
  const focusPassword = Boolean(input.username);
  const errorAttributes = input.error ? html` aria-invalid="true" aria-describedby="${ERROR_ID}"` : '';
  const body = html`
<h1>Sign in</h1>
<p class="lead">to continue to <strong class="client-name">${input.clientName}</strong></p>
<p class="small muted">Name given by the app, not verified${clientHost ? html` · website <span class="mono">${clientHost}</span>` : ''}</p>
${input.error ? html`<div class="notice error" role="alert" id="${ERROR_ID}">${input.error}</div>` : ''}
${
  input.demoAccountHint
    ? html`<div class="notice hint"><strong>Development server:</strong> demo account <code>${input.demoAccountHint.username}</code> / <code>${input.demoAccountHint.password}</code></div>`
    : ''
}
<form method="post" action="${input.formAction}" class="stack">
  <input type="hidden" name="csrf" value="${input.csrfToken}">
  <div class="field">
    <label for="username">Username</label>
    <input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" autocorrect="off" spellcheck="false" required value="${input.username ?? ''}"${focusPassword ? '' : html` autofocus`}>
  </div>
  <div class="field">
    <label for="password">Password</label>
    <input type="password" id="password" name="password" autocomplete="current-password" required${errorAttributes}${focusPassword ? html` autofocus` : ''}>
  </div>
  <button type="submit" class="primary wide">Sign in</button>
</form>
<form method="post" action="${input.abortAction}" class="secondary-action">
  <input type="hidden" name="csrf" value="${input.csrfToken}">
  <button type="submit" class="quiet">Cancel</button>
</form>
<p class="small muted"><a href="/account">Manage your connected apps</a></p>`;
  return layout({ title: 'Sign in', body, ...(input.issuerHost ? { issuerHost: input.issuerHost } : {}) });
}
