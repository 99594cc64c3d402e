// @ts-check
/**
 * The admin webhooks page: signs in with the admin credential (kept in sessionStorage,
 * shared with the live dashboard), registers receiver URLs with the events they want,
 * shows each new signing secret once (with Copy), lists the webhooks with "Send test" and
 * "Delete", and shows the delivery log, refreshed every 5 seconds.
 */

import { ApiError, request } from './api.js';
import { byId, copyText, el } from './dom.js';

const TOKEN_KEY = 'mentor-rooms.admin-token';
const REFRESH_MS = 5000;
const LOG_LIMIT = 200;

/** The events a webhook can subscribe to, with their labels (the server's WebhookEvent). */
const EVENTS = Object.freeze([
  ['session.started', 'Session started'],
  ['session.ended', 'Session ended'],
  ['attendance.finalised', 'Attendance finalised'],
  ['feedback.submitted', 'Feedback submitted'],
  ['goal.status_changed', 'Goal status changed'],
]);

/**
 * @typedef {Object} WebhookRecord
 * @property {string} webhook_id
 * @property {string} url
 * @property {string[]} events Empty: every event.
 * @property {string} created_at ISO-8601.
 * @property {string} [secret] Only in the answer that registered it.
 */

/**
 * @typedef {Object} Delivery
 * @property {string} event_id
 * @property {string} event
 * @property {string} webhook_id
 * @property {string|null} url
 * @property {number} attempt
 * @property {number|null} status
 * @property {string|null} error
 * @property {string} at ISO-8601.
 * @property {string} outcome "delivered", "retrying" or "failed".
 * @property {string|null} next_at ISO-8601 of the next attempt (retrying only).
 */

/** @type {string} */
let token = '';
/** @type {number|undefined} */
let timer;

/**
 * @param {string} iso
 * @returns {string}
 */
function when(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/**
 * @param {string} event
 * @returns {string}
 */
function eventLabel(event) {
  return EVENTS.find(([value]) => value === event)?.[1] ?? event;
}

/**
 * Shows (or hides, with an empty text) an error line.
 * @param {string} id
 * @param {string} text
 */
function showError(id, text) {
  const node = byId(id);
  node.textContent = text;
  node.hidden = !text;
}

/**
 * Calls the API with the admin credential; a refused credential signs out.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function api(method, path, body) {
  try {
    return await request(method, path, { body, token });
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      signOut('That admin credential was refused.');
    }
    throw error;
  }
}

/**
 * @param {unknown} error
 * @returns {string}
 */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}

/** Draws the event checkboxes once. */
function drawChoices() {
  const host = byId('hook-event-choices');
  host.replaceChildren(...EVENTS.map(([value, label]) => el('label', {
    children: [
      el('input', { attrs: { type: 'checkbox', name: 'events', value } }),
      el('span', { text: label }),
    ],
  })));
}

/** Loads and draws the registered webhooks. */
async function loadHooks() {
  /** @type {WebhookRecord[]} */
  const hooks = await api('GET', '/api/admin/webhooks');
  const body = byId('hooks-table').querySelector('tbody');
  if (!body) return;
  body.replaceChildren(...hooks.map(hookRow));
  byId('hooks-empty').hidden = hooks.length > 0;
}

/**
 * @param {WebhookRecord} hook
 * @returns {HTMLTableRowElement}
 */
function hookRow(hook) {
  const test = el('button', { className: 'button small', text: 'Send test', attrs: { type: 'button' } });
  test.setAttribute('aria-label', `Send test to ${hook.url}`);
  test.addEventListener('click', () => void act(test, async () => {
    await api('POST', `/api/admin/webhooks/${encodeURIComponent(hook.webhook_id)}/test`);
    await loadLog();
  }));
  const remove = el('button', { className: 'button small danger', text: 'Delete', attrs: { type: 'button' } });
  remove.setAttribute('aria-label', `Delete webhook ${hook.url}`);
  remove.addEventListener('click', () => {
    if (!window.confirm(`Stop sending events to ${hook.url}?`)) return;
    void act(remove, async () => {
      await api('DELETE', `/api/admin/webhooks/${encodeURIComponent(hook.webhook_id)}`);
      await loadHooks();
    });
  });
  const events = hook.events.length ? hook.events.map(eventLabel).join(', ') : 'All events';
  return el('tr', {
    children: [
      el('td', { className: 'hook-url', text: hook.url }),
      el('td', { text: events }),
      el('td', { className: 'when', text: when(hook.created_at) }),
      el('td', { children: [el('div', { className: 'hook-actions', children: [test, remove] })] }),
    ],
  });
}

/**
 * Runs a button's action, busy meanwhile; shows its error.
 * @param {HTMLButtonElement} button
 * @param {() => Promise<void>} action
 */
async function act(button, action) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    await action();
    showError('hooks-error', '');
  } catch (error) {
    showError('hooks-error', messageOf(error));
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** Loads and draws the delivery log (newest first). */
async function loadLog() {
  /** @type {Delivery[]} */
  const entries = await api('GET', `/api/admin/webhooks/deliveries?limit=${LOG_LIMIT}`);
  const body = byId('log-table').querySelector('tbody');
  if (!body) return;
  body.replaceChildren(...entries.slice().reverse().map(logRow));
  byId('log-empty').hidden = entries.length > 0;
  byId('log-updated').textContent = `Updated ${new Date().toLocaleTimeString()}.`;
}

/**
 * @param {Delivery} entry
 * @returns {HTMLTableRowElement}
 */
function logRow(entry) {
  const answer = entry.status !== null ? `HTTP ${entry.status}` : (entry.error ?? '');
  const outcome = el('span', { className: 'hook-outcome', text: entry.outcome });
  outcome.dataset.outcome = entry.outcome;
  const next = entry.next_at ? el('span', { className: 'muted small', text: ` · next try ${when(entry.next_at)}` }) : null;
  return el('tr', {
    children: [
      el('td', { className: 'when', text: when(entry.at) }),
      el('td', { text: entry.event === 'ping' ? 'Test (ping)' : eventLabel(entry.event) }),
      el('td', { className: 'hook-url', text: entry.url ?? '(deleted webhook)' }),
      el('td', { className: 'number', text: String(entry.attempt) }),
      el('td', { text: answer }),
      el('td', { children: [outcome, next] }),
    ],
  });
}

/** @param {SubmitEvent} event */
async function register(event) {
  event.preventDefault();
  const form = byId('hook-form', HTMLFormElement);
  const url = byId('hook-url', HTMLInputElement);
  if (!url.value.trim() || !url.checkValidity()) {
    showError('hooks-error', 'Enter the receiver URL, starting with https:// or http://.');
    url.focus();
    return;
  }
  const events = [...form.querySelectorAll('input[name="events"]:checked')]
    .map((box) => /** @type {HTMLInputElement} */ (box).value);
  const submit = form.querySelector('button[type="submit"]');
  if (submit instanceof HTMLButtonElement) submit.disabled = true;
  try {
    /** @type {WebhookRecord} */
    const created = await api('POST', '/api/admin/webhooks', { url: url.value.trim(), events });
    showError('hooks-error', '');
    byId('hook-secret-for').textContent =
      `Signing secret for ${created.url}. Copy it now and keep it with the receiver: it is not shown again.`;
    byId('hook-secret').textContent = created.secret ?? '';
    byId('hook-secret-box').hidden = false;
    form.reset();
    byId('copy-hook-secret', HTMLButtonElement).focus();
    await loadHooks();
  } catch (error) {
    showError('hooks-error', messageOf(error));
  } finally {
    if (submit instanceof HTMLButtonElement) submit.disabled = false;
  }
}

/** Refreshes the log now and every few seconds. */
function refreshLog() {
  window.clearTimeout(timer);
  loadLog()
    .catch((error) => showError('hooks-error', messageOf(error)))
    .finally(() => {
      if (token) timer = window.setTimeout(refreshLog, REFRESH_MS);
    });
}

/** @param {string} why */
function signOut(why) {
  token = '';
  window.clearTimeout(timer);
  sessionStorage.removeItem(TOKEN_KEY);
  byId('hooks-board').hidden = true;
  byId('hooks-signin').hidden = false;
  showError('hooks-login-error', why);
}

/** @param {string} credential */
async function open(credential) {
  token = credential;
  try {
    await loadHooks();
  } catch (error) {
    if (token) signOut(messageOf(error));
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, credential);
  byId('hooks-signin').hidden = true;
  byId('hooks-board').hidden = false;
  showError('hooks-login-error', '');
  refreshLog();
}

function main() {
  drawChoices();
  byId('hooks-login').addEventListener('submit', (event) => {
    event.preventDefault();
    const credential = byId('hooks-token', HTMLInputElement).value.trim();
    if (credential) void open(credential);
  });
  byId('hook-form', HTMLFormElement).addEventListener('submit', (event) => void register(event));
  const copy = byId('copy-hook-secret', HTMLButtonElement);
  copy.addEventListener('click', async () => {
    const secret = byId('hook-secret');
    copy.textContent = (await copyText(secret.textContent ?? '', secret)) ? 'Copied' : 'Press Ctrl+C';
    window.setTimeout(() => { copy.textContent = 'Copy'; }, 2000);
  });
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) void open(saved);
}

main();
