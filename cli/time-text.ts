/**
 * Times and durations as people read them, shared by the CLI's output and the dashboard's page: pure, no imports, so
 * the page's bundle can take them without the CLI's libraries.
 */

/** `45s`, `3m5s`, `2h3m`, `3d4h`: two units at most, as kubectl shows ages. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole}s`;
  const [big, bigName, small, smallName] =
    whole < 3600 ? [Math.floor(whole / 60), 'm', whole % 60, 's'] : whole < 86_400 ? [Math.floor(whole / 3600), 'h', Math.floor((whole % 3600) / 60), 'm'] : [Math.floor(whole / 86_400), 'd', Math.floor((whole % 86_400) / 3600), 'h'];
  return small > 0 ? `${big}${bigName}${small}${smallName}` : `${big}${bigName}`;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** `2026-12-03 02:00 EST`: a fire time as the schedule's zone reads it. */
export function inZone(iso: string, timeZone: string): string {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' });
    zoneFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
  return `${parts['year']}-${parts['month']}-${parts['day']} ${parts['hour']}:${parts['minute']} ${parts['timeZoneName']}`;
}
