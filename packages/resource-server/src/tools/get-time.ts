import { z } from 'zod';
import { ToolInputError } from './tool-result.ts';

export const getTimeInput = z.object({
  timezone: z
    .string()
    .max(64)
    .optional()
    .describe('An IANA time zone such as "Europe/Paris" or "America/New_York"; default UTC'),
});

export const getTimeOutput = z.object({
  timezone: z.string(),
  /** ISO 8601 with the zone's UTC offset, e.g. 2026-11-26T23:00:00.000+01:00 */
  iso: z.string(),
  utcOffset: z.string(),
  epochMilliseconds: z.number(),
  human: z.string(),
});

export type GetTimeOutput = z.infer<typeof getTimeOutput>;

function offsetOf(date: Date, timeZone: string): { minutes: number; text: string } {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(date)
    .find((entry) => entry.type === 'timeZoneName')?.value;
  // "GMT", "GMT+01:00", "GMT-03:30"
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(part ?? 'GMT');
  if (!match?.[1]) return { minutes: 0, text: '+00:00' };
  const minutes = (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
  return { minutes, text: `${match[1]}${match[2]}:${match[3]}` };
}

/** The current time in a zone, as an ISO string carrying that zone's offset. */
export function currentTime(timezone = 'UTC', now: Date = new Date()): GetTimeOutput {
  // The caller's spelling is kept: ICU may canonicalize to an older alias (Asia/Kolkata → Asia/Calcutta).
  const zone = timezone.trim();
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new ToolInputError(`unknown time zone "${timezone}"; use an IANA name such as "Europe/Paris"`);
  }
  const offset = offsetOf(now, zone);
  const local = new Date(now.getTime() + offset.minutes * 60_000).toISOString().slice(0, -1);
  return {
    timezone: zone,
    iso: `${local}${offset.text}`,
    utcOffset: offset.text,
    epochMilliseconds: now.getTime(),
    human: new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'full', timeStyle: 'long' }).format(
      now,
    ),
  };
}
