import fc from 'fast-check';
import { junkText } from './hostile-values.ts';
import type { Text } from './request-draft.ts';

/** Generic generators of hostile header lines: Host, Origin, Authorization, media types, proxies. */

export type HeaderList = Array<readonly [string, Text]>;

/** A foreign, empty, odd or repeated `Host` (or none); `goodHosts` are the ones the server is reached under. */
export function oddHostHeaders(goodHosts: readonly string[]): fc.Arbitrary<HeaderList> {
  const good = fc.constantFrom(...goodHosts);
  const odd = fc.constantFrom(
    'evil.example',
    'localhost',
    'localhost:1',
    '',
    'user@localhost',
    '127.0.0.1.nip.io',
    'localhost:80:80',
    '[::1',
    'LOCALHOST',
  );
  return fc.oneof(
    good.map((host): HeaderList => [['Host', host.toUpperCase()]]),
    good.map((host): HeaderList => [['Host', `${host}.`]]),
    { weight: 3, arbitrary: odd.map((host): HeaderList => [['Host', host]]) },
    fc.constant<HeaderList>([]),
    fc.tuple(good, odd).map(
      ([first, second]): HeaderList => [
        ['Host', first],
        ['Host', second],
      ],
    ),
  );
}

/** An `Origin` (our own, a loopback one, `null` or a foreign one) or a `Sec-Fetch-Site`. */
export function originHeaders(goodOrigins: readonly string[]): fc.Arbitrary<HeaderList> {
  const origin = fc.constantFrom(
    ...goodOrigins,
    'null',
    'https://evil.example',
    'http://localhost:1',
    'http://127.0.0.1:9',
    'http://[::1]:2',
    'http://localhost.evil.example',
    'file://',
    'http://',
    'not an origin',
    '',
  );
  return fc.oneof(
    { weight: 2, arbitrary: origin.map((value): HeaderList => [['Origin', value]]) },
    fc
      .constantFrom('same-origin', 'cross-site', 'same-site', 'none', 'junk')
      .map((site): HeaderList => [['Sec-Fetch-Site', site]]),
  );
}

const b64 = (text: string) => Buffer.from(text, 'latin1').toString('base64');

/** `Authorization` in every malformed form we could think of (RFC 6750 §2.1, RFC 7617). */
export const malformedAuthorization: fc.Arbitrary<HeaderList> = fc.oneof(
  fc
    .constantFrom(
      'Bearer',
      'Bearer ',
      'Bearer  ',
      'bearer abc',
      'BEARER abc',
      'Bearer abc def',
      'Bearer a,b',
      'Bearer ab=cd',
      'Bearer ===',
      'Bearer \u00e9t\u00e9',
      'Bearer \u0000',
      'Bearer\tabc',
      `Bearer ${'A'.repeat(12_000)}`,
      `Bearer eyJhbGciOiJIUzI1NiJ9.${b64('{"sub":"x"}').replaceAll('=', '')}.c2ln`,
      'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.',
      'Bearer a.b.c',
      'Basic',
      'Basic ',
      'Basic !!!',
      `Basic ${b64('nocolon')}`,
      `Basic ${b64(':')}`,
      `Basic ${b64('a:b:c')}`,
      `Basic ${b64('%zz:%zz')}`,
      `Basic ${b64('\u00ff\u00fe:\u0000')}`,
      `Basic ${b64(`${'a'.repeat(5000)}:b`)}`,
      'Digest username="a"',
      'DPoP abc',
      'Negotiate YII=',
      'Token token="abc"',
      ',',
      '',
    )
    .map((value): HeaderList => [['Authorization', value]]),
  junkText.map((value): HeaderList => [['Authorization', value]]),
  fc.constant<HeaderList>([
    ['Authorization', 'Bearer abc'],
    ['Authorization', 'Bearer def'],
  ]),
);

/** A wrong, odd or missing media type (and charsets that lie). */
export const oddContentTypeHeaders: fc.Arbitrary<HeaderList> = fc
  .option(
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-16',
      'application/json; charset=iso-8859-1',
      'APPLICATION/JSON',
      'application/jsonx',
      'application/x-www-form-urlencoded',
      'application/x-www-form-urlencoded; charset=shift_jis',
      'multipart/form-data; boundary=----x',
      'text/plain',
      'text/event-stream',
      'application/octet-stream',
      ';;;',
      '',
      'application/json, text/plain',
    ),
    { freq: 5 },
  )
  .map((value): HeaderList => (value === null ? [] : [['Content-Type', value]]));

/** What MCP and OAuth clients send. */
export const usualAcceptHeaders: fc.Arbitrary<HeaderList> = fc
  .constantFrom(undefined, 'application/json, text/event-stream', 'application/json', '*/*')
  .map((value): HeaderList => (value === undefined ? [] : [['Accept', value]]));

export const oddAcceptHeaders: fc.Arbitrary<HeaderList> = fc
  .constantFrom(
    'text/event-stream',
    'text/html',
    'text/html, application/json;q=0.1',
    'application/json;q=0, text/event-stream;q=0',
    '',
    'x',
  )
  .map((value): HeaderList => [['Accept', value]]);

/** Headers a hostile client or a misconfigured proxy adds. */
export const extraHeaders: fc.Arbitrary<HeaderList> = fc
  .array(
    fc.oneof(
      fc.tuple(
        fc.constantFrom('X-Forwarded-For', 'X-Forwarded-Proto', 'X-Forwarded-Host', 'Forwarded', 'X-Real-IP'),
        fc.oneof(
          fc.constantFrom(
            '127.0.0.1',
            '10.0.0.1, 127.0.0.1',
            'https',
            'gopher',
            'evil.example',
            'for=1.2.3.4;proto=https',
            '::1',
            'unknown',
          ),
          junkText,
        ),
      ),
      fc.tuple(
        fc.constantFrom(
          'Cookie',
          'Expect',
          'Range',
          'If-None-Match',
          'User-Agent',
          'Referer',
          'TE',
          'Upgrade',
        ),
        fc.oneof(
          fc.constantFrom(
            '_interaction=abc; _session=def',
            '100-continue',
            'bytes=0-1,2-3',
            '*',
            'trailers',
            'websocket',
          ),
          junkText,
        ),
      ),
      fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,30}$/), junkText),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((pairs): HeaderList => pairs.map(([name, value]) => [name, value] as const));
