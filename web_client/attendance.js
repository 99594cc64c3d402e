// @ts-check
/**
 * One session's attendance for its mentor (token in the URL fragment) or an
 * admin (token in sessionStorage): the people table, each person's media-mode timeline
 * with the time per mode (mode_timeline.js), and the CSV. Times arrive in UTC and are
 * shown local; durations read "1 h 05 min" / "12 min" / "45 s" (durations.js).
 */

import { downloadAuthorized, fetchAuthorized } from './api.js';
import { byId, el } from './dom.js';
import { formatDuration, formatShortWhen } from './durations.js';
import { sessionIdFromPath, tokenFromHash } from './invite_token.js';
import { modeLegend, renderTimeline } from './mode_timeline.js';

const ADMIN_TOKEN_KEY = 'mentor-rooms.admin-token';
const REASONS = /** @type {Record<string, string>} */ ({
  left: 'left',
  dropped: 'connection dropped',
  replaced: 'joined elsewhere',
  removed: 'removed',
  session_ended: 'session ended',
  server_shutdown: 'server restarted',
  server_lost: 'server lost',
});

/**
 * @typedef {Object} PersonRow
 * @property {string} display_name
 * @property {string} role
 * @property {string} joined_at
 * @property {string|null} first_active_at
 * @property {string|null} left_at
 * @property {string|null} left_reason
 * @property {boolean} present
 * @property {number} seconds_present
 * @property {number} reconnects
 * @property {number} [seconds_sharing]
 * @property {Array<[string, string|null]>} intervals
 * @property {Array<{at: string, mode: string, reason: string, video_step: string}>} mode_changes
 * @property {Record<string, number>} seconds_by_mode
 */
/**
 * @typedef {Object} Report
 * @property {string} title
 * @property {string|null} scheduled_start
 * @property {string|null} actual_start
 * @property {string|null} actual_end
 * @property {boolean} live
 * @property {number|null} length_seconds
 * @property {number} together_seconds
 * @property {Array<PersonRow>} people
 */

/** @param {string|null} iso */
const epoch = (iso) => (iso ? new Date(iso).getTime() / 1000 : null);

function token() {
  return tokenFromHash(location.hash) ?? sessionStorage.getItem(ADMIN_TOKEN_KEY) ?? '';
}

/** @param {string} suffix */
function path(suffix) {
  const sessionId = sessionIdFromPath(location.pathname.replace(/\/attendance$/u, '')) ?? '';
  return `/api/sessions/${encodeURIComponent(sessionId)}/${suffix}`;
}

/** @param {Report} report */
function render(report) {
  byId('attendance-heading').textContent = `Attendance · ${report.title}`;
  const facts = [
    ['Scheduled start', formatShortWhen(report.scheduled_start)],
    ['Actual start', formatShortWhen(report.actual_start)],
    [report.live ? 'Live for' : 'Length', formatDuration(report.length_seconds)],
    ['Mentor and mentee together', formatDuration(report.together_seconds)],
  ];
  byId('attendance-summary').replaceChildren(
    ...facts.map(([label, value]) => el('div', { children: [el('dt', { text: label }), el('dd', { text: value })] })),
  );
  byId('attendance-table').querySelector('tbody')?.replaceChildren(
    ...report.people.map((p) => el('tr', {
      children: [
        el('td', { text: p.display_name }),
        el('td', { text: p.role }),
        el('td', { className: 'when', text: formatShortWhen(p.joined_at) }),
        el('td', { className: 'when', text: formatShortWhen(p.first_active_at) }),
        el('td', { className: 'when', text: p.present ? 'present' : formatShortWhen(p.left_at) }),
        el('td', { text: p.left_reason ? REASONS[p.left_reason] ?? p.left_reason : '' }),
        el('td', { className: 'duration', text: formatDuration(p.seconds_present) }),
        el('td', { className: 'number', text: String(p.reconnects) }),
        el('td', { className: 'duration', text: formatDuration(p.seconds_sharing ?? 0) }),
      ],
    })),
  );
  const from = epoch(report.actual_start);
  // the server's length: its clock, also while the session is live
  const to = from === null ? 0 : from + (report.length_seconds ?? 0);
  renderTimeline(byId('mode-timeline'), byId('mode-axis'), report.people, from, to);
}

async function load() {
  const error = byId('attendance-error');
  try {
    render(/** @type {Report} */ (await (await fetchAuthorized(path('attendance'), token())).json()));
    error.hidden = true;
  } catch (problem) {
    error.textContent = problem instanceof Error ? problem.message : 'Could not load attendance.';
    error.hidden = false;
  }
}

async function downloadCsv() {
  try {
    await downloadAuthorized(path('attendance.csv'), token(), 'attendance.csv');
  } catch (problem) {
    byId('attendance-error').textContent = problem instanceof Error ? problem.message : 'Download failed.';
    byId('attendance-error').hidden = false;
  }
}

byId('mode-legend-box').replaceChildren(modeLegend());
byId('attendance-refresh').addEventListener('click', () => void load());
byId('attendance-csv').addEventListener('click', () => void downloadCsv());
void load();
