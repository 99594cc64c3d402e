// @ts-check
/**
 * The attendance page's media-mode timeline: per person one horizontal bar across the
 * session, its segments coloured by mode (video, low video, audio only, chat only,
 * away), the time spent in each mode, and a legend. Built with DOM APIs only (inline
 * SVG geometry attributes, classes for colours: nothing the page's CSP blocks).
 */

import { el } from './dom.js';
import { formatClock, formatDuration } from './durations.js';

const SVG = 'http://www.w3.org/2000/svg';
/** The bar's drawing width (the SVG stretches it to the column). */
const WIDTH = 1000;
const HEIGHT = 14;

/** @typedef {'video'|'low_video'|'audio_only'|'chat_only'|'away'} ModeKey */

/** @type {ReadonlyArray<{key: ModeKey, label: string}>} The modes, in legend order. */
export const MODES = Object.freeze([
  { key: 'video', label: 'Video' },
  { key: 'low_video', label: 'Low video' },
  { key: 'audio_only', label: 'Audio only' },
  { key: 'chat_only', label: 'Chat only' },
  { key: 'away', label: 'Away' },
]);

/**
 * What the attendance API says about one person's media (the fields this module reads).
 * @typedef {Object} ModePerson
 * @property {string} display_name
 * @property {number} seconds_present
 * @property {Array<[string, string|null]>} intervals ISO start and end (null: still there).
 * @property {Array<{at: string, mode: string, reason: string, video_step: string}>} mode_changes
 * @property {Record<string, number>} seconds_by_mode Seconds per API mode (video, audio_only, chat_only).
 */

/**
 * @typedef {Object} Segment
 * @property {ModeKey} mode
 * @property {number} start Epoch seconds.
 * @property {number} end Epoch seconds.
 */

/** @param {string} iso */
const epoch = (iso) => new Date(iso).getTime() / 1000;

/**
 * The mode a change leads to ("video" below its full step is low video).
 * @param {{mode: string, video_step: string}} change
 * @returns {ModeKey}
 */
function modeOf(change) {
  if (change.mode === 'video') return change.video_step === 'full' ? 'video' : 'low_video';
  return change.mode === 'audio_only' || change.mode === 'chat_only' ? change.mode : 'video';
}

/**
 * Splits [from, to] into one person's mode segments: away outside their intervals of
 * presence; inside one, video from its start (every membership starts with video), then
 * each logged change. Adjacent segments of one mode are merged; empty ones dropped.
 * @param {ModePerson} person
 * @param {number} from Epoch seconds (the session's start).
 * @param {number} to Epoch seconds (its end, or now while it is live).
 * @returns {Array<Segment>}
 */
export function segments(person, from, to) {
  /** @type {Array<Segment>} */
  const out = [];
  /** @type {(mode: ModeKey, start: number, end: number) => void} */
  const push = (mode, start, end) => {
    const s = Math.max(from, start);
    const e = Math.min(to, end);
    if (e <= s) return;
    const last = out[out.length - 1];
    if (last && last.mode === mode && last.end >= s) last.end = e;
    else out.push({ mode, start: s, end: e });
  };
  const changes = person.mode_changes.map((c) => ({ at: epoch(c.at), mode: modeOf(c) }))
    .sort((a, b) => a.at - b.at);
  let cursor = from;
  for (const [startIso, endIso] of person.intervals) {
    const start = epoch(startIso);
    const end = endIso === null ? to : epoch(endIso);
    push('away', cursor, start);
    /** @type {ModeKey} */
    let mode = 'video';
    let since = start;
    for (const change of changes) {
      if (change.at < start || change.at >= end) continue;
      push(mode, since, change.at);
      mode = change.mode;
      since = change.at;
    }
    push(mode, since, end);
    cursor = Math.max(cursor, end);
  }
  push('away', cursor, to);
  return out;
}

/**
 * Seconds per mode: the API's figures for video, audio only and chat only (the same as
 * the CSV), video split into full and low by the segments, and away as the session's
 * length minus the time present.
 * @param {ModePerson} person
 * @param {Array<Segment>} parts From {@link segments}.
 * @param {number} length The session's length in seconds.
 * @returns {Record<ModeKey, number>}
 */
export function secondsPerMode(person, parts, length) {
  const low = parts.filter((p) => p.mode === 'low_video').reduce((sum, p) => sum + p.end - p.start, 0);
  const video = person.seconds_by_mode.video ?? 0;
  return {
    video: Math.max(0, video - Math.min(low, video)),
    low_video: Math.min(low, video),
    audio_only: person.seconds_by_mode.audio_only ?? 0,
    chat_only: person.seconds_by_mode.chat_only ?? 0,
    away: Math.max(0, length - person.seconds_present),
  };
}

/** @param {ModeKey} key */
const labelOf = (key) => MODES.find((m) => m.key === key)?.label ?? key;

/**
 * @param {ModeKey} key
 * @returns {HTMLSpanElement} A decorative colour swatch.
 */
const swatch = (key) => el('span', { className: `mode-swatch mode-${key}`, attrs: { 'aria-hidden': 'true' } });

/**
 * The legend: a swatch and name per mode.
 * @returns {HTMLUListElement}
 */
export function modeLegend() {
  return el('ul', {
    className: 'mode-legend',
    attrs: { 'aria-label': 'Legend' },
    children: MODES.map((m) => el('li', { attrs: { 'data-mode': m.key }, children: [swatch(m.key), document.createTextNode(m.label)] })),
  });
}

/**
 * One person's row: name, the bar (an image whose name lists the time per mode) and
 * the time per mode in text.
 * @param {ModePerson} person
 * @param {number} from
 * @param {number} to
 * @returns {HTMLLIElement}
 */
export function personTimeline(person, from, to) {
  const parts = segments(person, from, to);
  const totals = secondsPerMode(person, parts, to - from);
  const shown = MODES.filter((m) => totals[m.key] >= 0.5);
  const words = shown.map((m) => `${m.label} ${formatDuration(totals[m.key])}`).join(', ');
  const name = person.display_name || 'Guest';
  const bar = /** @type {SVGSVGElement} */ (document.createElementNS(SVG, 'svg'));
  for (const [k, v] of Object.entries({ class: 'mode-bar', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': `${name}: ${words || 'no time recorded'}` })) {
    bar.setAttribute(k, v);
  }
  const span = Math.max(1, to - from);
  for (const part of parts) {
    const rect = document.createElementNS(SVG, 'rect');
    const x = ((part.start - from) / span) * WIDTH;
    const attrs = { class: `mode-seg mode-${part.mode}`, x: x.toFixed(2), y: '0', height: String(HEIGHT), width: (((part.end - part.start) / span) * WIDTH).toFixed(2), 'data-mode': part.mode };
    for (const [k, v] of Object.entries(attrs)) rect.setAttribute(k, v);
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `${labelOf(part.mode)}, ${formatClock(part.start)}–${formatClock(part.end)} (${formatDuration(part.end - part.start)})`;
    rect.append(title);
    bar.append(rect);
  }
  return el('li', {
    className: 'mode-person',
    children: [
      el('span', { className: 'mode-name', text: name }),
      el('div', { className: 'mode-track', children: [bar] }),
      el('ul', {
        className: 'mode-totals',
        children: shown.map((m) => el('li', {
          attrs: { 'data-mode': m.key },
          children: [swatch(m.key), el('span', { text: `${m.label} ${formatDuration(totals[m.key])}` })],
        })),
      }),
    ],
  });
}

/**
 * Renders everyone's timeline into `list` and the time axis into `axis`.
 * @param {HTMLElement} list An `<ol>`: its children are replaced.
 * @param {HTMLElement} axis Gets the start and end times.
 * @param {Array<ModePerson>} people
 * @param {number|null} from Epoch seconds; null when nobody ever joined.
 * @param {number} to
 */
export function renderTimeline(list, axis, people, from, to) {
  if (from === null || people.length === 0) {
    list.replaceChildren(el('li', { className: 'empty-state', text: 'Nobody has joined yet.' }));
    axis.replaceChildren();
    return;
  }
  list.replaceChildren(...people.map((p) => personTimeline(p, from, to)));
  axis.replaceChildren(
    el('span', { text: formatClock(from) }),
    el('span', { text: `${formatDuration(to - from)} in all` }),
    el('span', { text: formatClock(to) }),
  );
}
