import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { closeMatches } from '../../src/repl/close-matches.ts';

describe('closeMatches', () => {
  const names = ['calculator', 'calendar', 'echo', 'get_weather', 'get_forecast'];

  it('finds typos and partial names, best first, at most three', () => {
    assert.deepEqual(closeMatches('calculater', names), ['calculator']);
    assert.deepEqual(closeMatches('ECHO', names), ['echo']);
    assert.deepEqual(closeMatches('get', names), ['get_weather', 'get_forecast']);
    assert.deepEqual(closeMatches('cal', names), ['calculator', 'calendar']);
    assert.deepEqual(closeMatches('e', ['a', 'b', 'c', 'd', 'e1', 'e2', 'e3', 'e4']).length, 3);
  });

  it('finds nothing for something unrelated', () => {
    assert.deepEqual(closeMatches('translate', names), []);
  });
});
