import fc from 'fast-check';

/**
 * Ways to spell a known path on the wire. Routing by path is where proxies and servers disagree
 * (RFC 3986 §5.2.4 dot segments, §2.1 percent-encoding; RFC 9112 §3.2 request-target forms), so
 * every endpoint is also reached, or missed, through these.
 */
export type PathSpelling =
  | { readonly kind: 'as-is' }
  | { readonly kind: 'trailing-slash' }
  | { readonly kind: 'double-slash' }
  | { readonly kind: 'upper-case' }
  /** Percent-encodes one character (upper- or lower-case hex). */
  | { readonly kind: 'percent-encode'; readonly index: number; readonly lower: boolean }
  | { readonly kind: 'encoded-slashes' }
  | { readonly kind: 'dot-segments'; readonly form: '/x/..' | '/.' | '/%2e%2e' | '/%2E/' | '/..;' }
  | { readonly kind: 'matrix-parameter' }
  | { readonly kind: 'backslashes' }
  /** RFC 9112 §3.2.2 absolute-form, with some authority (ours or another). */
  | { readonly kind: 'absolute-form'; readonly authority: string }
  | { readonly kind: 'asterisk' }
  | { readonly kind: 'very-long'; readonly length: number }
  | { readonly kind: 'fragment' }
  | { readonly kind: 'null-byte'; readonly encoded: boolean }
  | { readonly kind: 'non-ascii'; readonly encoded: boolean }
  | { readonly kind: 'no-leading-slash' }
  | { readonly kind: 'empty' };

export function applySpelling(path: string, spelling: PathSpelling): string {
  switch (spelling.kind) {
    case 'as-is':
      return path;
    case 'trailing-slash':
      return `${path}/`;
    case 'double-slash':
      return `/${path}`.replace(/\/(?=[^/])/g, '//').replace(/^\/\/\//, '//');
    case 'upper-case':
      return path.toUpperCase();
    case 'percent-encode': {
      const index = path.length > 1 ? 1 + (spelling.index % (path.length - 1)) : 0;
      const char = path[index] ?? 'a';
      const hex = char.charCodeAt(0).toString(16).padStart(2, '0');
      return `${path.slice(0, index)}%${spelling.lower ? hex.toLowerCase() : hex.toUpperCase()}${path.slice(index + 1)}`;
    }
    case 'encoded-slashes':
      return `/${path.slice(1).replaceAll('/', '%2F')}`;
    case 'dot-segments': {
      const cut = path.lastIndexOf('/');
      return `${path.slice(0, cut)}${spelling.form}${path.slice(cut)}`;
    }
    case 'matrix-parameter':
      return `${path};jsessionid=fuzz`;
    case 'backslashes':
      return path.replaceAll('/', '\\');
    case 'absolute-form':
      return `http://${spelling.authority}${path}`;
    case 'asterisk':
      return '*';
    case 'very-long':
      return `${path}/${'a'.repeat(spelling.length)}`;
    case 'fragment':
      return `${path}#fragment`;
    case 'null-byte':
      return spelling.encoded ? `${path}%00` : `${path}\u0000`;
    case 'non-ascii':
      return spelling.encoded ? `${path}%C3%A9%E2%80%AE` : `${path}é\u202e`;
    case 'no-leading-slash':
      return path.replace(/^\/+/, '');
    case 'empty':
      return '';
  }
}

/** One of the odd spellings; `authorities` are the server's own, for the absolute form. */
export function oddPathSpelling(authorities: readonly string[]): fc.Arbitrary<PathSpelling> {
  return fc.oneof(
    fc.constant({ kind: 'trailing-slash' } as const),
    fc.constant({ kind: 'double-slash' } as const),
    fc.constant({ kind: 'upper-case' } as const),
    fc.record({ kind: fc.constant('percent-encode' as const), index: fc.nat(64), lower: fc.boolean() }),
    fc.constant({ kind: 'encoded-slashes' } as const),
    fc.record({
      kind: fc.constant('dot-segments' as const),
      form: fc.constantFrom('/x/..', '/.', '/%2e%2e', '/%2E/', '/..;') as fc.Arbitrary<
        '/x/..' | '/.' | '/%2e%2e' | '/%2E/' | '/..;'
      >,
    }),
    fc.constant({ kind: 'matrix-parameter' } as const),
    fc.constant({ kind: 'backslashes' } as const),
    fc.record({
      kind: fc.constant('absolute-form' as const),
      authority: fc.constantFrom(...authorities, 'evil.example', 'localhost:1'),
    }),
    fc.constant({ kind: 'asterisk' } as const),
    // Past Node's 16 KiB limit for the request head, too (431).
    fc.record({
      kind: fc.constant('very-long' as const),
      length: fc.oneof(fc.nat(4096), fc.constant(20_000)),
    }),
    fc.constant({ kind: 'fragment' } as const),
    fc.record({ kind: fc.constant('null-byte' as const), encoded: fc.boolean() }),
    fc.record({ kind: fc.constant('non-ascii' as const), encoded: fc.boolean() }),
    fc.constant({ kind: 'no-leading-slash' } as const),
    fc.constant({ kind: 'empty' } as const),
  );
}
