import { readFileSync } from 'node:fs';

/** Where the pages' one stylesheet is served, from the AS's own origin (CSP `style-src 'self'`). */
export const STYLESHEET_PATH = '/interaction-assets/styles.css';

/**
 * The stylesheet of the sign-in, consent and error pages: a CSS file of the package
 * (`assets/interaction-styles.css`, beside `src/` and `dist/`, so both find it at the same
 * place), read once when the server starts.
 */
export const interactionStylesheet = readFileSync(
  new URL('../../assets/interaction-styles.css', import.meta.url),
  'utf8',
);
