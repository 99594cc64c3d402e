// @ts-check
/**
 * Renders the admin dashboard's rows: one card per live session with its
 * participants, and the "ended today" table. Pure DOM building from the wire
 * types (user text only through textContent); the controller in live.js owns the
 * socket, the clock and the actions.
 */

import { el, roleLabel } from './dom.js';
import { formatDuration } from './durations.js';
import { MediaMode, QualityLevel, TimerStatus } from './protocol.js';

/** @typedef {import('./protocol.js').LiveSession} LiveSession */
/** @typedef {import('./protocol.js').LiveParticipant} LiveParticipant */
/** @typedef {import('./protocol.js').TimerInfo} TimerInfo */

/**
 * @typedef {Object} EndedSession
 * @property {string} session_id
 * @property {string} title
 * @property {string} kind
 * @property {string|null} actual_start
 * @property {string|null} actual_end
 * @property {number|null} length_seconds
 * @property {number} people
 * @property {boolean} ended_by_admin
 * @property {string} attendance_page
 * @property {string} notes
 */

/**
 * "m:ss" or "h:mm:ss" for a number of seconds (negative: "-m:ss").
 * @param {number} seconds
 * @returns {string}
 */
export function clock(seconds) {
  const sign = seconds < 0 ? '-' : '';
  const s = Math.floor(Math.abs(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h ? `${sign}${h}:${String(m).padStart(2, '0')}:${rest}` : `${sign}${m}:${rest}`;
}

/**
 * A bitrate in words ("1.2 Mb/s", "64 kb/s", "—").
 * @param {number} bits
 * @returns {string}
 */
export function bitrate(bits) {
  if (!bits) return '—';
  return bits >= 1e6 ? `${(bits / 1e6).toFixed(1)} Mb/s` : `${Math.round(bits / 1e3)} kb/s`;
}

/** @type {Map<number, string>} */
const QUALITY_WORDS = new Map([
  [QualityLevel.GOOD, 'good'], [QualityLevel.FAIR, 'fair'],
  [QualityLevel.POOR, 'poor'], [QualityLevel.LOST, 'lost'],
]);
/** @type {Map<string, string>} */
const MODE_WORDS = new Map([
  [MediaMode.VIDEO, 'video'], [MediaMode.AUDIO_ONLY, 'audio only'], [MediaMode.CHAT_ONLY, 'chat only'],
]);

/**
 * The timer in words at server time `now`.
 * @param {TimerInfo} timer
 * @param {number} now Server epoch seconds.
 * @returns {string}
 */
export function timerText(timer, now) {
  if (timer.status === TimerStatus.IDLE) return 'timer not started';
  const left = timer.status === TimerStatus.RUNNING && timer.since !== null && timer.since !== undefined
    ? timer.remaining - (now - timer.since) : timer.remaining;
  const state = timer.status === TimerStatus.RUNNING ? 'running' : timer.status;
  return left < 0 ? `timer ${state}, ${clock(-left)} over` : `timer ${state}, ${clock(left)} left`;
}

/**
 * Elapsed vs planned time at server time `now`.
 * @param {LiveSession} session
 * @param {number} now
 * @returns {string}
 */
export function elapsedText(session, now) {
  if (session.started_at === null || session.started_at === undefined) return 'not started';
  const elapsed = clock(now - session.started_at);
  return session.planned_minutes ? `${elapsed} of ${session.planned_minutes} min` : `${elapsed} elapsed`;
}

/**
 * @typedef {Object} RowActions
 * @property {(session: LiveSession) => void} end
 * @property {(session: LiveSession) => void} observe
 * @property {(session: LiveSession) => void} attendance
 * @property {(session: LiveSession) => void} notes
 * @property {(session: LiveSession, person: LiveParticipant) => void} remove
 */

/**
 * What is under way on a card, so a rebuilt card keeps showing it.
 * @typedef {Object} CardState
 * @property {boolean} ending An "End session" request is in flight.
 * @property {ReadonlySet<string>} removing Participant ids whose removal is in flight.
 */

/** @type {CardState} */
const IDLE = Object.freeze({ ending: false, removing: new Set() });

/**
 * @param {string} text
 * @param {() => void} onClick
 * @param {string} [className]
 * @param {string|null} [busy] When set: the button shows this text, disabled and busy.
 * @returns {HTMLButtonElement}
 */
function button(text, onClick, className = 'button small', busy = null) {
  const b = el('button', { className, text: busy ?? text, attrs: { type: 'button' } });
  if (busy !== null) {
    b.disabled = true;
    b.setAttribute('aria-busy', 'true');
  }
  b.addEventListener('click', onClick);
  return b;
}

/**
 * One participant's table row.
 * @param {LiveSession} session
 * @param {LiveParticipant} person
 * @param {RowActions} actions
 * @param {boolean} removing Its removal is in flight.
 * @returns {HTMLTableRowElement}
 */
function participantRow(session, person, actions, removing) {
  const words = [MODE_WORDS.get(person.media_mode) ?? person.media_mode];
  if (person.media_mode === 'video' && (person.video_step ?? 4) < 4) words.push('low video');
  if (person.sharing_since != null) {
    const minutes = Math.max(0, Math.floor((Date.now() / 1000 - person.sharing_since) / 60));
    words.push(`sharing screen (${minutes} min)`);
  }
  const mode = words.join(' · ');
  const row = el('tr', {
    className: 'live-participant',
    attrs: { 'data-participant-id': person.participant_id, 'data-role': person.role,
      'data-media-mode': person.media_mode, 'data-sharing': String(person.sharing_since != null) },
    children: [
      el('td', { className: 'person-name', text: person.display_name || 'Guest' }),
      el('td', { children: [el('span', { className: 'role-badge', text: roleLabel(person.role), attrs: { 'data-role': person.role } })] }),
      el('td', { className: 'person-mode', text: person.connected ? mode : `${mode} (reconnecting)` }),
      el('td', { className: 'person-quality', text: QUALITY_WORDS.get(person.quality) ?? String(person.quality), attrs: { 'data-quality': String(person.quality) } }),
      el('td', { className: 'person-bitrate', text: `${bitrate(person.bitrate_in)} in · ${bitrate(person.bitrate_out)} out` }),
      el('td', { className: 'person-present', attrs: { 'data-since': String(person.joined_at) } }),
      el('td', { children: [button('Remove', () => actions.remove(session, person), 'button small danger', removing ? 'Removing…' : null)] }),
    ],
  });
  return row;
}

/**
 * One live session's card. "End session" reads "Ending…" (disabled) while `state.ending`,
 * and "Ended" (disabled) once the session has ended; a participant's "Remove" reads
 * "Removing…" while their removal is in flight.
 * @param {LiveSession} session
 * @param {RowActions} actions
 * @param {CardState} [state]
 * @returns {HTMLElement}
 */
export function sessionCard(session, actions, state = IDLE) {
  const kind = session.kind === 'circle' ? `Circle · ${session.capacity} seats` : 'One-on-one';
  const item = session.current_item;
  const agenda = item
    ? `Now: ${item.title}${item.planned_minutes ? ` (${item.planned_minutes} min)` : ''} · ${session.agenda_done} of ${session.agenda_total} done`
    : `Agenda: ${session.agenda_done} of ${session.agenda_total} done`;
  const people = session.participants;
  return el('article', {
    className: 'card live-session',
    attrs: { 'data-session-id': session.session_id, 'aria-label': session.title },
    children: [
      el('header', {
        className: 'live-session-head',
        children: [
          el('h2', { className: 'live-title', text: session.title }),
          el('span', { className: 'live-kind', text: kind }),
          session.ended_at ? el('span', { className: 'live-ended', text: 'ended' }) : null,
        ],
      }),
      el('p', {
        className: 'live-facts',
        children: [
          el('span', { className: 'live-elapsed' }),
          el('span', { className: 'live-agenda', text: agenda }),
          el('span', { className: 'live-timer' }),
        ],
      }),
      people.length
        ? el('div', {
          className: 'table-scroll',
          attrs: { role: 'region', 'aria-label': `People in ${session.title}`, tabindex: '0' },
          children: [el('table', {
            className: 'pairs-table live-people',
            children: [
              el('thead', { children: [el('tr', { children: [
                ...['Name', 'Role', 'Media', 'Quality', 'Bitrate', 'Present'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })),
                el('th', { attrs: { scope: 'col' }, children: [el('span', { className: 'visually-hidden', text: 'Actions' })] }),
              ] })] }),
              el('tbody', { children: people.map((p) => participantRow(session, p, actions, state.removing.has(p.participant_id))) }),
            ],
          })],
        })
        : el('p', { className: 'empty-state', text: 'Nobody is in this session now.' }),
      el('div', {
        className: 'live-actions',
        children: [
          button('End session', () => actions.end(session), 'button small danger live-end',
            session.ended_at ? 'Ended' : state.ending ? 'Ending…' : null),
          button('Join as observer', () => actions.observe(session)),
          button('Attendance', () => actions.attendance(session)),
          button('Notes', () => actions.notes(session)),
        ],
      }),
    ],
  });
}

/**
 * Refreshes the times of every card (elapsed, timer, time present) at server time `now`.
 * @param {HTMLElement} container
 * @param {Map<string, LiveSession>} sessions
 * @param {number} now
 */
export function tick(container, sessions, now) {
  for (const card of container.querySelectorAll('article.live-session')) {
    const session = sessions.get(/** @type {HTMLElement} */ (card).dataset.sessionId ?? '');
    if (!session) continue;
    const elapsed = card.querySelector('.live-elapsed');
    if (elapsed) elapsed.textContent = elapsedText(session, now);
    const timer = card.querySelector('.live-timer');
    if (timer) timer.textContent = timerText(session.timer, now);
    for (const cell of card.querySelectorAll('.person-present')) {
      const since = Number(/** @type {HTMLElement} */ (cell).dataset.since);
      cell.textContent = clock(now - since);
    }
  }
}

/**
 * One row of the "ended today" table.
 * @param {EndedSession} ended
 * @param {(ended: EndedSession) => void} openAttendance
 * @returns {HTMLTableRowElement}
 */
export function endedRow(ended, openAttendance) {
  const time = (/** @type {string|null} */ iso) => iso ? new Date(iso).toLocaleTimeString(undefined, { timeStyle: 'short' }) : '';
  const nowrap = (/** @type {string} */ text) => el('td', { className: 'when', text });
  return el('tr', {
    attrs: { 'data-session-id': ended.session_id },
    children: [
      el('td', { text: ended.title }),
      nowrap(time(ended.actual_start)),
      nowrap(time(ended.actual_end)),
      nowrap(ended.length_seconds === null ? '' : formatDuration(ended.length_seconds)),
      el('td', { text: String(ended.people) }),
      el('td', { text: ended.ended_by_admin ? 'yes' : '' }),
      el('td', { children: [button('Attendance', () => openAttendance(ended))] }),
    ],
  });
}
