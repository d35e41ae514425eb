import { Cron } from 'croner';

/**
 * Why a cron expression (in its time zone) cannot be scheduled, as the zod issue for the key at
 * fault, or undefined when it can. Five fields (minute hour day-of-month month day-of-week), or
 * six with seconds first.
 */
export function cronProblem(pattern: string, timezone?: string): { key: 'cron' | 'timezone'; message: string } | undefined {
  if (timezone !== undefined && !validTimeZone(timezone)) {
    return { key: 'timezone', message: 'an IANA time zone such as UTC, Europe/Oslo or America/New_York' };
  }
  const expected = 'a cron expression of 5 fields (minute hour day-of-month month day-of-week, e.g. "0 2 * * *" for 02:00 daily) or 6 with seconds first';
  let cron: Cron;
  try {
    cron = scheduleCron(pattern, timezone);
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).replace(/^Cron\w*: /, '');
    return { key: 'cron', message: `${expected} (${why})` };
  }
  if (cron.nextRun() === null) return { key: 'cron', message: `${expected} that fires at some time (this one never does)` };
  return undefined;
}

/** The croner schedule of an expression, never started: callers ask it for fire times. */
export function scheduleCron(pattern: string, timezone?: string): Cron {
  return new Cron(pattern, { paused: true, ...(timezone ? { timezone } : {}) });
}

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
