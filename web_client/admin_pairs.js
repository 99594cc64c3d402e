// @ts-check
/**
 * The admin page's "Pairs": create a pair or a circle for a mentor and mentees, with an
 * optional cadence (POST /api/pairs), and list them with their next session and the
 * series' calendar file.
 */

import { request } from './api.js';
import { people } from './admin_people.js';
import { byId, el, formatWhen } from './dom.js';

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/**
 * @typedef {Object} PairOut
 * @property {string} pair_id
 * @property {string} kind
 * @property {string} title
 * @property {{person_id: string, name: string}} mentor
 * @property {Array<{person_id: string, name: string}>} mentees
 * @property {Array<{session_id: string, start: string, status: string}>} sessions
 */

/** @type {() => string} */
let tokenOf = () => '';
/** @type {() => Promise<void>} */
let changed = async () => undefined;

/** @param {unknown} problem */
function fail(problem) {
  const box = byId('pairs-error');
  box.textContent = problem instanceof Error ? problem.message : 'That did not work.';
  box.hidden = false;
}

/** Fills the mentor select and mentee checkboxes from the people list. */
function fillPeople() {
  const mentor = byId('pair-mentor', HTMLSelectElement);
  const keep = mentor.value;
  mentor.replaceChildren(...people.filter((p) => p.role === 'mentor').map((p) => new Option(p.name, p.person_id)));
  if (keep) mentor.value = keep;
  byId('pair-mentees').replaceChildren(...people.filter((p) => p.role === 'mentee').map((p) => el('label', {
    className: 'choice-inline',
    children: [el('input', { attrs: { type: 'checkbox', name: 'pair-mentee', value: p.person_id } }), document.createTextNode(` ${p.name}`)],
  })));
}

/** Loads and lists the pairs (and refreshes the form's people). */
export async function loadPairs() {
  byId('pairs-error').hidden = true;
  /** @type {Array<PairOut>} */
  let pairs;
  try {
    pairs = /** @type {Array<PairOut>} */ (await request('GET', '/api/pairs', { token: tokenOf() }));
  } catch (problem) {
    fail(problem);
    return;
  }
  fillPeople();
  const now = Date.now();
  byId('pairs-list').querySelector('tbody')?.replaceChildren(...pairs.map((p) => {
    const next = (p.sessions ?? []).find((s) => s.status === 'scheduled' && Date.parse(s.start) > now);
    return el('tr', {
      children: [
        el('td', { text: `${p.title}${p.kind === 'circle' ? ' (circle)' : ''}` }),
        el('td', { text: p.mentor.name }),
        el('td', { text: p.mentees.map((m) => m.name).join(', ') }),
        el('td', { className: 'when', text: next ? formatWhen(next.start) : '–' }),
        el('td', { children: [el('a', { text: 'ICS', attrs: { href: `/api/pairs/${encodeURIComponent(p.pair_id)}/calendar.ics`, 'aria-label': `ICS calendar file for ${p.title}` } })] }),
      ],
    });
  }));
  byId('pairs-empty').hidden = pairs.length > 0;
}

/** @param {string} id */
const value = (id) => byId(id, HTMLInputElement).value.trim();

/**
 * @param {() => string} token
 * @param {() => Promise<void>} onChange
 */
export function initPairs(token, onChange) {
  tokenOf = token;
  changed = onChange;
  const weekday = byId('cad-weekday', HTMLSelectElement);
  weekday.replaceChildren(...WEEKDAYS.map((d) => new Option(d[0].toUpperCase() + d.slice(1), d)));
  weekday.value = 'tuesday';
  byId('cad-zone', HTMLInputElement).value = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  byId('cad-start', HTMLInputElement).value = new Date().toISOString().slice(0, 10);
  const toggle = byId('pair-has-cadence', HTMLInputElement);
  toggle.addEventListener('change', () => { byId('pair-cadence').hidden = !toggle.checked; });
  const form = byId('pair-create-form', HTMLFormElement);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    byId('pairs-error').hidden = true;
    const mentees = [...form.querySelectorAll('input[name="pair-mentee"]:checked')]
      .map((box) => /** @type {HTMLInputElement} */ (box).value);
    const kind = byId('pair-kind', HTMLSelectElement).value;
    if (!mentees.length || (kind === 'pair' && mentees.length !== 1)) {
      fail(new Error(kind === 'pair' ? 'A pair has exactly one mentee.' : 'Choose the circle\'s mentees.'));
      return;
    }
    if (toggle.checked && !form.reportValidity()) return;
    try {
      await request('POST', '/api/pairs', {
        token: tokenOf(),
        body: {
          kind, mentor_id: byId('pair-mentor', HTMLSelectElement).value, mentee_ids: mentees,
          title: value('pair-title'),
          cadence: toggle.checked ? {
            every_weeks: Number(value('cad-every')), weekday: weekday.value, time: value('cad-time'),
            minutes: Number(value('cad-minutes')), count: Number(value('cad-count')),
            time_zone: value('cad-zone'), starts_on: value('cad-start'),
          } : null,
        },
      });
      byId('pair-title', HTMLInputElement).value = '';
      await changed();
    } catch (problem) { fail(problem); }
  });
}
