// @ts-check
/**
 * The home page's "Upcoming" and "Past sessions" lists. Times show in the browser's own
 * zone. A Join button stays disabled ("Opens 10 min before") until its session's
 * `live_from`, then turns live by itself (a timer re-checks every 15 s and exactly at the
 * next opening). All text via textContent.
 */

import { el, formatWhen } from './dom.js';
import { formatDuration } from './durations.js';

/** @typedef {import('./me_types.js').Upcoming} Upcoming */
/** @typedef {import('./me_types.js').Past} Past */

/** @type {number|undefined} */
let timer;

/**
 * Sets a join control live or waiting, by the time now.
 * @param {HTMLAnchorElement} link
 * @param {Upcoming} session
 * @param {number} now Epoch milliseconds.
 */
function setJoin(link, session, now) {
  const live = Date.parse(session.live_from) <= now;
  link.dataset.live = String(live);
  if (live) {
    link.href = session.join_url;
    link.textContent = 'Join';
    link.classList.add('primary');
    link.removeAttribute('aria-disabled');
  } else {
    link.removeAttribute('href');
    link.textContent = 'Opens 10 min before';
    link.classList.remove('primary');
    link.setAttribute('aria-disabled', 'true');
  }
}

/**
 * Renders the upcoming sessions and keeps their Join buttons in step with the clock.
 * @param {HTMLElement} list
 * @param {HTMLElement} empty
 * @param {Array<Upcoming>} sessions Soonest first.
 * @param {boolean} canJoin False when viewing someone else's home (no Join for them).
 */
export function showUpcoming(list, empty, sessions, canJoin) {
  /** @type {Array<[HTMLAnchorElement, Upcoming]>} */
  const joins = [];
  list.replaceChildren(...sessions.map((s) => {
    const join = el('a', { className: 'button join-button', attrs: { 'data-session': s.session_id } });
    if (canJoin) {
      setJoin(join, s, Date.now());
      joins.push([join, s]);
    }
    return el('li', {
      className: 'me-item',
      children: [
        el('div', {
          className: 'me-item-main',
          children: [
            el('strong', { text: s.title || 'Mentoring session' }),
            el('span', { className: 'muted', text: `${formatWhen(s.start)} · ${s.minutes} min` }),
          ],
        }),
        el('div', {
          className: 'button-row',
          children: [
            canJoin ? join : null,
            el('a', { className: 'button', text: 'Add to calendar', attrs: { href: s.ics_url, download: `${s.session_id}.ics` } }),
          ],
        }),
      ],
    });
  }));
  empty.hidden = sessions.length > 0;
  window.clearTimeout(timer);
  const tick = () => {
    const now = Date.now();
    for (const [link, s] of joins) setJoin(link, s, now);
    const next = Math.min(...joins.map(([, s]) => Date.parse(s.live_from)).filter((t) => t > now));
    timer = window.setTimeout(tick, Number.isFinite(next) ? Math.min(15_000, next - now + 50) : 15_000);
  };
  if (joins.length) tick();
}

/**
 * Renders the past sessions: attendance, the notes excerpt and a link to the summary.
 * @param {HTMLElement} list
 * @param {HTMLElement} empty
 * @param {Array<Past>} sessions Newest first.
 */
export function showPast(list, empty, sessions) {
  list.replaceChildren(...sessions.map((s) => el('li', {
    className: 'me-item me-past',
    children: [
      el('div', {
        className: 'me-item-main',
        children: [
          el('strong', { text: s.title || 'Mentoring session' }),
          el('span', { className: 'muted', text: formatWhen(s.start) }),
          el('span', {
            className: s.attended ? 'attended' : 'missed',
            text: s.attended ? `Attended · ${formatDuration(s.attended_minutes * 60)}` : 'Not attended',
          }),
        ],
      }),
      s.notes_excerpt ? el('p', { className: 'me-excerpt', text: s.notes_excerpt }) : null,
      el('a', { text: 'Notes and outcomes', attrs: { href: s.summary_url } }),
    ],
  })));
  empty.hidden = sessions.length > 0;
}
