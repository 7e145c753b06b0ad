import fc from 'fast-check';
import {
  extraHeaders,
  type HeaderList,
  malformedAuthorization,
  oddAcceptHeaders,
  oddContentTypeHeaders,
  oddHostHeaders,
  originHeaders,
  usualAcceptHeaders,
} from './hostile-headers.ts';
import { anyMethod, junkBody, oddFraming, queryPairs, rawQuery, wrongCharset } from './hostile-values.ts';
import { oddPathSpelling } from './path-spellings.ts';
import type { Draft, DraftBody, Text } from './request-draft.ts';

/** What one endpoint's well-formed requests look like; the generic layer then spoils some. */
export interface Scenario {
  readonly name: string;
  /** How often, relative to the others (default 2, so that 1 means half as often). */
  readonly weight?: number;
  readonly method: fc.Arbitrary<string>;
  readonly path?: fc.Arbitrary<Text>;
  readonly query?: fc.Arbitrary<Array<readonly [string, Text]>>;
  /** The endpoint's own headers: credentials, MCP headers, cookies. */
  readonly headers?: fc.Arbitrary<HeaderList>;
  readonly body?: fc.Arbitrary<DraftBody>;
  /**
   * Parts drawn together, when they must agree (an interaction's path, cookie and CSRF token
   * name the same entry of a pool); they take precedence over the separate ones.
   */
  readonly together?: fc.Arbitrary<TogetherParts>;
  /** The media type the endpoint expects, when it takes a body. */
  readonly contentType?: string;
}

export interface TogetherParts {
  readonly path?: Text;
  readonly query?: Array<readonly [string, Text]>;
  readonly headers?: HeaderList;
  readonly body?: DraftBody;
}

export interface Surroundings {
  /** `Host` values the server is reached under. */
  readonly hosts: readonly string[];
  /** Origins a browser would send for the server's own pages. */
  readonly origins: readonly string[];
}

/** The parts of a request the generic layer may spoil; a spoiled request has one to three. */
const SPOILERS = [
  'method',
  'spelling',
  'query',
  'raw-query',
  'host',
  'origin',
  'authorization',
  'content-type',
  'accept',
  'extra-headers',
  'body',
  'framing',
  'charset',
] as const;
type Spoiler = (typeof SPOILERS)[number];

/**
 * One request of a scenario. Half are clean (the scenario's own parts, our Host, the expected
 * media type, honest framing), so that they reach deep into the endpoint; the other half have
 * one to three parts spoiled, so that every layer meets nonsense right next to valid input.
 */
export function draftOf(
  scenario: Scenario,
  authenticated: boolean,
  around: Surroundings,
): fc.Arbitrary<Draft> {
  const noPairs = fc.constant<Array<readonly [string, Text]>>([]);
  const spoilers: fc.Arbitrary<readonly Spoiler[]> = fc.oneof(
    fc.constant<readonly Spoiler[]>([]),
    fc.shuffledSubarray([...SPOILERS], { minLength: 1, maxLength: 3 }),
  );
  return fc
    .record({
      spoilers,
      method: scenario.method,
      path: scenario.path ?? fc.constant<Text>('/'),
      together: scenario.together ?? fc.constant<TogetherParts>({}),
      query: scenario.query ?? noPairs,
      host: fc.constantFrom(...around.hosts),
      own: scenario.headers ?? fc.constant<HeaderList>([]),
      accept: usualAcceptHeaders,
      body: scenario.body ?? fc.constant<DraftBody>({ kind: 'empty' }),
      spoiled: fc.record({
        method: anyMethod,
        spelling: oddPathSpelling(around.hosts),
        query: queryPairs(['client_id', 'scope', 'sessionId', 'resource']),
        rawQuery,
        host: oddHostHeaders(around.hosts),
        origin: originHeaders(around.origins),
        authorization: malformedAuthorization,
        contentType: oddContentTypeHeaders,
        accept: oddAcceptHeaders,
        extra: extraHeaders,
        body: junkBody(),
        framing: oddFraming,
        charset: wrongCharset,
      }),
    })
    .map(({ spoilers: spoiled, together, spoiled: odd, ...parts }): Draft => {
      const has = (spoiler: Spoiler) => spoiled.includes(spoiler);
      const own = [...(together.headers ?? []), ...parts.own];
      const ownAccept = own.some(([name]) => name.toLowerCase() === 'accept');
      const contentType: HeaderList = scenario.contentType ? [['Content-Type', scenario.contentType]] : [];
      return {
        scenario: scenario.name,
        authenticated,
        method: has('method') ? odd.method : parts.method,
        path: together.path ?? parts.path,
        spelling: has('spelling') ? odd.spelling : { kind: 'as-is' },
        query: has('query') ? odd.query : (together.query ?? parts.query),
        ...(has('raw-query') ? { rawQuery: odd.rawQuery } : {}),
        headers: [
          ...(has('host') ? odd.host : [['Host', parts.host] as const]),
          ...(has('origin') ? odd.origin : []),
          ...own,
          // Besides the scenario's own, so a request may carry two.
          ...(has('authorization') ? odd.authorization : []),
          ...(has('content-type') ? odd.contentType : contentType),
          ...(has('accept') ? odd.accept : ownAccept ? [] : parts.accept),
          ...(has('extra-headers') ? odd.extra : []),
        ],
        body: has('body') ? odd.body : (together.body ?? parts.body),
        framing: has('framing') ? odd.framing : 'exact',
        charset: has('charset') ? odd.charset : 'utf8',
      };
    });
}

/** Half of the requests carry valid credentials (when the scenario has any), half do not. */
export function requestsOf(
  scenarios: (authenticated: boolean) => readonly Scenario[],
  around: Surroundings,
): fc.Arbitrary<Draft> {
  const build = (authenticated: boolean) =>
    fc.oneof(
      ...scenarios(authenticated).map((scenario) => ({
        weight: scenario.weight ?? 2,
        arbitrary: draftOf(scenario, authenticated, around),
      })),
    );
  return fc.oneof(build(true), build(false));
}
