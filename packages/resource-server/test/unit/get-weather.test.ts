import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  getWeatherInput,
  getWeatherOutput,
  simulatedWeather,
  type WeatherReport,
  weatherSummary,
} from '../../src/tools/get-weather.ts';

const HOUR = new Date('2026-03-10T14:05:00Z');

/** The simulated values only, without the labels that echo the input. */
function values(report: WeatherReport) {
  return {
    temperatureCelsius: report.temperatureCelsius,
    condition: report.condition,
    humidityPercent: report.humidityPercent,
    windKph: report.windKph,
  };
}

describe('simulatedWeather', () => {
  it('is deterministic: the same city and hour give the same report, whatever the minute', () => {
    const a = simulatedWeather('Boston', 'US', HOUR);
    const b = simulatedWeather('Boston', 'US', new Date('2026-03-10T14:59:59.999Z'));
    assert.deepEqual(a, b);
    assert.equal(a.observedHour, '2026-03-10T14:00Z');
  });

  it('differs across hours for the same city', () => {
    const a = simulatedWeather('Boston', 'US', HOUR);
    const b = simulatedWeather('Boston', 'US', new Date('2026-03-10T15:05:00Z'));
    assert.notDeepEqual(values(a), values(b));
  });

  it('differs across cities and across countries for the same hour', () => {
    const boston = values(simulatedWeather('Boston', 'US', HOUR));
    assert.notDeepEqual(values(simulatedWeather('Paris', 'FR', HOUR)), boston);
    assert.notDeepEqual(values(simulatedWeather('Boston', 'GB', HOUR)), boston);
  });

  it('city case does not change the values; the country is upper-cased', () => {
    const a = simulatedWeather('Boston', 'US', HOUR);
    const b = simulatedWeather('BOSTON', 'us', HOUR);
    assert.deepEqual(values(a), values(b));
    assert.equal(b.country, 'US');
    assert.equal(b.city, 'BOSTON', 'the city is reported as given');
  });

  it('is always labelled simulated, matches its output schema and stays in plausible ranges', () => {
    const cities = ['Boston', 'Paris', 'Tokyo', 'Lagos', 'Reykjavik', 'Lima', 'Perth', 'Oslo'];
    for (const [index, city] of cities.entries()) {
      for (let hour = 0; hour < 24; hour += 1) {
        const now = new Date(Date.UTC(2026, index, 1 + index, hour));
        const report = simulatedWeather(city, 'xx', now);
        assert.equal(report.simulated, true);
        assert.equal(getWeatherOutput.safeParse(report).success, true);
        assert.equal(report.country, 'XX');
        assert.ok(
          report.temperatureCelsius >= -10 && report.temperatureCelsius <= 35,
          `${report.temperatureCelsius}`,
        );
        assert.ok(report.humidityPercent >= 0 && report.humidityPercent <= 100, `${report.humidityPercent}`);
        assert.ok(Number.isInteger(report.humidityPercent));
        assert.ok(report.windKph >= 0 && report.windKph < 200, `${report.windKph}`);
        assert.ok(report.condition.length > 0);
        assert.match(report.note, /simulated/i);
      }
    }
  });

  it('infers no country: "London" alone is reported as London, not "London, US"', () => {
    const input = getWeatherInput.parse({ city: 'London' });
    assert.equal(input.country, undefined, 'no default country');
    const report = simulatedWeather(input.city, input.country, HOUR);
    assert.equal(report.country, undefined);
    assert.equal(getWeatherOutput.safeParse(report).success, true);
    assert.match(weatherSummary(report), /^London: -?\d/);
    const named = simulatedWeather(
      'London',
      getWeatherInput.parse({ city: 'London', country: 'gb' }).country,
      HOUR,
    );
    assert.match(weatherSummary(named), /^London, GB: /);
  });
});
