// @ts-check
/**
 * The create-a-session page: create a session, then mint invite links for it.
 * The mentor token is kept in localStorage so a reload keeps working. Creating needs a
 * mentor or admin credential, asked for once (see create_credential.js). Links are shown
 * short (`/j/{code}`, the signed token stays behind it); each invite's short link can be
 * revoked, after a confirmation.
 */
import { ApiError, createInvite, getSession, revokeShortLink } from './api.js';
import { createSessionWithCredential, initCredential } from './create_credential.js';
import { byId, copyText, el, formatWhen, roleLabel } from './dom.js';
import { decodeClaims, isExpired } from './invite_token.js';
import { MAX_NAME_CHARS, SessionKind } from './protocol.js';

/** @typedef {import('./api.js').SessionRecord} SessionRecord */
/** @typedef {import('./api.js').Invite} Invite */

/**
 * An invite as the page keeps it.
 * @typedef {Invite & {revoked?: boolean}} SavedInvite
 */

/**
 * What the page remembers about a session it created (besides the token).
 * @typedef {Object} SavedSession
 * @property {SessionRecord} session
 * @property {string} mentor_url The full link (joins without a detour).
 * @property {string} [mentor_short_url] The short link shown and copied.
 * @property {Array<SavedInvite>} invites Links created so far.
 */

const TOKEN_KEY = (/** @type {string} */ id) => `mentor-rooms:mentor:${id}`;
const SESSION_KEY = (/** @type {string} */ id) => `mentor-rooms:session:${id}`;
const LAST_KEY = 'mentor-rooms:last-session';

const form = byId('create-form', HTMLFormElement);
const createButton = byId('create-button', HTMLButtonElement);
const inviteForm = byId('invite-form', HTMLFormElement);
const inviteButton = byId('invite-button', HTMLButtonElement);

/** @type {{sessionId: string, token: string, saved: SavedSession}|null} */
let current = null;

// ------------------------------------------------------------------ storage

/**
 * @param {string} key
 * @returns {string|null}
 */
function load(key) {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // Storage can be disabled; the page still works without it.
  }
}

/**
 * @param {string} key
 * @param {string|null} value Null removes the key.
 */
function store(key, value) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Ignore: only reloads lose the session.
  }
}

function saveCurrent() {
  if (!current) return;
  store(TOKEN_KEY(current.sessionId), current.token);
  store(SESSION_KEY(current.sessionId), JSON.stringify(current.saved));
  store(LAST_KEY, current.sessionId);
}

/** @param {string} sessionId */
function forget(sessionId) {
  store(TOKEN_KEY(sessionId), null);
  store(SESSION_KEY(sessionId), null);
  if (load(LAST_KEY) === sessionId) store(LAST_KEY, null);
}

// ------------------------------------------------------------------ helpers

/**
 * @param {string} message Empty hides the error.
 */
function showError(message) {
  const box = byId('page-error');
  box.textContent = message;
  box.hidden = !message;
}

/**
 * Formats a datetime-local value as ISO-8601 with the browser's offset.
 * @param {string} value e.g. "2025-03-01T14:30".
 * @returns {string|null} e.g. "2025-03-01T14:30:00+01:00"; null if empty or invalid.
 */
export function localInputToIso(value) {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  const pad = (/** @type {number} */ n) => String(Math.abs(n)).padStart(2, '0');
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `${sign}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`
  );
}

/** @returns {boolean} True when "circle" is selected. */
function isCircle() {
  return byId('kind-circle', HTMLInputElement).checked;
}

function syncKind() {
  const circle = isCircle();
  byId('capacity-field').hidden = !circle;
  byId('capacity', HTMLInputElement).disabled = !circle;
}

/**
 * @param {HTMLButtonElement} button
 * @param {boolean} busy
 * @param {string} idleText
 * @param {string} busyText
 */
function setBusy(button, busy, idleText, busyText) {
  button.disabled = busy;
  button.textContent = busy ? busyText : idleText;
}

/**
 * A copy button for a link shown in `target`.
 * @param {HTMLButtonElement} button
 * @param {() => string} text
 * @param {HTMLElement} target
 */
function wireCopy(button, text, target) {
  button.addEventListener('click', async () => {
    const copied = await copyText(text(), target);
    button.textContent = copied ? 'Copied' : 'Press Ctrl+C';
    window.setTimeout(() => {
      button.textContent = 'Copy';
    }, 2000);
  });
}

// ------------------------------------------------------------------ views

/**
 * The elements of one invite in the list.
 * @typedef {Object} InviteView
 * @property {HTMLElement} item
 * @property {HTMLButtonElement} copy
 * @property {HTMLButtonElement|null} revoke Null for links saved before short links.
 * @property {HTMLElement} state
 */

/**
 * Who an invite is for, in words ("mentee link for Sam").
 * @param {Invite} invite
 * @returns {string}
 */
function inviteWords(invite) {
  const role = roleLabel(invite.role).toLowerCase();
  return invite.display_name ? `${role} link for ${invite.display_name}` : `${role} link`;
}

/** @param {InviteView} view */
function markRevoked(view) {
  view.item.dataset.state = 'revoked';
  view.state.textContent = 'Revoked';
  view.copy.disabled = true;
  if (view.revoke) {
    view.revoke.disabled = true;
    view.revoke.textContent = 'Revoked';
    view.revoke.removeAttribute('aria-label'); // its name is what it shows now
  }
}

/**
 * Revokes an invite's short link once the mentor confirms.
 * @param {SavedInvite} invite
 * @param {InviteView} view
 */
async function onRevoke(invite, view) {
  if (!current || !invite.short_code || !view.revoke) return;
  const question = `Revoke the ${inviteWords(invite)}? Whoever opens it then sees that it is not valid. This cannot be undone.`;
  if (!window.confirm(question)) return;
  showError('');
  setBusy(view.revoke, true, 'Revoke', 'Revoking…');
  try {
    await revokeShortLink(current.sessionId, current.token, invite.short_code);
    invite.revoked = true;
    saveCurrent();
    markRevoked(view);
  } catch (error) {
    setBusy(view.revoke, false, 'Revoke', 'Revoking…');
    const prefix = error instanceof ApiError && (error.status === 401 || error.status === 403)
      ? 'Your mentor link is no longer accepted: '
      : 'Could not revoke the link: ';
    showError(prefix + (error instanceof Error ? error.message : 'please try again.'));
  }
}

/** @param {SavedInvite} invite */
function appendInvite(invite) {
  const shown = invite.short_url ?? invite.url;
  const link = el('code', { className: 'invite-link link-text', text: shown });
  const copy = el('button', {
    className: 'button', text: 'Copy', attrs: { type: 'button', 'aria-label': `Copy the ${inviteWords(invite)}` },
  });
  wireCopy(copy, () => shown, link);
  const who = invite.display_name ? `${invite.display_name} · ` : '';
  const expires = formatWhen(invite.expires_at);
  const state = el('span', { className: 'invite-state small' });
  const row = el('div', { className: 'link-row', children: [link, copy] });
  /** @type {HTMLButtonElement|null} */
  let revoke = null;
  if (invite.short_code) {
    revoke = el('button', {
      className: 'button revoke', text: 'Revoke', attrs: { type: 'button', 'aria-label': `Revoke the ${inviteWords(invite)}` },
    });
    row.append(revoke);
  }
  const item = el('li', {
    className: 'invite-item',
    attrs: { 'data-state': 'active', ...(invite.short_code ? { 'data-code': invite.short_code } : {}) },
    children: [
      el('div', {
        className: 'invite-meta',
        children: [
          el('span', { className: 'role-badge', text: invite.role, attrs: { 'data-role': invite.role } }),
          el('span', { className: 'muted small', text: `${who}${expires ? `expires ${expires}` : ''}` }),
          state,
        ],
      }),
      row,
    ],
  });
  /** @type {InviteView} */
  const view = { item, copy, revoke, state };
  revoke?.addEventListener('click', () => void onRevoke(invite, view));
  if (invite.revoked) markRevoked(view);
  byId('invite-list').append(item);
}

function showResult() {
  if (!current) return;
  const { session, mentor_url: url, invites } = current.saved;
  byId('create-section').hidden = true;
  byId('result-section').hidden = false;
  const parts = [
    `“${session.title}”`,
    session.kind === SessionKind.CIRCLE ? `circle of up to ${session.capacity}` : 'one-on-one',
  ];
  const when = formatWhen(session.scheduled_start);
  if (when) parts.push(`starts ${when}`);
  if (session.planned_minutes) parts.push(`${session.planned_minutes} minutes`);
  byId('result-summary').textContent = parts.join(' · ');
  byId('mentor-link').textContent = current.saved.mentor_short_url ?? url;
  byId('join-as-mentor', HTMLAnchorElement).href = url;
  byId('attendance-link', HTMLAnchorElement).href =
    `/s/${encodeURIComponent(current.sessionId)}/attendance#token=${encodeURIComponent(current.token)}`;
  byId('invite-list').replaceChildren();
  for (const invite of invites) appendInvite(invite);
  history.replaceState(null, '', `/#session=${encodeURIComponent(current.sessionId)}`);
}

function showForm() {
  current = null;
  byId('result-section').hidden = true;
  byId('create-section').hidden = false;
  history.replaceState(null, '', '/');
  byId('title', HTMLInputElement).focus();
}

// ------------------------------------------------------------------ actions

/** @param {SubmitEvent} event */
async function onCreate(event) {
  event.preventDefault();
  showError('');
  const title = byId('title', HTMLInputElement).value.trim();
  if (!title) {
    showError('Please give the session a title.');
    byId('title').focus();
    return;
  }
  /** @type {import('./api.js').CreateSessionRequest} */
  const body = { kind: isCircle() ? SessionKind.CIRCLE : SessionKind.ONE_ON_ONE, title };
  if (isCircle()) {
    const capacity = Number(byId('capacity', HTMLInputElement).value || 12);
    if (!Number.isInteger(capacity) || capacity < 2 || capacity > 12) {
      showError('A circle has 2 to 12 seats.');
      return;
    }
    body.capacity = capacity;
  }
  const start = byId('scheduled-start', HTMLInputElement).value;
  body.scheduled_start = localInputToIso(start);
  const minutes = byId('planned-minutes', HTMLInputElement).value;
  body.planned_minutes = minutes ? Number(minutes) : null;
  body.agenda = parseAgenda(byId('agenda-prep', HTMLTextAreaElement).value);
  const mentorName = byId('mentor-name', HTMLInputElement).value.trim();
  if (mentorName) body.mentor_name = mentorName.slice(0, MAX_NAME_CHARS);

  setBusy(createButton, true, 'Create session', 'Creating…');
  try {
    const created = await createSessionWithCredential(body, (asking) =>
      setBusy(createButton, true, 'Create session', asking ? 'Waiting for your credential…' : 'Creating…'));
    if (!created) return; // they cancelled the credential prompt
    current = {
      sessionId: created.session.session_id,
      token: created.mentor_invite.token,
      saved: {
        session: created.session,
        mentor_url: created.mentor_invite.url,
        mentor_short_url: created.mentor_invite.short_url,
        invites: [],
      },
    };
    saveCurrent();
    showResult();
  } catch (error) {
    showError(error instanceof Error ? error.message : 'Could not create the session.');
  } finally {
    setBusy(createButton, false, 'Create session', 'Creating…');
  }
}

/** @param {SubmitEvent} event */
async function onInvite(event) {
  event.preventDefault();
  if (!current) return;
  showError('');
  const role = byId('invite-role', HTMLSelectElement).value;
  const name = byId('invite-name', HTMLInputElement).value.trim();
  /** @type {{role: string, display_name?: string}} */
  const body = { role };
  if (name) body.display_name = name.slice(0, MAX_NAME_CHARS);
  setBusy(inviteButton, true, 'Create invite link', 'Creating…');
  try {
    const invite = await createInvite(current.sessionId, current.token, body);
    current.saved.invites.push(invite);
    saveCurrent();
    appendInvite(invite);
    byId('invite-name', HTMLInputElement).value = '';
  } catch (error) {
    const prefix = error instanceof ApiError && (error.status === 401 || error.status === 403)
      ? 'Your mentor link is no longer accepted: '
      : '';
    showError(prefix + (error instanceof Error ? error.message : 'Could not create the invite.'));
  } finally {
    setBusy(inviteButton, false, 'Create invite link', 'Creating…');
  }
}

/** Restores the session named in `#session=` (or the last one) after a reload. */
async function restore() {
  const fromHash = new URLSearchParams(window.location.hash.replace(/^#/u, '')).get('session');
  const sessionId = fromHash || load(LAST_KEY);
  if (!sessionId) return;
  const token = load(TOKEN_KEY(sessionId));
  const raw = load(SESSION_KEY(sessionId));
  if (!token || !raw || isExpired(decodeClaims(token))) {
    forget(sessionId);
    return;
  }
  try {
    const saved = /** @type {SavedSession} */ (JSON.parse(raw));
    current = { sessionId, token, saved };
    showResult();
    current.saved.session = await getSession(sessionId); // Still there?
    saveCurrent();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      forget(sessionId);
      showForm();
      showError('That session no longer exists. Create a new one.');
    } else if (!(error instanceof ApiError)) {
      forget(sessionId);
      showForm();
    }
  }
}

function main() {
  for (const radio of [byId('kind-one-on-one'), byId('kind-circle')]) radio.addEventListener('change', syncKind);
  syncKind();
  byId('mentor-name', HTMLInputElement).maxLength = MAX_NAME_CHARS;
  byId('invite-name', HTMLInputElement).maxLength = MAX_NAME_CHARS;
  form.addEventListener('submit', (event) => void onCreate(event));
  inviteForm.addEventListener('submit', (event) => void onInvite(event));
  wireCopy(byId('copy-mentor-link', HTMLButtonElement),
    () => current?.saved.mentor_short_url ?? current?.saved.mentor_url ?? '', byId('mentor-link'));
  byId('new-session').addEventListener('click', () => {
    store(LAST_KEY, null);
    form.reset();
    syncKind();
    showError('');
    showForm();
  });
  for (const option of byId('invite-role', HTMLSelectElement).options) option.textContent = roleLabel(option.value);
  initCredential();
  void restore();
}

main();

/**
 * Parses the prepared agenda: one item per line, optional minutes at the end
 * ("Portfolio review 20" or "Portfolio review (20 min)").
 * @param {string} text
 * @returns {Array<{title: string, planned_minutes: number|null}>}
 */
export function parseAgenda(text) {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const match = /^(.*?)[\s,:-]+\(?(\d{1,3})\s*(?:min(?:utes?)?)?\)?$/.exec(line);
      if (match && match[1].trim()) return { title: match[1].trim(), planned_minutes: Number(match[2]) };
      return { title: line, planned_minutes: null };
    });
}
