/**
 * What the trace shows of secrets: never a whole one. Access and refresh tokens, codes, the PKCE
 * verifier, client secrets and assertions, passwords, cookies, session ids, `state`, and the
 * Authorization and DPoP headers are shortened to their first characters and their length:
 * enough to tell two apart, never enough to use. Headers are shown from a short list only.
 */

const SHOWN_CHARACTERS = 6;

export function shortenSecret(value: string): string {
  // A short value would be mostly shown: only its length then.
  const shown = value.length > 2 * SHOWN_CHARACTERS ? value.slice(0, SHOWN_CHARACTERS) : '';
  return `${shown}…(${value.length} chars)`;
}

/** Parameter and JSON member names whose values are secrets or one-time values. */
const SECRET_NAMES = new Set([
  'code',
  'state',
  'password',
  'sessionid',
  'session_id',
  'device_code',
  'user_code',
]);

/** `access_token`, `refresh_token`, `id_token`, `client_secret`, `code_verifier`, `client_assertion`, … */
const SECRET_SUFFIX = /(?:^|_)(?:token|secret|password|verifier|assertion)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAMES.has(name.toLowerCase()) || SECRET_SUFFIX.test(name);
}

/** Form or query parameters as an object, secrets shortened. */
export function redactParameters(params: URLSearchParams): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [name, value] of params) shown[name] = isSecretName(name) ? shortenSecret(value) : value;
  return shown;
}

/** A URL for display: secret query parameters shortened, the rest decoded for reading. */
export function redactUrl(url: URL): string {
  const base = `${url.origin}${url.pathname}`;
  const query = Object.entries(redactParameters(url.searchParams));
  return query.length === 0 ? base : `${base}?${query.map(([name, value]) => `${name}=${value}`).join('&')}`;
}

/** A JSON value with every string under a secret member name shortened (nesting bounded). */
export function redactJson(value: unknown, depth = 0): unknown {
  if (depth > 8) return '…';
  if (Array.isArray(value)) return value.map((item) => redactJson(item, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const shown: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(value)) {
    shown[name] =
      isSecretName(name) && typeof member === 'string'
        ? shortenSecret(member)
        : redactJson(member, depth + 1);
  }
  return shown;
}

/** The headers worth seeing in a sign-in; each shown with its secret part shortened. */
const SHOWN_HEADERS: Readonly<Record<string, (value: string) => string>> = {
  authorization: credentials,
  dpop: shortenSecret,
  cookie: (value) => value.split(/;\s*/).map(cookiePair).join('; '),
  'www-authenticate': (value) => value,
  location: (value) => {
    const url = URL.parse(value);
    return url ? redactUrl(url) : value;
  },
  'mcp-session-id': shortenSecret,
  'mcp-protocol-version': (value) => value,
  'retry-after': (value) => value,
};

/** `Bearer abcdef…(43 chars)`: the scheme teaches, the credential is a secret. */
function credentials(value: string): string {
  const match = /^(\S+)\s+(.+)$/.exec(value);
  return match?.[1] && match[2] ? `${match[1]} ${shortenSecret(match[2])}` : shortenSecret(value);
}

function cookiePair(pair: string): string {
  const equals = pair.indexOf('=');
  return equals < 0
    ? shortenSecret(pair)
    : `${pair.slice(0, equals)}=${shortenSecret(pair.slice(equals + 1))}`;
}

export function redactHeaders(headers: Headers): Record<string, string> | undefined {
  const shown: Record<string, string> = {};
  for (const [name, show] of Object.entries(SHOWN_HEADERS)) {
    const value = headers.get(name);
    if (value !== null) shown[name] = show(value);
  }
  // Each Set-Cookie is one cookie: its name, and its value shortened (attributes left out).
  const cookies = headers.getSetCookie().map((cookie) => cookiePair(cookie.split(';', 1)[0] ?? ''));
  if (cookies.length > 0) shown['set-cookie'] = cookies.join(', ');
  return Object.keys(shown).length > 0 ? shown : undefined;
}
