export type { AccountPageApp, AccountPageInput, AccountSignInPageInput } from './account-page.ts';
export {
  ACCOUNT_ACTIONS,
  ACCOUNT_SIGN_IN_ACTION,
  renderAccountPage,
  renderAccountSignInPage,
} from './account-page.ts';
export { clientNameToShow, displayableClientName, MAX_CLIENT_NAME_LENGTH } from './client-supplied-text.ts';
export type { ConsentPageInput, ConsentResource, ConsentScope } from './consent-page.ts';
export { renderConsentPage } from './consent-page.ts';
export type { ErrorPageInput } from './error-page.ts';
export { renderErrorPage } from './error-page.ts';
export type { HtmlValue, LayoutInput, SafeHtml } from './html.ts';
export { escapeHtml, html, layout, PRODUCT_NAME } from './html.ts';
export type { LoginPageInput } from './login-page.ts';
export { renderLoginPage } from './login-page.ts';
export { interactionStylesheet, STYLESHEET_PATH } from './stylesheet.ts';
