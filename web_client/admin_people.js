// @ts-check
/**
 * The admin page's "People": add one person or a CSV file of them (sent as text/csv),
 * list everyone, issue a new sign-in link (shown once, with Copy) or revoke one.
 */

import { ApiError, describeDetail, request } from './api.js';
import { byId, copyText, el } from './dom.js';

/**
 * @typedef {Object} PersonRow
 * @property {string} person_id
 * @property {string} name
 * @property {string} role
 * @property {string} email
 * @property {string} time_zone
 * @property {boolean} has_signin_link
 */
/** @typedef {{person: PersonRow, signin_url: string}} PersonAdded */

/** @type {() => string} */
let tokenOf = () => '';
/** @type {() => Promise<void>} */
let changed = async () => undefined;
/** @type {Array<PersonRow>} */
export let people = [];

/** @param {unknown} problem */
function fail(problem) {
  const box = byId('people-error');
  box.textContent = problem instanceof Error ? problem.message : 'That did not work.';
  box.hidden = false;
}

/**
 * Shows sign-in links (each once) with a Copy button.
 * @param {Array<PersonAdded>} added
 */
function showLinks(added) {
  byId('people-link-list').replaceChildren(...added.map((a) => {
    const code = el('code', { className: 'link-text', text: a.signin_url });
    const copy = el('button', { className: 'button small', text: 'Copy', attrs: { type: 'button', 'aria-label': `Copy ${a.person.name}'s link` } });
    copy.addEventListener('click', async () => { copy.textContent = (await copyText(a.signin_url, code)) ? 'Copied' : 'Copy'; });
    return el('li', { className: 'link-row', children: [el('span', { text: `${a.person.name}: ` }), code, copy] });
  }));
  byId('people-links').hidden = added.length === 0;
}

/**
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 */
async function call(method, path, body) {
  byId('people-error').hidden = true;
  return request(method, path, { token: tokenOf(), body });
}

/** Loads and lists everyone. */
export async function loadPeople() {
  try {
    people = /** @type {Array<PersonRow>} */ (await call('GET', '/api/people'));
  } catch (problem) {
    fail(problem);
    return;
  }
  byId('people-table').querySelector('tbody')?.replaceChildren(...people.map((p) => {
    const issue = el('button', { className: 'button small', text: 'New sign-in link', attrs: { type: 'button', 'aria-label': `New sign-in link for ${p.name}` } });
    issue.addEventListener('click', async () => {
      try {
        showLinks([/** @type {PersonAdded} */ (await call('POST', `/api/people/${encodeURIComponent(p.person_id)}/signin-link`))]);
        await loadPeople();
      } catch (problem) { fail(problem); }
    });
    const revoke = el('button', { className: 'button small danger', text: 'Revoke link', attrs: { type: 'button', 'aria-label': `Revoke link of ${p.name}` } });
    revoke.disabled = !p.has_signin_link;
    revoke.addEventListener('click', async () => {
      try {
        await call('DELETE', `/api/people/${encodeURIComponent(p.person_id)}/signin-link`);
        await loadPeople();
      } catch (problem) { fail(problem); }
    });
    return el('tr', {
      children: [
        el('td', { text: p.name }), el('td', { text: p.role }), el('td', { text: p.email || '–' }),
        el('td', { text: p.time_zone }), el('td', { text: p.has_signin_link ? 'Active' : 'None' }),
        el('td', { children: [el('div', { className: 'button-row', children: [issue, revoke] })] }),
      ],
    });
  }));
  byId('people-empty').hidden = people.length > 0;
}

/**
 * Uploads a CSV file (text/csv, admin credential).
 * @param {string} text
 * @returns {Promise<Array<PersonAdded>>}
 */
async function uploadCsv(text) {
  const response = await fetch('/api/people/import', {
    method: 'POST', body: text,
    headers: { 'Content-Type': 'text/csv', Accept: 'application/json', Authorization: `Bearer ${tokenOf()}` },
  });
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, describeDetail(data?.detail) || `The server answered ${response.status}.`);
  return data;
}

/**
 * @param {() => string} token
 * @param {() => Promise<void>} onChange Called after people change.
 */
export function initPeople(token, onChange) {
  tokenOf = token;
  changed = onChange;
  byId('person-zone', HTMLInputElement).value = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const form = byId('person-form', HTMLFormElement);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!form.reportValidity()) return;
    try {
      const added = /** @type {PersonAdded} */ (await call('POST', '/api/people', {
        name: byId('person-name', HTMLInputElement).value.trim(),
        role: byId('person-role', HTMLSelectElement).value,
        email: byId('person-email', HTMLInputElement).value.trim(),
        time_zone: byId('person-zone', HTMLInputElement).value.trim(),
      }));
      showLinks([added]);
      byId('person-name', HTMLInputElement).value = '';
      byId('person-email', HTMLInputElement).value = '';
      await changed();
    } catch (problem) { fail(problem); }
  });
  const csvForm = byId('people-csv-form', HTMLFormElement);
  csvForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const file = byId('people-csv', HTMLInputElement).files?.[0];
    if (!file) { fail(new Error('Choose a CSV file first.')); return; }
    byId('people-error').hidden = true;
    try {
      showLinks(await uploadCsv(await file.text()));
      csvForm.reset();
      await changed();
    } catch (problem) { fail(problem); }
  });
}
