// @ts-check
/**
 * The home page's mentor part: "My mentees" (each with their numbers and a link to their
 * home), "Add a mentee" (POST /api/people; the sign-in link is shown once, with Copy) and
 * "New pair" (POST /api/pairs with a cadence; the time zone defaults to the browser's).
 */

import { byId, copyText, el } from './dom.js';
import { formatDuration } from './durations.js';
import { programFetch } from './program_api.js';

/** @typedef {import('./me_types.js').MenteeSummary} MenteeSummary */

const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

/**
 * @param {string} id
 * @param {unknown} problem
 */
function fail(id, problem) {
  const box = byId(id);
  box.textContent = problem instanceof Error ? problem.message : 'That did not work.';
  box.hidden = false;
}

/** @param {string} id */
const value = (id) => byId(id, HTMLInputElement).value.trim();

/** @returns {string} Today in the browser's zone, YYYY-MM-DD. */
function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * @param {Array<MenteeSummary>} mentees
 */
function showTable(mentees) {
  byId('mentees-table').querySelector('tbody')?.replaceChildren(...mentees.map((m) => el('tr', {
    children: [
      el('td', { text: m.name }),
      el('td', { text: m.role }),
      el('td', { className: 'number', text: `${m.sessions_attended} of ${m.sessions_scheduled}` }),
      el('td', { className: 'number', text: formatDuration(m.minutes * 60) }),
      el('td', { className: 'number', text: `${m.goals_by_status.achieved ?? 0} of ${m.goals} achieved` }),
      el('td', { children: [el('a', { text: 'View home', attrs: { href: m.home_url, 'aria-label': `View home of ${m.name}` } })] }),
    ],
  })));
  byId('mentees-empty').hidden = mentees.length > 0;
}

/**
 * Shows the mentor section (mentees, add a mentee, new pair).
 * @param {Array<MenteeSummary>} mentees
 * @param {string} mentorId The mentor whose page this is.
 * @param {() => void} reload
 */
export function showMentor(mentees, mentorId, reload) {
  byId('me-mentor').hidden = false;
  showTable(mentees);
  const select = byId('pair-mentee', HTMLSelectElement);
  select.replaceChildren(...mentees.filter((m) => m.role === 'mentee').map((m) => new Option(m.name, m.person_id)));
  const weekday = byId('pair-weekday', HTMLSelectElement);
  if (!weekday.options.length) {
    weekday.replaceChildren(...WEEKDAYS.map((d) => new Option(d[0].toUpperCase() + d.slice(1), d)));
    weekday.value = 'tuesday';
    byId('pair-zone', HTMLInputElement).value = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
    byId('pair-start', HTMLInputElement).value = today();
  }

  const menteeForm = byId('mentee-form', HTMLFormElement);
  menteeForm.onsubmit = async (event) => {
    event.preventDefault();
    byId('mentee-error').hidden = true;
    if (!menteeForm.reportValidity()) return;
    try {
      const added = await programFetch('POST', '/api/people', {
        name: value('mentee-name'), role: 'mentee', email: value('mentee-email'),
        time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
      });
      byId('mentee-link-for').textContent = `Sign-in link for ${added.person.name}:`;
      byId('mentee-link').textContent = added.signin_url;
      byId('mentee-link-box').hidden = false;
      menteeForm.reset();
      reload();
    } catch (problem) {
      fail('mentee-error', problem);
    }
  };
  byId('copy-mentee-link').onclick = async () => {
    const link = byId('mentee-link');
    const ok = await copyText(link.textContent ?? '', link);
    byId('copy-mentee-link').textContent = ok ? 'Copied' : 'Copy';
  };

  const pairForm = byId('pair-form', HTMLFormElement);
  pairForm.onsubmit = async (event) => {
    event.preventDefault();
    byId('pair-error').hidden = true;
    byId('pair-done').hidden = true;
    if (!pairForm.reportValidity()) return;
    try {
      const pair = await programFetch('POST', '/api/pairs', {
        kind: 'pair', mentor_id: mentorId, mentee_ids: [select.value],
        cadence: {
          every_weeks: Number(value('pair-every')), weekday: weekday.value, time: value('pair-time'),
          minutes: Number(value('pair-minutes')), count: Number(value('pair-count')),
          time_zone: value('pair-zone'), starts_on: value('pair-start'),
        },
      });
      const done = byId('pair-done');
      done.textContent = `Created "${pair.title}" with ${pair.sessions?.length ?? 0} sessions.`;
      done.hidden = false;
      reload();
    } catch (problem) {
      fail('pair-error', problem);
    }
  };
}
