// @ts-check
/**
 * One session's attendance for its mentor (token in the URL fragment) or an
 * admin (token in sessionStorage). Times arrive in UTC and are shown local.
 */

import { downloadAuthorized, fetchAuthorized } from './api.js';
import { byId, el } from './dom.js';
import { sessionIdFromPath, tokenFromHash } from './invite_token.js';

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
const local = (iso) => (iso ? new Date(iso).toLocaleString() : '–');
/** @param {number|null} seconds */
const minutes = (seconds) => (seconds == null ? '–' : String(Math.round(seconds / 6) / 10));

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
    ['Scheduled start', local(report.scheduled_start)],
    ['Actual start', local(report.actual_start)],
    [report.live ? 'Live for (min)' : 'Length (min)', minutes(report.length_seconds)],
    ['Mentor and mentee together (min)', minutes(report.together_seconds)],
  ];
  byId('attendance-summary').replaceChildren(
    ...facts.map(([label, value]) => el('div', { children: [el('dt', { text: label }), el('dd', { text: value })] })),
  );
  byId('attendance-table').querySelector('tbody')?.replaceChildren(
    ...report.people.map((p) => el('tr', {
      children: [
        p.display_name, p.role, local(p.joined_at), local(p.first_active_at),
        p.present ? 'present' : local(p.left_at), p.left_reason ? REASONS[p.left_reason] ?? p.left_reason : '',
        minutes(p.seconds_present), String(p.reconnects), minutes(p.seconds_sharing ?? 0),
      ].map((text) => el('td', { text })),
    })),
  );
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

byId('attendance-refresh').addEventListener('click', () => void load());
byId('attendance-csv').addEventListener('click', () => void downloadCsv());
void load();
