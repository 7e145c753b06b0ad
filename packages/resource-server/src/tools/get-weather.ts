import { createHash } from 'node:crypto';
import { z } from 'zod';

export const getWeatherInput = z.object({
  city: z.string().trim().min(1).max(100).describe('City name, e.g. "Boston"'),
  country: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as "US"')
    .optional()
    .describe(
      'ISO 3166-1 alpha-2 country code, to tell apart cities of one name (optional; none is assumed)',
    ),
});

export const getWeatherOutput = z.object({
  city: z.string(),
  /** Only when the caller named one: no country is inferred. */
  country: z.string().optional(),
  temperatureCelsius: z.number(),
  condition: z.string(),
  humidityPercent: z.number(),
  windKph: z.number(),
  observedHour: z.string(),
  simulated: z.literal(true),
  note: z.string(),
});

export type WeatherReport = z.infer<typeof getWeatherOutput>;

const CONDITIONS = ['sunny', 'partly cloudy', 'cloudy', 'light rain', 'rain', 'thunderstorms', 'fog', 'snow'];

/**
 * Simulated weather, as in the seed demo, but deterministic: the same city and hour always give
 * the same report (a hash seeds it), so it can be tested and compared. It is labelled simulated.
 */
export function simulatedWeather(
  city: string,
  country: string | undefined,
  now: Date = new Date(),
): WeatherReport {
  const hour = now.toISOString().slice(0, 13);
  const seed = createHash('sha256')
    .update(`${city.toLowerCase()}|${country?.toUpperCase() ?? ''}|${hour}`)
    .digest();
  const byte = (index: number) => seed[index] ?? 0;
  return {
    city,
    ...(country !== undefined ? { country: country.toUpperCase() } : {}),
    temperatureCelsius: Math.round(((byte(0) / 255) * 45 - 10) * 10) / 10,
    condition: CONDITIONS[byte(1) % CONDITIONS.length] ?? 'sunny',
    humidityPercent: 20 + (byte(2) % 76),
    windKph: byte(3) % 60,
    observedHour: `${hour}:00Z`,
    simulated: true,
    note: 'Simulated data for the demo; not a real forecast.',
  };
}

/** The report in one line: the place as asked ("London", "London, GB"), never a guessed country. */
export function weatherSummary(report: WeatherReport): string {
  const place = report.country !== undefined ? `${report.city}, ${report.country}` : report.city;
  return `${place}: ${report.temperatureCelsius} °C, ${report.condition}, humidity ${report.humidityPercent}%, wind ${report.windKph} km/h (simulated)`;
}
