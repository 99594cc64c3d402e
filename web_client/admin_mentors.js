// @ts-check
/**
 * The admin page's "Mentor credentials" section: issue one for a name (its secret is
 * shown this once, with a copy button), list them, revoke one. Uses the admin
 * credential the page already keeps; all text via textContent.
 */
import { fetchAuthorized, postAuthorized, request } from './api.js';
import { byId, copyText, el } from './dom.js';
import { formatShortWhen } from './durations.js';

const PATH = '/api/admin/mentors';

/**
 * A mentor credential as listed (never its secret).
 * @typedef {Object} MentorCredential
 * @property {string} credential_id
 * @property {string} name
 * @property {string} created_at ISO-8601.
 * @property {string|null} revoked_at ISO-8601; null while it works.
 */

/**
 * A new mentor credential, with its secret (shown once).
 * @typedef {Object} IssuedCredential
 * @property {string} credential_id
 * @property {string} name
 * @property {string} created_at
 * @property {string} credential
 */

/** @type {() => string} */
let adminToken = () => '';

/** @param {string} message Empty hides it. */
function showError(message) {
  const box = byId('mentor-error');
  box.textContent = message;
  box.hidden = !message;
}

/**
 * @param {unknown} problem
 * @param {string} fallback
 */
function explain(problem, fallback) {
  showError(problem instanceof Error ? problem.message : fallback);
}

/**
 * DELETEs a path with the admin credential.
 * @param {string} path
 * @returns {Promise<MentorCredential>}
 * @throws {import("./api.js").ApiError}
 */
async function deleteAuthorized(path) {
  return /** @type {MentorCredential} */ (await request('DELETE', path, { token: adminToken() }));
}

/**
 * One table row: name, issue time, status and (while it works) a revoke button.
 * @param {MentorCredential} credential
 * @returns {HTMLTableRowElement}
 */
function row(credential) {
  const revoked = credential.revoked_at !== null;
  const action = el('td');
  if (!revoked) {
    const button = el('button', {
      className: 'button subtle',
      text: 'Revoke',
      attrs: { type: 'button', 'aria-label': `Revoke ${credential.name}'s credential` },
    });
    button.addEventListener('click', () => void revoke(credential, button));
    action.append(button);
  }
  return el('tr', {
    attrs: { 'data-credential-id': credential.credential_id, 'data-state': revoked ? 'revoked' : 'active' },
    children: [
      el('td', { text: credential.name }),
      el('td', { className: 'when', text: formatShortWhen(credential.created_at) }),
      el('td', { className: 'when', text: revoked ? `Revoked ${formatShortWhen(credential.revoked_at)}` : 'Active' }),
      action,
    ],
  });
}

/** Reloads the list. */
async function refresh() {
  try {
    const list = /** @type {Array<MentorCredential>} */ (await (await fetchAuthorized(PATH, adminToken())).json());
    byId('mentor-table').querySelector('tbody')?.replaceChildren(...list.map(row));
    byId('mentor-empty').hidden = list.length > 0;
  } catch (problem) {
    explain(problem, 'Could not load the mentor credentials.');
  }
}

/**
 * @param {MentorCredential} credential
 * @param {HTMLButtonElement} button
 */
async function revoke(credential, button) {
  if (!window.confirm(`Revoke ${credential.name}'s credential? It stops creating sessions at once.`)) return;
  showError('');
  button.disabled = true;
  button.textContent = 'Revoking…';
  button.setAttribute('aria-busy', 'true');
  try {
    await deleteAuthorized(`${PATH}/${encodeURIComponent(credential.credential_id)}`);
    await refresh();
  } catch (problem) {
    button.disabled = false;
    button.textContent = 'Revoke';
    button.removeAttribute('aria-busy');
    explain(problem, `Could not revoke ${credential.name}'s credential.`);
  }
}

/** @param {SubmitEvent} event */
async function issue(event) {
  event.preventDefault();
  showError('');
  const input = byId('mentor-issue-name', HTMLInputElement);
  const name = input.value.trim();
  if (!name) {
    showError("Type the mentor's name first.");
    input.focus();
    return;
  }
  const button = byId('mentor-issue', HTMLButtonElement);
  button.disabled = true;
  try {
    const issued = /** @type {IssuedCredential} */ (await postAuthorized(PATH, adminToken(), { name }));
    byId('mentor-secret-for').textContent =
      `${issued.name}'s credential. Copy it now and hand it to them: it is not shown again.`;
    byId('mentor-secret').textContent = issued.credential;
    byId('mentor-secret-box').hidden = false;
    input.value = '';
    await refresh();
  } catch (problem) {
    explain(problem, 'Could not issue the credential.');
  } finally {
    button.disabled = false;
  }
}

/**
 * Wires the section once.
 * @param {() => string} token Returns the admin credential the page keeps.
 */
export function initMentors(token) {
  adminToken = token;
  byId('mentor-issue-form').addEventListener('submit', (event) => void issue(event));
  const copy = byId('copy-mentor-secret', HTMLButtonElement);
  copy.addEventListener('click', async () => {
    const secret = byId('mentor-secret');
    copy.textContent = (await copyText(secret.textContent ?? '', secret)) ? 'Copied' : 'Press Ctrl+C';
    window.setTimeout(() => {
      copy.textContent = 'Copy';
    }, 2000);
  });
}

/** Shows the section (after the admin credential was accepted) and loads the list. */
export async function showMentors() {
  byId('mentor-credentials').hidden = false;
  await refresh();
}
