/**
 * The one stylesheet of the sign-in, consent and error pages. It is served from our own origin
 * (`/interaction-assets/styles.css`) so the CSP can say `style-src 'self'`, and it loads nothing
 * else: system fonts only, no images, no imports.
 *
 * Colour pairs meet WCAG AA: text at least 4.5:1, input borders and the focus ring at least 3:1
 * against what surrounds them, in both the light and the dark palette.
 */
export const interactionStylesheet = `
:root {
  color-scheme: light dark;
  --bg: #f3f4f6;
  --card: #ffffff;
  --text: #171a1f;
  --muted: #525b68;
  --border: #dde1e6;
  --control-border: #767f8c;
  --accent: #2450c8;
  --accent-hover: #1c3fa0;
  --accent-text: #ffffff;
  --focus: #2450c8;
  --chip-bg: #f1f3f6;
  --hint-bg: #eef3ff;
  --hint-border: #7f9de6;
  --warn-bg: #fff6db;
  --warn-border: #c99414;
  --warn-text: #4a3600;
  --error-bg: #fdeeee;
  --error-border: #d04040;
  --error-text: #7a1616;
  --radius: 14px;
  --radius-small: 8px;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 100%;
  line-height: 1.5;
  -webkit-text-size-adjust: 100%;
  text-size-adjust: 100%;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1216;
    --card: #181c22;
    --text: #e7eaee;
    --muted: #a7b0bd;
    --border: #2d343e;
    --control-border: #7a8595;
    --accent: #7aa2ff;
    --accent-hover: #9cbbff;
    --accent-text: #0a0f1e;
    --focus: #9cbbff;
    --chip-bg: #222831;
    --hint-bg: #172037;
    --hint-border: #5573c2;
    --warn-bg: #2f2610;
    --warn-border: #b08a2a;
    --warn-text: #ffe3a3;
    --error-bg: #361717;
    --error-border: #c65252;
    --error-text: #ffd0ce;
  }
}

*, *::before, *::after { box-sizing: border-box; }
html { background: var(--bg); }
body {
  margin: 0;
  min-height: 100vh;
  display: flex;
  flex-direction: column;
  align-items: center;
  padding: 0 1rem;
  background: var(--bg);
  color: var(--text);
}

/* Page frame */
.site-header {
  width: 100%;
  max-width: 34rem;
  display: flex;
  flex-wrap: wrap;
  justify-content: space-between;
  align-items: center;
  gap: 0.25rem 1rem;
  padding: 1.5rem 0.25rem 1rem;
  font-size: 0.9rem;
  color: var(--muted);
}
.brand { display: inline-flex; align-items: center; gap: 0.5rem; font-weight: 650; color: var(--text); }
.brand-mark { width: 1.35rem; height: 1.35rem; fill: var(--accent); flex: none; }
.issuer { font-family: var(--mono); font-size: 0.82rem; overflow-wrap: anywhere; }
.card {
  width: 100%;
  max-width: 34rem;
  background: var(--card);
  border: 1px solid var(--border);
  border-radius: var(--radius);
  padding: 2rem;
  box-shadow: 0 1px 2px rgb(0 0 0 / 4%), 0 8px 24px rgb(0 0 0 / 6%);
}
.site-footer { color: var(--muted); font-size: 0.8rem; padding: 1.25rem 0 2rem; text-align: center; }

/* Text */
h1 { font-size: 1.5rem; line-height: 1.3; font-weight: 650; margin: 0 0 0.5rem; overflow-wrap: anywhere; }
h1 strong { font-weight: 750; }
h2 { font-size: 0.8rem; font-weight: 650; letter-spacing: 0.06em; text-transform: uppercase; color: var(--muted); margin: 1.75rem 0 0.5rem; }
h3 { font-size: 1.05rem; margin: 0; overflow-wrap: anywhere; }
p { margin: 0.5rem 0; }
.lead { font-size: 1.05rem; margin-bottom: 0.15rem; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.small { font-size: 0.875rem; }
code, .mono { font-family: var(--mono); font-size: 0.9em; overflow-wrap: anywhere; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap;
}

/* Forms */
form { margin: 0; }
.stack { margin-top: 1.5rem; }
.field { margin-bottom: 1.1rem; }
label { display: block; font-weight: 600; margin-bottom: 0.35rem; }
input[type="text"], input[type="password"] {
  display: block;
  width: 100%;
  font: inherit;
  padding: 0.7rem 0.8rem;
  border: 1px solid var(--control-border);
  border-radius: var(--radius-small);
  background: var(--card);
  color: var(--text);
}
input[aria-invalid="true"] { border-color: var(--error-border); }
button {
  font: inherit;
  font-weight: 600;
  min-height: 2.9rem;
  padding: 0.65rem 1.4rem;
  border-radius: var(--radius-small);
  border: 1px solid var(--control-border);
  background: var(--card);
  color: var(--text);
  cursor: pointer;
}
button:hover { background: var(--chip-bg); }
button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
button.primary:hover { background: var(--accent-hover); border-color: var(--accent-hover); }
button.wide { width: 100%; margin-top: 0.4rem; }
button.quiet { border-color: transparent; background: transparent; color: var(--muted); min-height: 2.75rem; }
button.quiet:hover { color: var(--text); background: var(--chip-bg); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
input:focus-visible { outline-offset: 1px; }
.secondary-action { display: flex; justify-content: center; margin-top: 0.75rem; }
.actions { display: flex; gap: 0.75rem; margin-top: 1.75rem; }
.actions .grow { flex: 1 1 auto; }
.actions .grow button { width: 100%; }

/* Boxes */
.notice { border: 1px solid; border-radius: var(--radius-small); padding: 0.8rem 1rem; margin: 1.25rem 0; overflow-wrap: anywhere; }
.notice.warning { background: var(--warn-bg); border-color: var(--warn-border); color: var(--warn-text); border-left-width: 5px; }
.notice.error { background: var(--error-bg); border-color: var(--error-border); color: var(--error-text); border-left-width: 5px; }
.notice.hint { background: var(--hint-bg); border-color: var(--hint-border); border-style: dashed; color: var(--text); }
.notice code { font-weight: 600; display: inline-block; max-width: 100%; }

/* Consent */
.account {
  display: inline-block;
  margin: 0 0 1rem;
  padding: 0.2rem 0.75rem;
  border-radius: 1rem;
  background: var(--chip-bg);
  font-size: 0.85rem;
  color: var(--muted);
  overflow-wrap: anywhere;
}
.account strong { color: var(--text); }
.facts { margin: 1.25rem 0 0; border: 1px solid var(--border); border-radius: var(--radius-small); }
.facts > div { display: grid; grid-template-columns: 9.5rem 1fr; gap: 0.25rem 1rem; padding: 0.65rem 0.9rem; }
.facts > div + div { border-top: 1px solid var(--border); }
.facts dt { color: var(--muted); font-size: 0.9rem; }
.facts dd { margin: 0; }
.resource { border: 1px solid var(--border); border-radius: var(--radius-small); padding: 0.9rem 1rem; margin-top: 0.75rem; }
.resource-uri { color: var(--muted); font-size: 0.85rem; margin: 0.1rem 0 0; }
.scopes { list-style: none; margin: 0.6rem 0 0; padding: 0; }
.scopes > li { position: relative; padding: 0.6rem 0 0.1rem 1.6rem; border-top: 1px solid var(--border); }
.scopes > li::before {
  content: "";
  position: absolute;
  left: 0.2rem;
  top: 0.95rem;
  width: 0.7rem;
  height: 0.4rem;
  border-left: 2px solid var(--accent);
  border-bottom: 2px solid var(--accent);
  transform: rotate(-45deg);
}
.scope-name { font-family: var(--mono); font-size: 0.78rem; color: var(--muted); }
.unlocks { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem; margin: 0.4rem 0 0.4rem; }
.unlocks-label { font-size: 0.8rem; color: var(--muted); }
.unlocks ul { display: flex; flex-wrap: wrap; gap: 0.4rem; margin: 0; padding: 0; list-style: none; }
.unlocks li code {
  display: inline-block;
  padding: 0.1rem 0.5rem;
  border-radius: 6px;
  background: var(--chip-bg);
  border: 1px solid var(--border);
  font-size: 0.82rem;
}
.offline { margin-top: 1rem; padding: 0.7rem 1rem; border-radius: var(--radius-small); background: var(--chip-bg); font-size: 0.92rem; }
.steps { padding-left: 1.25rem; margin: 0.25rem 0 1rem; }
.steps li { margin: 0.35rem 0; }

/* Phones: full-width buttons, the main action on top where the thumb is */
@media (max-width: 30rem) {
  body { padding: 0 0.75rem; }
  .site-header { padding-top: 1rem; }
  .card { padding: 1.35rem 1.15rem; }
  h1 { font-size: 1.3rem; }
  .facts > div { grid-template-columns: 1fr; }
  .actions { flex-direction: column-reverse; }
  .actions button { width: 100%; }
}
@media (forced-colors: active) {
  .scopes > li::before { border-color: CanvasText; }
  .brand-mark { fill: CanvasText; }
}
`;
