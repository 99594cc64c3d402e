// @ts-check
/**
 * The admin's program page: totals, attendance per session (named by the sessions'
 * titles) and time per pair as bar charts with legends (admin_charts.js), a table of
 * pairs and the CSV download, and the mentor credentials (admin_mentors.js). All text
 * via textContent; the admin token stays in sessionStorage.
 */

import { drawAttendance, drawPairs } from './admin_charts.js';
import { initMentors, showMentors } from './admin_mentors.js';
import { downloadAuthorized, fetchAuthorized } from './api.js';
import { byId, el } from './dom.js';
import { formatDuration } from './durations.js';

const TOKEN_KEY = 'mentor-rooms.admin-token';

/**
 * @typedef {Object} ProgressNumbers
 * @property {number} sessions_scheduled
 * @property {number} sessions_attended
 * @property {number|null} on_time_rate
 * @property {number} total_minutes
 * @property {number|null} average_minutes
 * @property {number} agenda_items_completed
 * @property {number|null} average_feedback
 * @property {number|null} last_session_at
 * @property {number} streak
 */
/**
 * @typedef {Object} PairRow
 * @property {string} mentor_name
 * @property {string} mentee_name
 * @property {ProgressNumbers} progress
 */
/** @typedef {import('./admin_charts.js').TimelineRow} TimelineRow */
/**
 * @typedef {Object} ProgramReport
 * @property {ProgressNumbers} program
 * @property {Array<PairRow>} pairs
 * @property {Array<TimelineRow>} timeline
 */

/** @param {number|null} value */
const percent = (value) => (value == null ? '–' : `${Math.round(value * 100)} %`);
/** @param {number|null} value */
const number = (value) => (value == null ? '–' : String(Math.round(value * 10) / 10));
/** @param {number|null} minutes */
const duration = (minutes) => formatDuration(minutes == null ? null : minutes * 60);

/**
 * @param {ProgramReport} report
 * @param {Map<string, string>} titles Session id to title.
 */
function render(report, titles) {
  const p = report.program;
  const totals = [
    ['Sessions held', `${p.sessions_attended} of ${p.sessions_scheduled}`],
    ['Time mentoring', duration(p.total_minutes)],
    ['Average session', duration(p.average_minutes)],
    ['On time', percent(p.on_time_rate)],
    ['Agenda items done', String(p.agenda_items_completed)],
    ['Average feedback', number(p.average_feedback)],
  ];
  byId('admin-totals').replaceChildren(
    ...totals.map(([label, value]) => el('div', { children: [el('dt', { text: label }), el('dd', { text: value })] })),
  );
  drawAttendance(byId('chart-attendance'), report.timeline, titles);
  drawPairs(byId('chart-pairs'), report.pairs);
  const body = byId('pairs-table').querySelector('tbody');
  body?.replaceChildren(
    ...report.pairs.map((pair) => el('tr', {
      children: [
        pair.mentor_name, pair.mentee_name, String(pair.progress.sessions_attended),
        duration(pair.progress.total_minutes), percent(pair.progress.on_time_rate),
        String(pair.progress.agenda_items_completed), number(pair.progress.average_feedback),
        String(pair.progress.streak),
      ].map((text, i) => el('td', { text, className: i >= 2 ? 'number' : '' })),
    })),
  );
  byId('admin-report').hidden = false;
}

/**
 * Every session's title by id (empty when the list cannot be had: the charts then name
 * sessions by date alone).
 * @param {string} token
 * @returns {Promise<Map<string, string>>}
 */
async function sessionTitles(token) {
  try {
    const list = /** @type {Array<{session_id: string, title: string}>} */ (
      await (await fetchAuthorized('/api/admin/sessions', token)).json());
    return new Map(list.map((s) => [s.session_id, s.title]));
  } catch {
    return new Map();
  }
}

/** @param {string} token */
async function load(token) {
  const error = byId('admin-error');
  error.hidden = true;
  try {
    const report = /** @type {ProgramReport} */ (await (await fetchAuthorized('/api/progress/program', token)).json());
    render(report, await sessionTitles(token));
    sessionStorage.setItem(TOKEN_KEY, token);
    void showMentors();
  } catch (problem) {
    error.textContent = problem instanceof Error ? problem.message : 'Could not load the report.';
    error.hidden = false;
  }
}

async function downloadCsv() {
  const token = sessionStorage.getItem(TOKEN_KEY) ?? '';
  try {
    await downloadAuthorized('/api/progress/program.csv', token, 'program-progress.csv');
  } catch (problem) {
    byId('admin-error').textContent = problem instanceof Error ? problem.message : 'Download failed.';
    byId('admin-error').hidden = false;
  }
}

function main() {
  const input = /** @type {HTMLInputElement} */ (byId('admin-token'));
  byId('admin-login').addEventListener('submit', (event) => {
    event.preventDefault();
    void load(input.value.trim());
  });
  byId('admin-csv').addEventListener('click', () => void downloadCsv());
  initMentors(() => sessionStorage.getItem(TOKEN_KEY) ?? '');
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) void load(saved);
}

main();
