/**
 * The one stylesheet of the sign-in, consent and error pages, served from our own origin so the
 * CSP can say `style-src 'self'` (no inline styles, no external fonts or assets).
 */
export const interactionStylesheet = `
:root {
  color-scheme: light dark;
  --bg: #f4f5f7; --card: #ffffff; --text: #1b1f24; --muted: #5a6270; --border: #d8dce2;
  --accent: #2f5bd3; --accent-text: #ffffff; --accent-hover: #2549ad;
  --warn-bg: #fff6e0; --warn-border: #e5b345; --warn-text: #5c4300;
  --error-bg: #fdecec; --error-border: #d9534f; --error-text: #7a1d1a;
  --focus: #ffbf47;
  --radius: 12px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  line-height: 1.5;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #111418; --card: #1b2027; --text: #e8ebef; --muted: #a3acb9; --border: #323a45;
    --accent: #7196ff; --accent-text: #0b1020; --accent-hover: #94b0ff;
    --warn-bg: #3a2f12; --warn-border: #a8842c; --warn-text: #ffe3a1;
    --error-bg: #3b1a1a; --error-border: #c0504d; --error-text: #ffc9c7;
  }
}
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; background: var(--bg); color: var(--text); display: flex; flex-direction: column; align-items: center; }
.site-header { width: 100%; max-width: 34rem; display: flex; justify-content: space-between; align-items: center; gap: 1rem; padding: 1.25rem 1rem 0.75rem; font-size: 0.9rem; color: var(--muted); flex-wrap: wrap; }
.brand { font-weight: 600; color: var(--text); display: inline-flex; align-items: center; gap: 0.5rem; }
.brand-mark { width: 1rem; height: 1rem; border-radius: 4px; background: var(--accent); display: inline-block; }
.issuer { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.8rem; }
.card { width: calc(100% - 2rem); max-width: 32rem; background: var(--card); border: 1px solid var(--border); border-radius: var(--radius); padding: 1.75rem; box-shadow: 0 1px 3px rgb(0 0 0 / 8%); }
.site-footer { color: var(--muted); font-size: 0.8rem; padding: 1.25rem 1rem 2rem; }
h1 { font-size: 1.4rem; line-height: 1.3; margin: 0 0 0.5rem; }
h2 { font-size: 1rem; margin: 1.25rem 0 0.5rem; }
p { margin: 0.5rem 0; }
.lead { color: var(--muted); margin-bottom: 1.25rem; }
.muted, .small { color: var(--muted); }
.small { font-size: 0.85rem; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; overflow-wrap: anywhere; }
label { display: block; font-weight: 600; margin: 1rem 0 0.35rem; }
input[type="text"], input[type="password"] { width: 100%; font: inherit; padding: 0.65rem 0.75rem; border: 1px solid var(--border); border-radius: 8px; background: var(--bg); color: var(--text); }
button { font: inherit; font-weight: 600; border-radius: 8px; padding: 0.7rem 1.2rem; cursor: pointer; border: 1px solid var(--border); background: transparent; color: var(--text); min-height: 2.75rem; }
button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-text); }
button.primary:hover { background: var(--accent-hover); border-color: var(--accent-hover); }
button:hover { border-color: var(--muted); }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.actions { display: flex; gap: 0.75rem; margin-top: 1.5rem; flex-wrap: wrap; }
.actions form { margin: 0; }
.actions .grow { flex: 1 1 auto; }
.actions .grow button { width: 100%; }
.notice { border-radius: 8px; padding: 0.75rem 1rem; margin: 1rem 0; border: 1px solid; }
.notice.warning { background: var(--warn-bg); border-color: var(--warn-border); color: var(--warn-text); }
.notice.error { background: var(--error-bg); border-color: var(--error-border); color: var(--error-text); }
.notice.hint { background: var(--bg); border-color: var(--border); color: var(--text); }
.notice strong { display: block; margin-bottom: 0.15rem; }
.facts { margin: 1rem 0; padding: 0; list-style: none; border: 1px solid var(--border); border-radius: 8px; }
.facts li { padding: 0.65rem 0.9rem; border-top: 1px solid var(--border); display: grid; grid-template-columns: 8rem 1fr; gap: 0.5rem; }
.facts li:first-child { border-top: 0; }
.facts .label { color: var(--muted); font-size: 0.9rem; }
.scopes { list-style: none; padding: 0; margin: 0.5rem 0 0; }
.scopes > li { padding: 0.6rem 0; border-top: 1px solid var(--border); }
.scopes > li:first-child { border-top: 0; }
.scope-name { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.8rem; color: var(--muted); margin-left: 0.4rem; }
.unlocks { margin: 0.35rem 0 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: 0.35rem; }
.unlocks li code { display: inline-block; padding: 0.1rem 0.45rem; border-radius: 6px; background: var(--bg); border: 1px solid var(--border); }
.resource { margin-top: 1rem; }
@media (max-width: 30rem) {
  .card { padding: 1.25rem; }
  .facts li { grid-template-columns: 1fr; gap: 0.1rem; }
  .actions { flex-direction: column-reverse; }
  .actions form, .actions button { width: 100%; }
}
`;
