import { html, layout } from './html.ts';

export interface LoginPageInput {
  readonly formAction: string;
  readonly abortAction: string;
  readonly csrfToken: string;
  /** Self-declared by the client at registration: shown as a claim, not a fact. */
  readonly clientName: string;
  readonly username?: string;
  readonly error?: string;
  /** Only on a loopback development issuer. */
  readonly demoAccountHint?: { readonly username: string; readonly password: string };
  readonly issuerHost?: string;
}

export function renderLoginPage(input: LoginPageInput): string {
  const body = html`
<h1>Sign in</h1>
<p class="lead">to continue to <strong>${input.clientName}</strong></p>
${input.error ? html`<div class="notice error" role="alert">${input.error}</div>` : ''}
${
  input.demoAccountHint
    ? html`<div class="notice hint"><strong>Development server</strong>Demo account: <code>${input.demoAccountHint.username}</code> / <code>${input.demoAccountHint.password}</code></div>`
    : ''
}
<form method="post" action="${input.formAction}" novalidate>
  <input type="hidden" name="csrf" value="${input.csrfToken}">
  <label for="username">Username</label>
  <input type="text" id="username" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${input.username ?? ''}"${input.username ? '' : html` autofocus`}>
  <label for="password">Password</label>
  <input type="password" id="password" name="password" autocomplete="current-password" required${input.username ? html` autofocus` : ''}>
  <div class="actions"><div class="grow"><button type="submit" class="primary">Sign in</button></div></div>
</form>
<form method="post" action="${input.abortAction}" class="actions">
  <input type="hidden" name="csrf" value="${input.csrfToken}">
  <button type="submit">Cancel</button>
</form>`;
  return layout({ title: 'Sign in', body, ...(input.issuerHost ? { issuerHost: input.issuerHost } : {}) });
}
