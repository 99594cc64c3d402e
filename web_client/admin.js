// @ts-check
/**
 * The admin's program page: totals, attendance per session and minutes per pair
 * as SVG bar charts, a table of pairs and the CSV download, and the mentor
 * credentials (admin_mentors.js). All text via textContent; the admin token stays in
 * sessionStorage.
 */

import { initMentors, showMentors } from './admin_mentors.js';
import { downloadAuthorized, fetchAuthorized } from './api.js';
import { byId, el } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
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
/**
 * @typedef {Object} TimelineRow
 * @property {string} session_id
 * @property {number} scheduled_start
 * @property {number} invited
 * @property {number} attended
 * @property {number} minutes
 */
/**
 * @typedef {Object} ProgramReport
 * @property {ProgressNumbers} program
 * @property {Array<PairRow>} pairs
 * @property {Array<TimelineRow>} timeline
 */

/**
 * @param {string} tag
 * @param {Record<string, string|number>} attrs
 * @param {string} [text]
 * @returns {SVGElement}
 */
function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * Draws grouped vertical bars: invited (light) and attended (dark) per session.
 * @param {SVGElement} chart
 * @param {Array<TimelineRow>} rows
 */
export function drawAttendance(chart, rows) {
  const width = Math.max(320, rows.length * 48 + 40);
  const height = 180;
  const top = Math.max(1, ...rows.map((r) => r.invited));
  chart.setAttribute('viewBox', `0 0 ${width} ${height}`);
  chart.replaceChildren();
  rows.forEach((row, i) => {
    const x = 30 + i * 48;
    const scale = (/** @type {number} */ n) => (n / top) * (height - 40);
    chart.append(
      svg('rect', { class: 'bar bar-invited', x, y: height - 20 - scale(row.invited), width: 18, height: scale(row.invited) }),
      svg('rect', { class: 'bar bar-attended', x: x + 20, y: height - 20 - scale(row.attended), width: 18, height: scale(row.attended) }),
      svg('text', { x: x + 19, y: height - 6, 'text-anchor': 'middle' },
        new Date(row.scheduled_start * 1000).toLocaleDateString(undefined, { month: 'short', day: 'numeric' })),
      svg('text', { x: x + 29, y: height - 24 - scale(row.attended), 'text-anchor': 'middle' }, String(row.attended)),
    );
  });
}

/**
 * Draws one horizontal bar per pair: minutes spent together.
 * @param {SVGElement} chart
 * @param {Array<PairRow>} pairs
 */
export function drawPairs(chart, pairs) {
  const width = 520;
  const rowHeight = 26;
  const height = Math.max(rowHeight, pairs.length * rowHeight) + 10;
  const top = Math.max(1, ...pairs.map((p) => p.progress.total_minutes));
  chart.setAttribute('viewBox', `0 0 ${width} ${height}`);
  chart.replaceChildren();
  pairs.forEach((pair, i) => {
    const y = 5 + i * rowHeight;
    const length = (pair.progress.total_minutes / top) * (width - 260);
    chart.append(
      svg('text', { x: 0, y: y + 15 }, `${pair.mentor_name} – ${pair.mentee_name}`),
      svg('rect', { class: 'bar bar-minutes', x: 200, y, width: Math.max(1, length), height: rowHeight - 8 }),
      svg('text', { x: 205 + length, y: y + 15 }, `${Math.round(pair.progress.total_minutes)} min`),
    );
  });
}

/** @param {number|null} value */
const percent = (value) => (value == null ? '–' : `${Math.round(value * 100)} %`);
/** @param {number|null} value */
const number = (value) => (value == null ? '–' : String(Math.round(value * 10) / 10));

/** @param {ProgramReport} report */
function render(report) {
  const p = report.program;
  const totals = [
    ['Sessions held', `${p.sessions_attended} of ${p.sessions_scheduled}`],
    ['Minutes of mentoring', number(p.total_minutes)],
    ['Average minutes', number(p.average_minutes)],
    ['On time', percent(p.on_time_rate)],
    ['Agenda items done', String(p.agenda_items_completed)],
    ['Average feedback', number(p.average_feedback)],
  ];
  byId('admin-totals').replaceChildren(
    ...totals.map(([label, value]) => el('div', { children: [el('dt', { text: label }), el('dd', { text: value })] })),
  );
  drawAttendance(/** @type {SVGElement} */ (/** @type {unknown} */ (byId('chart-attendance'))), report.timeline);
  drawPairs(/** @type {SVGElement} */ (/** @type {unknown} */ (byId('chart-pairs'))), report.pairs);
  const body = byId('pairs-table').querySelector('tbody');
  body?.replaceChildren(
    ...report.pairs.map((pair) => el('tr', {
      children: [
        pair.mentor_name, pair.mentee_name, String(pair.progress.sessions_attended),
        number(pair.progress.total_minutes), percent(pair.progress.on_time_rate),
        String(pair.progress.agenda_items_completed), number(pair.progress.average_feedback),
        String(pair.progress.streak),
      ].map((text) => el('td', { text })),
    })),
  );
  byId('admin-report').hidden = false;
}

/** @param {string} token */
async function load(token) {
  const error = byId('admin-error');
  error.hidden = true;
  try {
    render(/** @type {ProgramReport} */ (await (await fetchAuthorized('/api/progress/program', token)).json()));
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
