// @ts-check
/**
 * The admin page's bar charts: one row per item with its label in HTML text (readable
 * at any width), one horizontal bar per series drawn as a small inline SVG (decorative:
 * each bar's value is written next to it), and a legend naming the series. DOM APIs
 * only; colours come from the `bar-<key>` classes in admin.css.
 */

import { el } from './dom.js';
import { formatDay, formatDuration, formatShortWhen } from './durations.js';

const SVG = 'http://www.w3.org/2000/svg';

/**
 * @typedef {Object} ChartSeries
 * @property {string} key Class suffix (`bar-<key>`, `swatch-<key>`).
 * @property {string} label The legend's name for it.
 */
/**
 * @typedef {Object} ChartRow
 * @property {string} label What the row is (a session, a pair).
 * @property {Array<{key: string, value: number, text: string}>} values One per series.
 */

/**
 * @param {string} tag
 * @param {Record<string, string|number>} attrs
 * @returns {SVGElement}
 */
function svg(tag, attrs) {
  const node = /** @type {SVGElement} */ (document.createElementNS(SVG, tag));
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

/**
 * The legend: a swatch and name per series.
 * @param {Array<ChartSeries>} series
 * @returns {HTMLUListElement}
 */
export function chartLegend(series) {
  return el('ul', {
    className: 'chart-legend',
    attrs: { 'aria-label': 'Legend' },
    children: series.map((s) => el('li', {
      children: [el('span', { className: `swatch swatch-${s.key}`, attrs: { 'aria-hidden': 'true' } }), document.createTextNode(s.label)],
    })),
  });
}

/**
 * Draws a horizontal bar chart into `container` (its children are replaced): the legend,
 * then per row its label and one bar per value, scaled to the largest value.
 * @param {HTMLElement} container
 * @param {Array<ChartSeries>} series
 * @param {Array<ChartRow>} rows
 * @param {string} empty Shown instead when there are no rows.
 */
export function barChart(container, series, rows, empty) {
  const top = Math.max(1e-9, ...rows.flatMap((r) => r.values.map((v) => v.value)));
  container.replaceChildren(
    chartLegend(series),
    rows.length === 0
      ? el('p', { className: 'empty-state', text: empty })
      : el('ol', {
        className: 'bar-rows',
        children: rows.map((row) => el('li', {
          className: 'bar-row',
          children: [
            el('span', { className: 'bar-label', text: row.label }),
            ...row.values.map((v) => {
              const track = svg('svg', { class: 'bar-track', viewBox: '0 0 100 10', preserveAspectRatio: 'none', 'aria-hidden': 'true' });
              track.append(svg('rect', { class: `bar bar-${v.key}`, x: 0, y: 0, height: 10, width: Math.max(0.5, (v.value / top) * 100).toFixed(2) }));
              return el('div', { className: 'bar-line', children: [track, el('span', { className: 'bar-value', text: v.text })] });
            }),
          ],
        })),
      }),
  );
}

/**
 * Names for sessions that never repeat: "Title · Dec 2"; when two sessions share a day,
 * "Title · Dec 2, 14:05" for those; any label still repeated gets " (2)", " (3)"…
 * @param {Array<{title: string, start: number}>} sessions `start` in epoch seconds.
 * @returns {Array<string>} One label per session, in the same order.
 */
export function sessionLabels(sessions) {
  /** @type {Map<string, number>} */
  const perDay = new Map();
  for (const s of sessions) perDay.set(formatDay(s.start), (perDay.get(formatDay(s.start)) ?? 0) + 1);
  const labels = sessions.map((s) => {
    const day = formatDay(s.start);
    return `${s.title || 'Untitled session'} · ${(perDay.get(day) ?? 0) > 1 ? formatShortWhen(s.start) : day}`;
  });
  /** @type {Map<string, number>} */
  const seen = new Map();
  const total = new Map(labels.map((l) => [l, labels.filter((x) => x === l).length]));
  return labels.map((label) => {
    if ((total.get(label) ?? 0) < 2) return label;
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    return `${label} (${n})`;
  });
}

/**
 * @typedef {Object} TimelineRow
 * @property {string} session_id
 * @property {number} scheduled_start
 * @property {number} invited
 * @property {number} attended
 * @property {number} minutes
 */

/**
 * Invited and attending people per session, oldest first, each session named by its
 * title (and day, or day and time when two share a day).
 * @param {HTMLElement} container
 * @param {Array<TimelineRow>} rows
 * @param {Map<string, string>} titles Session id to title.
 */
export function drawAttendance(container, rows, titles) {
  const labels = sessionLabels(rows.map((r) => ({ title: titles.get(r.session_id) ?? '', start: r.scheduled_start })));
  barChart(container, [{ key: 'invited', label: 'Invited' }, { key: 'attended', label: 'Attended' }],
    rows.map((r, i) => ({
      label: labels[i],
      values: [
        { key: 'invited', value: r.invited, text: `${r.invited} invited` },
        { key: 'attended', value: r.attended, text: `${r.attended} attended` },
      ],
    })), 'No sessions yet.');
}

/**
 * Time spent together per mentor–mentee pair.
 * @param {HTMLElement} container
 * @param {Array<{mentor_name: string, mentee_name: string, progress: {total_minutes: number}}>} pairs
 */
export function drawPairs(container, pairs) {
  barChart(container, [{ key: 'minutes', label: 'Time together' }],
    pairs.map((p) => ({
      label: `${p.mentor_name} – ${p.mentee_name}`,
      values: [{ key: 'minutes', value: p.progress.total_minutes, text: formatDuration(p.progress.total_minutes * 60) }],
    })), 'No pairs yet.');
}
