import fc from 'fast-check';
import type { BodyFraming } from './raw-http.ts';
import type { DraftBody, Text } from './request-draft.ts';

/**
 * Generic generators of hostile HTTP values: strings, methods, query strings, bodies, framing.
 * Each package's fuzz test combines them with its endpoints and credentials (scenario-drafts.ts).
 */

/** Strings that break parsers: encodings, injections, numbers, huge and empty values. */
export const junkText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '%',
      '%zz',
      '%00',
      '%C0%AE',
      '\u0000',
      'null',
      '[]',
      '{}',
      '-1',
      '1e309',
      'NaN',
      "' OR '1'='1",
      '<script>alert(1)</script>',
      '../../etc/passwd',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a log-injection payload, sent as it is
      '${jndi:ldap://127.0.0.1:1/a}',
      'https://evil.example/callback',
      'http://127.0.0.1:1/x',
      'a\r\nX-Injected: 1',
      '__proto__',
      'constructor',
      '\u202e\ufeff\ud800',
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 70_000 }).map((length) => 'x'.repeat(length)) },
);

export const anyMethod: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS') },
  { weight: 1, arbitrary: fc.constantFrom('TRACE', 'PROPFIND', 'MKCOL', 'QUERY', 'CONNECT', 'M-SEARCH') },
  // Not methods at all: the server's HTTP parser must refuse them.
  { weight: 1, arbitrary: fc.constantFrom('get', 'post', 'G E T', '', 'POST\u0000', 'X'.repeat(300)) },
);

/** Three base64url parts that look like a JWT (RFC 7519) and are none. */
export const jwtLike: fc.Arbitrary<string> = fc
  .tuple(
    fc.base64String({ maxLength: 40 }),
    fc.base64String({ maxLength: 80 }),
    fc.base64String({ maxLength: 40 }),
  )
  .map(([head, payload, signature]) => `eyJ${head}.eyJ${payload}.${signature}`.replaceAll('=', ''));

/** A query string's pairs; names often ones the endpoint knows, values often junk. */
export function queryPairs(knownNames: readonly string[]): fc.Arbitrary<Array<readonly [string, Text]>> {
  return fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...knownNames, 'access_token'), fc.string({ maxLength: 12 })),
      junkText,
    ),
    { maxLength: 4 },
  );
}

/** Raw query strings that no encoder would produce. */
export const rawQuery: fc.Arbitrary<string> = fc.constantFrom(
  '%',
  'a=%zz',
  '=&=&=',
  'a[]=1&a[]=2&a[x]=3',
  '__proto__[polluted]=1',
  'constructor[prototype][polluted]=1',
  `a=${'b'.repeat(8000)}`,
  '&&&',
  'a=1;b=2',
  '%E0%A4%A',
);

const utf8 = (text: string) => new TextEncoder().encode(text);

/** Bodies of every kind: JSON (deep too), forms, binary junk, bytes that are not UTF-8, huge ones. */
export function junkBody(): fc.Arbitrary<DraftBody> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant<DraftBody>({ kind: 'empty' }) },
    {
      weight: 4,
      arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value): DraftBody => ({ kind: 'json', value })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({
          depth: fc.oneof(fc.integer({ min: 100, max: 5000 }), fc.constantFrom(10_000, 100_000)),
          shape: fc.constantFrom('[', '{"a":'),
        })
        .map(
          ({ depth, shape }): DraftBody => ({
            kind: 'bytes',
            bytes: utf8(
              shape === '['
                ? `${'['.repeat(depth)}${']'.repeat(depth)}`
                : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
            ),
          }),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .array(fc.tuple(fc.string({ maxLength: 12 }), junkText), { maxLength: 5 })
        .map((fields): DraftBody => ({ kind: 'form', fields })),
    },
    {
      weight: 2,
      arbitrary: fc.uint8Array({ maxLength: 2048 }).map((bytes): DraftBody => ({ kind: 'bytes', bytes })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '{"a":1',
          '{"a":1}}',
          '\ufeff{"jsonrpc":"2.0"}',
          '{"a":"\\ud800"}',
          '{"__proto__":{"polluted":true}}',
          '{"a":1,"a":2}',
          'null',
          '"string"',
          '1e999999',
          '[]',
        )
        .map((text): DraftBody => ({ kind: 'bytes', bytes: utf8(text) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom([0xff, 0xfe, 0x7b, 0x7d], [0xc0, 0xae], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80])
        .map((bytes): DraftBody => ({ kind: 'bytes', bytes: Uint8Array.from(bytes) })),
    },
    { weight: 1, arbitrary: hugeBody },
  );
}

/** Just past the limits we know (16 KiB forms, oidc-provider's bodies, 4 MiB MCP messages). */
export const hugeBody: fc.Arbitrary<DraftBody> = fc
  .record({
    size: fc.oneof(
      fc.constantFrom(16 * 1024 + 1, 56 * 1024 + 1, 4 * 1024 * 1024 + 1),
      fc.integer({ min: 16 * 1024, max: 5 * 1024 * 1024 }),
    ),
    fill: fc.constantFrom(0x61, 0x7b, 0x5b, 0x00, 0xff, 0x26),
  })
  .map(({ size, fill }): DraftBody => ({ kind: 'huge', size, fill }));

/** The lies of raw-http.ts, and chunked framing. */
export const oddFraming: fc.Arbitrary<BodyFraming> = fc.constantFrom<BodyFraming>(
  'chunked',
  'none',
  'declared-shorter',
  'declared-longer',
  'length-and-chunked',
);

export const wrongCharset: fc.Arbitrary<BufferEncoding> = fc.constantFrom<BufferEncoding>(
  'utf16le',
  'latin1',
);

export const contentTypes = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
} as const;
