import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { currentTime } from '../../src/tools/get-time.ts';
import { ToolInputError } from '../../src/tools/tool-result.ts';

const WINTER = new Date('2026-01-15T12:00:00.123Z');
const SUMMER = new Date('2026-07-15T12:00:00.123Z');

/** The ISO string must denote the same instant (ISO 8601 local time plus its offset). */
function assertSameInstant(iso: string, date: Date): void {
  assert.equal(Date.parse(iso), date.getTime(), `${iso} is not ${date.toISOString()}`);
}

describe('currentTime', () => {
  it('defaults to UTC with offset +00:00', () => {
    const result = currentTime(undefined, WINTER);
    assert.equal(result.timezone, 'UTC');
    assert.equal(result.iso, '2026-01-15T12:00:00.123+00:00');
    assert.equal(result.utcOffset, '+00:00');
    assert.equal(result.epochMilliseconds, WINTER.getTime());
    assertSameInstant(result.iso, WINTER);
  });

  it('Asia/Kolkata is +05:30 with the local wall-clock time in the ISO string', () => {
    const result = currentTime('Asia/Kolkata', WINTER);
    // ICU may report the CLDR canonical alias of the same IANA zone.
    assert.ok(['Asia/Kolkata', 'Asia/Calcutta'].includes(result.timezone), result.timezone);
    assert.equal(result.utcOffset, '+05:30');
    assert.equal(result.iso, '2026-01-15T17:30:00.123+05:30');
    assertSameInstant(result.iso, WINTER);
  });

  it('the local date rolls over when the offset crosses midnight', () => {
    const lateUtc = new Date('2026-12-31T20:00:00.000Z');
    const result = currentTime('Asia/Kolkata', lateUtc);
    assert.equal(result.iso, '2027-01-01T01:30:00.000+05:30');
    assertSameInstant(result.iso, lateUtc);
  });

  it('America/St_Johns has a negative half-hour offset: -03:30 in winter, -02:30 in summer', () => {
    const winter = currentTime('America/St_Johns', WINTER);
    assert.equal(winter.utcOffset, '-03:30');
    assert.equal(winter.iso, '2026-01-15T08:30:00.123-03:30');
    assertSameInstant(winter.iso, WINTER);
    const summer = currentTime('America/St_Johns', SUMMER);
    assert.equal(summer.utcOffset, '-02:30');
    assert.equal(summer.iso, '2026-07-15T09:30:00.123-02:30');
    assertSameInstant(summer.iso, SUMMER);
  });

  it('a DST zone uses the offset in force on the given date (Europe/Paris +01:00 / +02:00)', () => {
    const winter = currentTime('Europe/Paris', WINTER);
    assert.equal(winter.utcOffset, '+01:00');
    assert.equal(winter.iso, '2026-01-15T13:00:00.123+01:00');
    const summer = currentTime('Europe/Paris', SUMMER);
    assert.equal(summer.utcOffset, '+02:00');
    assert.equal(summer.iso, '2026-07-15T14:00:00.123+02:00');
  });

  it('a DST zone west of UTC (America/New_York -05:00 / -04:00)', () => {
    assert.equal(currentTime('America/New_York', WINTER).iso, '2026-01-15T07:00:00.123-05:00');
    assert.equal(currentTime('America/New_York', SUMMER).iso, '2026-07-15T08:00:00.123-04:00');
  });

  it('Etc/GMT+5 is five hours behind UTC (POSIX sign inversion in Etc names)', () => {
    const result = currentTime('Etc/GMT+5', WINTER);
    assert.equal(result.utcOffset, '-05:00');
    assertSameInstant(result.iso, WINTER);
  });

  it('the human rendering names the local time of the zone', () => {
    assert.match(currentTime('Asia/Kolkata', WINTER).human, /17:30:00/);
  });

  for (const zone of ['Mars/Olympus_Mons', 'Not a zone', '']) {
    it(`an unknown zone ${JSON.stringify(zone)} is a ToolInputError the caller can fix`, () => {
      assert.throws(() => currentTime(zone, WINTER), ToolInputError);
    });
  }
});
