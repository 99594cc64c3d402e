// @ts-check
/**
 * The credential that creates sessions on the create page.
 *
 * Creating a session needs a mentor credential (an admin issues it) or an admin
 * credential. The page first tries with the credential this browser kept (or none, for
 * a server with open creation); when the server answers 401/403 it asks for one with a
 * labelled password field, tries again, and keeps it in localStorage once it worked.
 * A refused credential is forgotten, explained and asked for again. "Forget credential"
 * removes it. All text via textContent.
 */
import { ApiError, createSession } from './api.js';
import { csrfToken, programFetch } from './program_api.js';
import { byId } from './dom.js';

/** @typedef {import('./api.js').CreateSessionRequest} CreateSessionRequest */
/** @typedef {import('./api.js').CreateSessionResponse} CreateSessionResponse */

export const CREDENTIAL_KEY = 'mentor-rooms:create-credential';

/** @type {((credential: string|null) => void)|null} Resolves the open prompt. */
let answer = null;

/** @returns {string} The kept credential, or '' (none, or storage is off). */
export function savedCredential() {
  try {
    return window.localStorage.getItem(CREDENTIAL_KEY) ?? '';
  } catch {
    return '';
  }
}

/** @param {string} credential Empty removes it. */
function keep(credential) {
  try {
    if (credential) window.localStorage.setItem(CREDENTIAL_KEY, credential);
    else window.localStorage.removeItem(CREDENTIAL_KEY);
  } catch {
    // Storage is off: the page asks again next time.
  }
  showStatus(credential ? 'This browser keeps your credential for creating sessions.' : '');
}

/**
 * Shows (non-empty text) or hides the line with the "Forget credential" button.
 * @param {string} text
 */
function showStatus(text) {
  byId('credential-status-text').textContent = text;
  byId('forget-credential').hidden = !savedCredential();
  byId('credential-status').hidden = !text;
}

/**
 * POSTs the new session with the credential as `Authorization: Bearer`. Without one, a
 * browser signed in with a personal link sends its sign-in instead (cookie and CSRF
 * token): a mentor's sign-in stands for a mentor credential.
 * @param {CreateSessionRequest} body
 * @param {string} credential
 * @returns {Promise<CreateSessionResponse>}
 * @throws {ApiError} With the server's explanation (401/403 for the credential).
 */
async function postSession(body, credential) {
  if (!credential && csrfToken()) {
    return /** @type {CreateSessionResponse} */ (await programFetch('POST', '/api/sessions', body));
  }
  return createSession(body, credential);
}

/**
 * Shows the credential form and waits for the person's answer.
 * @param {string} message Why they are asked again (empty the first time).
 * @returns {Promise<string|null>} The pasted credential, or null when they cancel.
 */
function askForCredential(message) {
  answer?.(null); // an older prompt is superseded
  const error = byId('credential-error');
  error.textContent = message;
  error.hidden = !message;
  const input = byId('credential-input', HTMLInputElement);
  input.value = '';
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
  byId('credential-submit', HTMLButtonElement).disabled = false;
  byId('credential-form').hidden = false;
  input.focus();
  return new Promise((resolve) => {
    answer = resolve;
  });
}

function closePrompt() {
  answer = null;
  byId('credential-form').hidden = true;
  byId('credential-error').hidden = true;
  byId('credential-input', HTMLInputElement).value = '';
}

/**
 * Creates a session, asking for a credential as long as the server refuses one.
 * @param {CreateSessionRequest} body
 * @param {(asking: boolean) => void} [onAsking] Told when the page waits for the person.
 * @returns {Promise<CreateSessionResponse|null>} Null when the person cancelled.
 * @throws {ApiError|Error} For anything but a refused credential.
 */
export async function createSessionWithCredential(body, onAsking = () => {}) {
  let credential = savedCredential();
  for (;;) {
    try {
      const created = await postSession(body, credential);
      if (credential) keep(credential);
      closePrompt();
      return created;
    } catch (error) {
      if (!(error instanceof ApiError) || (error.status !== 401 && error.status !== 403)) throw error;
      let message = '';
      if (credential) {
        if (credential === savedCredential()) keep('');
        message = `That credential was not accepted: ${error.message}. Check it and paste it again.`;
      }
      onAsking(true);
      const pasted = await askForCredential(message);
      onAsking(false);
      if (pasted === null) return null;
      credential = pasted;
    }
  }
}

/** Wires the credential form and the "Forget credential" button. */
export function initCredential() {
  byId('credential-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const value = byId('credential-input', HTMLInputElement).value.trim();
    if (!value) {
      byId('credential-error').textContent = 'Paste your credential first.';
      byId('credential-error').hidden = false;
      return;
    }
    const resolve = answer;
    answer = null;
    byId('credential-submit', HTMLButtonElement).disabled = Boolean(resolve); // until answered
    resolve?.(value);
  });
  byId('credential-cancel').addEventListener('click', () => {
    const resolve = answer;
    closePrompt();
    resolve?.(null);
  });
  byId('forget-credential').addEventListener('click', () => {
    keep('');
    showStatus('Credential forgotten: you will be asked for one when you create a session.');
  });
  showStatus(savedCredential() ? 'This browser keeps your credential for creating sessions.' : '');
}
