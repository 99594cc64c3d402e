// @ts-check
/**
 * The admin live dashboard: signs in with the admin credential, opens /ws/admin,
 * applies the pushed snapshot and updates, ticks the times locally every second,
 * and runs the admin actions over REST (end session, remove participant, join as
 * a visible observer, attendance, notes). The credential stays in sessionStorage.
 */

import { ApiError, downloadAuthorized, fetchAuthorized, postAuthorized } from './api.js';
import { byId, el } from './dom.js';
import { endedRow, sessionCard, tick } from './live_rows.js';
import { CloseCode } from './protocol.js';

/** @typedef {import('./protocol.js').LiveSession} LiveSession */
/** @typedef {import('./protocol.js').LiveParticipant} LiveParticipant */
/** @typedef {import('./live_rows.js').EndedSession} EndedSession */

const TOKEN_KEY = 'mentor-rooms.admin-token';
const RETRY_MS = 2000;

/**
 * @typedef {Object} AuditEntry
 * @property {string} at
 * @property {string} admin
 * @property {string} action
 * @property {string} session_id
 * @property {string|null} [session_title] The session's title (null: none, or no session).
 * @property {string|null} [display_name]
 * @property {string} [reason]
 */

class Dashboard {
  /** @param {string} token */
  constructor(token) {
    this.token = token;
    /** @type {Map<string, LiveSession>} */
    this.sessions = new Map();
    /** Server time minus local time, seconds. */
    this.offset = 0;
    /** @type {Map<string, WebSocket>} One socket per node, by its base URL. */
    this.sockets = new Map();
    /** @type {Map<string, string>} Which node each session's row came from. */
    this.origin = new Map();
    this.stopped = false;
    this.container = byId('live-sessions');
    /** @type {Set<string>} Sessions whose "End session" request is in flight. */
    this.ending = new Set();
    /** @type {Set<string>} Participants whose removal is in flight. */
    this.removing = new Set();
    /** @type {import('./live_rows.js').RowActions} */
    this.actions = {
      end: (s) => void this.endSession(s),
      remove: (s, p) => void this.remove(s, p),
      observe: (s) => void this.observe(s),
      attendance: (s) => this.openAttendance(s.session_id),
      notes: (s) => void this.act(() => downloadAuthorized(
        `/api/sessions/${encodeURIComponent(s.session_id)}/summary.md`, this.token, 'notes.md')),
    };
    this.ticker = window.setInterval(() => tick(this.container, this.sessions, this.now()), 1000);
  }

  /** Stops this dashboard for good: its sockets close and it never signs out again. */
  stop() {
    this.stopped = true;
    window.clearInterval(this.ticker);
    for (const socket of this.sockets.values()) socket.close();
    this.sockets.clear();
  }

  /** @returns {number} Server epoch seconds now. */
  now() {
    return Date.now() / 1000 + this.offset;
  }

  /**
   * Watches every node of the cluster (one `/ws/admin` each; a single node without Redis):
   * each pushes its own sessions, and the page merges them.
   */
  async start() {
    /** @type {Array<{url: string, this_node: boolean}>} */
    let nodes = [{ url: '', this_node: true }];
    try {
      nodes = await (await fetchAuthorized('/api/admin/nodes', this.token)).json();
    } catch (error) {
      if (this.stopped) return;
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        this.stop();
        signOut(error.message);
        return;
      }
    }
    if (this.stopped) return; // superseded by a later sign-in while asking
    for (const node of nodes) this.connect(node.this_node ? '' : node.url);
  }

  /**
   * Opens one node's socket and says hello; reconnects after a drop.
   * @param {string} base The node's base URL ('' for this page's node).
   */
  connect(base) {
    const here = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}`;
    const socket = new WebSocket(`${base ? base.replace(/^http/u, 'ws') : here}/ws/admin`);
    this.sockets.set(base, socket);
    if (!base) setState('connecting', 'Connecting…');
    socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'admin_hello', id: 'hello', token: this.token })));
    socket.addEventListener('message', (event) => this.onMessage(JSON.parse(String(event.data)), base));
    socket.addEventListener('close', (event) => {
      if (this.sockets.get(base) !== socket || this.stopped) return;
      if (event.code === CloseCode.TOKEN_INVALID || event.code === CloseCode.NOT_ADMIN) {
        this.stop();
        signOut(event.reason || 'This is not an admin credential.');
        return;
      }
      if (!base) setState('reconnecting', 'Reconnecting…');
      window.setTimeout(() => this.connect(base), RETRY_MS); // a dead node: stays away
    });
  }

  /**
   * @param {any} message
   * @param {string} base The node it came from.
   */
  onMessage(message, base) {
    if (this.stopped) return;
    if (message.type !== 'dashboard_snapshot' && message.type !== 'dashboard_update') return;
    this.offset = message.server_time - Date.now() / 1000;
    if (message.type === 'dashboard_snapshot') {
      for (const [id, from] of this.origin) if (from === base) this.drop(id);
      if (!base) {
        byId('live-admin').textContent = message.admin;
        setState('live', 'Live');
        void this.loadEnded();
        void this.loadActions();
      }
    }
    for (const s of /** @type {Array<LiveSession>} */ (message.sessions)) {
      this.origin.set(s.session_id, base);
      this.show(s);
    }
    for (const id of /** @type {Array<string>} */ (message.closed ?? [])) {
      if (this.origin.get(id) === base) this.drop(id);
    }
    if (message.closed?.length) void this.loadEnded();
    byId('live-count').textContent = String(this.sessions.size);
    byId('live-empty').hidden = this.sessions.size > 0;
    tick(this.container, this.sessions, this.now());
  }

  /** @param {string} sessionId */
  drop(sessionId) {
    this.sessions.delete(sessionId);
    this.ending.delete(sessionId);
    this.origin.delete(sessionId);
    this.card(sessionId)?.remove();
  }

  /**
   * @param {string} sessionId
   * @returns {Element|null}
   */
  card(sessionId) {
    return [...this.container.children].find((c) => /** @type {HTMLElement} */ (c).dataset.sessionId === sessionId) ?? null;
  }

  /**
   * Shows a session: only its own card is rebuilt (the others, and their buttons, stay).
   * @param {LiveSession} session
   */
  show(session) {
    this.sessions.set(session.session_id, session);
    const fresh = sessionCard(session, this.actions,
      { ending: this.ending.has(session.session_id), removing: this.removing });
    const old = this.card(session.session_id);
    if (old) old.replaceWith(fresh);
    else this.container.append(fresh);
  }

  /**
   * Runs an action; shows its error, if any, above the sessions.
   * @param {() => Promise<unknown>} action
   * @param {string} [failed] Starts the error message (e.g. 'Could not end "Check-in"').
   * @returns {Promise<boolean>} Whether it succeeded.
   */
  async act(action, failed = '') {
    const box = byId('live-action-error');
    box.hidden = true;
    let ok = true;
    try {
      await action();
    } catch (error) {
      ok = false;
      const why = error instanceof ApiError ? error.message : 'That did not work; try again.';
      box.textContent = failed ? `${failed}: ${why}` : why;
      box.hidden = false;
    }
    void this.loadActions();
    return ok;
  }

  /** Rebuilds a session's card (if it is still shown) to show what is under way.
   * @param {string} sessionId
   */
  redraw(sessionId) {
    const session = this.sessions.get(sessionId);
    if (session && this.card(sessionId)) this.show(session);
  }

  /**
   * Ends a session: its button reads "Ending…" (disabled) until the server answers; on
   * success the card goes once the session closes, on failure the button comes back
   * and the error is shown.
   * @param {LiveSession} session
   */
  async endSession(session) {
    const id = session.session_id;
    if (this.ending.has(id)) return;
    if (!window.confirm(`End "${session.title}" for everyone in it? Nobody can join it again.`)) return;
    this.ending.add(id);
    this.redraw(id);
    const ok = await this.act(() => postAuthorized(`/api/admin/sessions/${encodeURIComponent(id)}/end`, this.token),
      `Could not end "${session.title}"`);
    if (!ok) {
      this.ending.delete(id);
      this.redraw(id);
    }
  }

  /**
   * Removes a participant: their button reads "Removing…" (disabled) until done.
   * @param {LiveSession} session
   * @param {LiveParticipant} person
   */
  async remove(session, person) {
    const reason = window.prompt(`Remove ${person.display_name || 'this person'} from "${session.title}"? They will see this reason (optional):`, '');
    if (reason === null) return;
    const path = `/api/admin/sessions/${encodeURIComponent(session.session_id)}/participants/${encodeURIComponent(person.participant_id)}/remove`;
    this.removing.add(person.participant_id);
    this.redraw(session.session_id);
    await this.act(() => postAuthorized(path, this.token, { reason }),
      `Could not remove ${person.display_name || 'this person'}`);
    this.removing.delete(person.participant_id);
    this.redraw(session.session_id);
  }

  /** @param {LiveSession} session */
  async observe(session) {
    await this.act(async () => {
      const invite = await postAuthorized(`/api/admin/sessions/${encodeURIComponent(session.session_id)}/observe`, this.token);
      window.open(invite.url, '_blank', 'noopener');
    });
  }

  /**
   * Opens the attendance page in a new tab. The credential never goes into the URL:
   * a window opened this way starts with a copy of this tab's sessionStorage.
   * @param {string} sessionId
   */
  openAttendance(sessionId) {
    window.open(`/s/${encodeURIComponent(sessionId)}/attendance`, '_blank');
  }

  /** Local midnight, epoch seconds. */
  static midnight() {
    const d = new Date();
    d.setHours(0, 0, 0, 0);
    return d.getTime() / 1000;
  }

  async loadEnded() {
    const response = await fetchAuthorized(`/api/admin/sessions/ended?since=${Dashboard.midnight()}`, this.token).catch(() => null);
    if (!response) return;
    const rows = /** @type {Array<EndedSession>} */ (await response.json());
    byId('ended-table').querySelector('tbody')?.replaceChildren(...rows.map((r) => endedRow(r, (e) => this.openAttendance(e.session_id))));
    byId('ended-empty').hidden = rows.length > 0;
  }

  async loadActions() {
    const response = await fetchAuthorized('/api/admin/actions?limit=20', this.token).catch(() => null);
    if (!response) return;
    const entries = /** @type {Array<AuditEntry>} */ (await response.json()).reverse();
    byId('admin-actions').replaceChildren(...entries.map((e) => el('li', {
      attrs: { 'data-session-id': e.session_id },
      text: [new Date(e.at).toLocaleTimeString(), e.admin, e.action.replaceAll('_', ' '),
        e.session_title ? `“${e.session_title}”` : e.session_id,
        e.display_name ?? '', e.reason ? `(${e.reason})` : ''].filter(Boolean).join(' · '),
    })));
  }
}

/**
 * @param {string} state
 * @param {string} text
 */
function setState(state, text) {
  const node = byId('live-state');
  node.dataset.state = state;
  node.textContent = text;
}

/** @param {string} why */
function signOut(why) {
  sessionStorage.removeItem(TOKEN_KEY);
  byId('live-board').hidden = true;
  byId('live-signin').hidden = false;
  const error = byId('live-error');
  error.textContent = why;
  error.hidden = false;
}

/** @type {Dashboard|null} The one signed-in dashboard; a new sign-in stops the previous. */
let current = null;

/** @param {string} token */
function open(token) {
  current?.stop();
  sessionStorage.setItem(TOKEN_KEY, token);
  byId('live-signin').hidden = true;
  byId('live-board').hidden = false;
  byId('live-error').hidden = true;
  const dashboard = new Dashboard(token);
  current = dashboard;
  void dashboard.start();
  /** @type {any} */ (window).mentorRoomsDashboard = dashboard;
}

function main() {
  byId('live-login').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = byId('live-token', HTMLInputElement).value.trim();
    if (token) open(token);
  });
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) open(saved);
}

main();
