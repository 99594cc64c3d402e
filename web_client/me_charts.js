// @ts-check
/**
 * The home page's progress: totals and four charts with legends (sessions attended vs
 * held, minutes per month, goals by status, feedback over time), drawn with the admin
 * page's hand-made SVG bar charts (admin_charts.js).
 */

import { barChart } from './admin_charts.js';
import { byId, el } from './dom.js';
import { formatDuration } from './durations.js';
import { GOAL_STATUSES } from './me_types.js';

/** @typedef {import('./me_types.js').HomeProgress} HomeProgress */

/**
 * @param {string} month "YYYY-MM"
 * @returns {string} e.g. "Dec 2026".
 */
function monthLabel(month) {
  const [year, number] = month.split('-').map(Number);
  return new Date(year, number - 1, 1).toLocaleDateString(undefined, { month: 'short', year: 'numeric' });
}

/** @param {HomeProgress} p */
export function showProgress(p) {
  const goals = Object.values(p.goals_by_status).reduce((a, b) => a + b, 0);
  const totals = [
    ['Sessions attended', `${p.sessions_attended} of ${p.sessions_scheduled}`],
    ['Time in sessions', formatDuration(p.minutes * 60)],
    ['Goals achieved', `${p.goals_by_status.achieved ?? 0} of ${goals}`],
  ];
  byId('me-totals').replaceChildren(
    ...totals.map(([label, value]) => el('div', { children: [el('dt', { text: label }), el('dd', { text: value })] })),
  );
  barChart(byId('chart-sessions'), [{ key: 'invited', label: 'Held' }, { key: 'attended', label: 'Attended' }],
    p.sessions_scheduled === 0 ? [] : [{
      label: 'Sessions',
      values: [
        { key: 'invited', value: p.sessions_scheduled, text: `${p.sessions_scheduled} held` },
        { key: 'attended', value: p.sessions_attended, text: `${p.sessions_attended} attended` },
      ],
    }], 'No sessions held yet.');
  barChart(byId('chart-months'), [{ key: 'minutes', label: 'Minutes attended' }],
    p.minutes_per_month.map((m) => ({
      label: monthLabel(m.month),
      values: [{ key: 'minutes', value: m.minutes, text: formatDuration(m.minutes * 60) }],
    })), 'No time in sessions yet.');
  barChart(byId('chart-goals'), [{ key: 'goals', label: 'Goals' }],
    goals === 0 ? [] : GOAL_STATUSES.map(([key, label]) => ({
      label,
      values: [{ key: 'goals', value: p.goals_by_status[key] ?? 0, text: String(p.goals_by_status[key] ?? 0) }],
    })), 'No goals yet.');
  barChart(byId('chart-feedback'), [{ key: 'feedback', label: 'Rating (of 5)' }],
    p.feedback.map((f) => ({
      label: new Date(f.at).toLocaleDateString(undefined, { month: 'short', day: 'numeric' }),
      values: [{ key: 'feedback', value: f.score, text: `${f.score} / 5` }],
    })), 'No feedback yet.');
}
