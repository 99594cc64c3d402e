// @ts-check
/**
 * The admin page's program sections: People (admin_people.js), Pairs (admin_pairs.js) and
 * Program metrics (charts with legends, a table and the CSV download). They use the admin
 * credential the page keeps in sessionStorage (admin.js stores it once it works); this
 * module also picks it up from the sign-in form, so the sections open with the report.
 */

import { barChart } from './admin_charts.js';
import { initPairs, loadPairs } from './admin_pairs.js';
import { initPeople, loadPeople } from './admin_people.js';
import { downloadAuthorized, request } from './api.js';
import { byId, el } from './dom.js';
import { formatDuration } from './durations.js';

const TOKEN_KEY = 'mentor-rooms.admin-token';

/**
 * @typedef {Object} PairMetrics
 * @property {string} pair_id
 * @property {string} title
 * @property {number} goals_due
 * @property {number} goals_achieved
 * @property {number|null} goal_achievement
 * @property {number} minutes
 * @property {number|null} average_feedback
 * @property {number|null} sessions_planned
 * @property {number} sessions_held
 * @property {boolean|null} completed
 * @property {number} no_shows
 */
/**
 * @typedef {Object} ProgramMetrics
 * @property {string} as_of
 * @property {number} goals_due
 * @property {number} goals_achieved
 * @property {number|null} goal_achievement
 * @property {number} total_minutes
 * @property {number|null} average_feedback
 * @property {Array<{month: string, pairs_started: number, still_meeting: number, share: number|null}>} retention
 * @property {number} pairs_series_over
 * @property {number} pairs_completed
 * @property {number|null} completion
 * @property {number} no_shows_total
 * @property {Array<{person_id: string, name: string, no_shows: number}>} no_shows_by_person
 * @property {Array<PairMetrics>} pairs
 */

/** @type {string} */
let token = '';

/** @returns {string} The admin credential in use. */
export const adminToken = () => token;

/** @param {number|null} value */
const percent = (value) => (value == null ? '–' : `${Math.round(value * 100)} %`);

/** @param {ProgramMetrics} m */
function showMetrics(m) {
  byId('metrics-as-of').textContent = `As of ${new Date(m.as_of).toLocaleString()}.`;
  const worst = m.no_shows_by_person.slice(0, 3).map((p) => `${p.name} (${p.no_shows})`).join(', ');
  const totals = [
    ['Goal achievement', `${percent(m.goal_achievement)} (${m.goals_achieved} of ${m.goals_due} due)`],
    ['Time spent', formatDuration(m.total_minutes * 60)],
    ['Average feedback', m.average_feedback == null ? '–' : `${m.average_feedback} / 5`],
    ['Completion', `${percent(m.completion)} (${m.pairs_completed} of ${m.pairs_series_over} finished)`],
    ['No-shows', worst ? `${m.no_shows_total}: ${worst}` : String(m.no_shows_total)],
  ];
  byId('metrics-totals').replaceChildren(
    ...totals.map(([label, value]) => el('div', { children: [el('dt', { text: label }), el('dd', { text: value })] })),
  );
  barChart(byId('chart-achievement'), [{ key: 'invited', label: 'Goals due' }, { key: 'attended', label: 'Goals achieved' }],
    m.pairs.filter((p) => p.goals_due > 0).map((p) => ({
      label: p.title,
      values: [
        { key: 'invited', value: p.goals_due, text: `${p.goals_due} due` },
        { key: 'attended', value: p.goals_achieved, text: `${p.goals_achieved} achieved` },
      ],
    })), 'No goals are due yet.');
  barChart(byId('chart-retention'), [{ key: 'invited', label: 'Pairs started' }, { key: 'attended', label: 'Still meeting' }],
    m.retention.map((r) => ({
      label: r.month,
      values: [
        { key: 'invited', value: r.pairs_started, text: `${r.pairs_started} started` },
        { key: 'attended', value: r.still_meeting, text: `${r.still_meeting} (${percent(r.share)})` },
      ],
    })), 'No pairs yet.');
  barChart(byId('chart-time'), [{ key: 'minutes', label: 'Time in held sessions' }],
    m.pairs.map((p) => ({ label: p.title, values: [{ key: 'minutes', value: p.minutes, text: formatDuration(p.minutes * 60) }] })),
    'No pairs yet.');
  byId('metrics-table').querySelector('tbody')?.replaceChildren(...m.pairs.map((p) => el('tr', {
    children: [
      p.title, `${p.goals_achieved} of ${p.goals_due}`, formatDuration(p.minutes * 60),
      p.average_feedback == null ? '–' : String(p.average_feedback),
      p.sessions_planned == null ? String(p.sessions_held) : `${p.sessions_held} of ${p.sessions_planned}`,
      p.completed == null ? 'Not finished' : p.completed ? 'Yes' : 'No', String(p.no_shows),
    ].map((text, i) => el('td', { text, className: i >= 1 ? 'number' : '' })),
  })));
}

/** Loads the metrics. */
export async function loadMetrics() {
  const error = byId('metrics-error');
  error.hidden = true;
  try {
    showMetrics(/** @type {ProgramMetrics} */ (await request('GET', '/api/admin/program-metrics', { token })));
  } catch (problem) {
    error.textContent = problem instanceof Error ? problem.message : 'Could not load the metrics.';
    error.hidden = false;
  }
}

/**
 * Opens the program sections with a credential (kept only if the server accepts it).
 * @param {string} candidate
 */
async function open(candidate) {
  if (!candidate) return;
  try {
    await request('GET', '/api/admin/program-metrics', { token: candidate });
  } catch {
    return; // admin.js tells the person what is wrong with the credential
  }
  token = candidate;
  for (const id of ['program-people', 'program-pairs', 'program-metrics']) byId(id).hidden = false;
  await Promise.all([loadPeople(), loadPairs(), loadMetrics()]);
}

/** Reloads everything that depends on people and pairs. */
export async function refresh() {
  await Promise.all([loadPeople(), loadPairs(), loadMetrics()]);
}

function main() {
  initPeople(adminToken, refresh);
  initPairs(adminToken, refresh);
  byId('metrics-csv').addEventListener('click', async () => {
    try {
      await downloadAuthorized('/api/admin/program-metrics.csv', token, 'program-metrics.csv');
    } catch (problem) {
      byId('metrics-error').textContent = problem instanceof Error ? problem.message : 'Download failed.';
      byId('metrics-error').hidden = false;
    }
  });
  byId('admin-login').addEventListener('submit', () => {
    void open(byId('admin-token', HTMLInputElement).value.trim());
  });
  void open(sessionStorage.getItem(TOKEN_KEY) ?? '');
}

main();
