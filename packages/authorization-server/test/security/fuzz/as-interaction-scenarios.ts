import type { HeaderList } from '@mcp-auth/test-support/fuzz/hostile-headers';
import { contentTypes, junkText } from '@mcp-auth/test-support/fuzz/hostile-values';
import { type DraftBody, ref, type Text } from '@mcp-auth/test-support/fuzz/request-draft';
import type { Scenario } from '@mcp-auth/test-support/fuzz/scenario-drafts';
import fc from 'fast-check';
import { pathSegment, pick } from './as-parameters.ts';

/** The sign-in and consent pages and their forms, with a live interaction or a dead one. */
export function interactionScenarios(authenticated: boolean): Scenario[] {
  const live = (suffix: string) =>
    pick.map((index) => ({
      path: [ref('interaction.path', index), suffix] as Text,
      cookie: ref('interaction.cookie', index),
      csrf: ref('interaction.csrf', index),
    }));
  const dead = (suffix: string) =>
    fc
      .tuple(
        fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,128}$/), junkText.map(pathSegment)),
        fc.oneof(junkText, fc.constant('')),
      )
      .map(([uid, csrf]) => ({
        path: `/interaction/${uid}${suffix}` as Text,
        cookie: `_interaction=${uid}` as Text,
        csrf: csrf as Text,
      }));
  const target = (suffix: string) => (authenticated ? live(suffix) : dead(suffix));
  const password = fc.oneof(
    fc.constantFrom('correct horse battery', 'wrong password', ''),
    junkText,
    fc.constant('p'.repeat(2000)),
  );
  const formScenario = (action: 'login' | 'confirm' | 'abort'): Scenario => ({
    name: `interaction: ${action}`,
    method: fc.constant('POST'),
    contentType: contentTypes.form,
    together: fc
      .tuple(target(`/${action}`), fc.constantFrom('alice', 'ALICE', 'bob', ''), password)
      .map(([part, username, secret]) => ({
        path: part.path,
        headers: [['Cookie', part.cookie]] as HeaderList,
        body: {
          kind: 'form',
          fields: [
            ['csrf', part.csrf],
            ...(action === 'login'
              ? ([
                  ['username', username],
                  ['password', secret],
                ] as const)
              : []),
          ],
        } as DraftBody,
      })),
  });
  return [
    {
      name: 'interaction: page',
      method: fc.constantFrom('GET', 'HEAD'),
      together: target('').map((part) => ({
        path: part.path,
        headers: [['Cookie', part.cookie]] as HeaderList,
      })),
    },
    formScenario('login'),
    formScenario('confirm'),
    formScenario('abort'),
  ];
}
