export { type ConsentPageInput, renderConsentPage } from './consent-page.ts';
export { renderErrorPage } from './error-page.ts';
export { escapeHtml, html, type SafeHtml, STYLESHEET_URL } from './html.ts';
export { type LoginPageInput, renderLoginPage } from './login-page.ts';
export { interactionStylesheet } from './styles.ts';
