// @ts-check
/**
 * Durations and times in words, shared by the attendance and admin pages: one format
 * everywhere ("1 h 05 min", "12 min", "45 s"; "Dec 2, 14:05").
 */

/**
 * A number of seconds in words: under a minute "45 s", under an hour "12 min", else
 * "1 h 05 min" (rounded to the nearest second, then minute). `null`, `undefined`,
 * NaN and negative values read "–".
 * @param {number|null|undefined} seconds
 * @returns {string}
 */
export function formatDuration(seconds) {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '–';
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  const minutes = Math.round(whole / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * A time as a short local date and time ("Dec 2, 14:05"), or "–" when missing or
 * unreadable. Meant to stay on one line (the pages set `white-space: nowrap`).
 * @param {string|number|null|undefined} value ISO 8601 text, or epoch seconds.
 * @returns {string}
 */
export function formatShortWhen(value) {
  if (value === null || value === undefined || value === '') return '–';
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) return '–';
  return date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/**
 * A local clock time ("14:05"), or "–".
 * @param {string|number|null|undefined} value ISO 8601 text, or epoch seconds.
 * @returns {string}
 */
export function formatClock(value) {
  if (value === null || value === undefined || value === '') return '–';
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  if (Number.isNaN(date.getTime())) return '–';
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/**
 * A local calendar day ("Dec 2").
 * @param {number} epochSeconds
 * @returns {string}
 */
export function formatDay(epochSeconds) {
  return new Date(epochSeconds * 1000).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}
