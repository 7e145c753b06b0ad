/**
 * Characters that change how the text around them reads without being seen themselves: C0 and
 * C1 controls (line breaks, terminal escapes, NUL), bidirectional marks, embeddings, overrides and
 * isolates (Unicode Standard Annex #9: `Good App\u202E moc.live` reads "Good App evil.com"),
 * zero-width spaces and joiners, word joiners and the byte order mark.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what it removes
const UNSEEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Longest client name a page shows: enough for any real app's name, short of a wall of text. */
export const MAX_CLIENT_NAME_LENGTH = 60;

/**
 * A name a client gave itself (RFC 7591 `client_name`, or a Client ID Metadata Document's), made
 * fit to show a person deciding whether to trust it: characters that hide or reorder text become
 * spaces, runs of spaces one, and a name longer than `MAX_CLIENT_NAME_LENGTH` characters is cut,
 * ending in "…" so that the cut shows. Escaping is still the page's job (pages/html.ts); an
 * empty result means the name says nothing, and the caller shows the client id instead.
 */
export function displayableClientName(name: string): string {
  const visible = name.replace(UNSEEN, ' ').replace(/\s+/g, ' ').trim();
  const characters = [...visible];
  if (characters.length <= MAX_CLIENT_NAME_LENGTH) return visible;
  return `${characters
    .slice(0, MAX_CLIENT_NAME_LENGTH - 1)
    .join('')
    .trimEnd()}…`;
}

/** What the pages call a client: its cleaned name, else (no name, or nothing visible in it) its id. */
export function clientNameToShow(clientName: string | undefined, clientId: string): string {
  return displayableClientName(clientName ?? '') || clientId;
}
