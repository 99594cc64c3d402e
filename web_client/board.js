// @ts-check
/**
 * The shared board beside the video: Timer, Agenda and (in a pair's sessions) Goals on
 * top, Notes / Chat / People as tabs below. This controller connects the panels to the signaling socket: it
 * routes the board's server messages, sends the panels' requests (remembering which
 * panel asked, so that an `error` answering one is explained where it belongs, or in
 * `#board-error`), re-renders the clock-driven parts a few times a second, and gives
 * the test hook its view. The room calls `attach` for every new socket, `joined`
 * after every (re)join and `disconnected` when the socket drops.
 */
import { AgendaPanel } from './agenda_panel.js';
import { ChatPanel } from './chat_panel.js';
import { GoalsPanel } from './goals_panel.js';
import { byId } from './dom.js';
import { NotesPanel } from './notes_panel.js';
import { ErrorCode } from './protocol.js';
import { Tabs } from './tabs.js';
import { TimerPanel } from './timer_panel.js';

/** @typedef {import('./protocol.js').ClientMessage} ClientMessage */
/** @typedef {import('./session_client.js').SessionClient} SessionClient */
/** @typedef {import('./clock.js').ServerClock} ServerClock */
/** @typedef {import('./wire.js').Joined} Joined */
/** @typedef {import('./wire.js').ErrorMessage} ErrorMessage */

/**
 * @typedef {Object} SendOptions
 * @property {(code: string, message: string) => boolean} [onError] Called with the
 *   request's error; return true when it was explained (else `#board-error` shows it).
 * @property {boolean} [quiet] Say nothing when offline (the caller keeps the request).
 */

/**
 * What the panels use of the board.
 * @typedef {Object} BoardLink
 * @property {(message: ClientMessage, options?: SendOptions) => string|null} send
 *   Sends a request; returns its id, or null when not connected.
 * @property {() => boolean} online True while joined.
 * @property {() => number} serverNow Server epoch milliseconds.
 * @property {(text: string) => void} showError Shows a sentence in `#board-error`.
 */

/**
 * Who this participant is (decides which controls show).
 * @typedef {Object} Access
 * @property {string} role
 * @property {string} kind The session kind.
 */

/**
 * What `window.mentorRooms.board()` returns.
 * @typedef {Object} BoardSnapshot
 * @property {Array<{item_id: string, title: string, status: string, version: number}>} agenda
 * @property {{status: string, remaining_ms: number, text: string, state: string}} timer
 * @property {Array<{message_id: string, text: string, display_name: string}>} chat
 * @property {string} notes
 * @property {Array<{goal_id: string, title: string, status: string, progress: number}>} goals
 * @property {number} clock_offset_ms
 * @property {number} reconnects
 */

export const TICK_MS = 200;
const ERROR_MS = 8000;
const REMEMBERED_REQUESTS = 200;

/** @type {Map<string, string>} */
const ERROR_TEXT = new Map([
  [ErrorCode.NOT_ALLOWED, 'You are not allowed to do that'],
  [ErrorCode.STALE_VERSION, 'Someone else changed this item just now; the latest version is shown'],
  [ErrorCode.TEXT_TOO_LONG, 'That text is too long'],
  [ErrorCode.INVALID_VALUE, 'That value is not accepted'],
  [ErrorCode.INVALID_STATE, 'That is not possible right now'],
  [ErrorCode.UNKNOWN_ITEM, 'That agenda item no longer exists'],
  [ErrorCode.INVALID_UPDATE, 'Your last change to the notes could not be saved'],
  [ErrorCode.LIMIT_REACHED, 'A limit was reached'],
  [ErrorCode.RATE_LIMITED, 'Too many changes at once; wait a moment and try again'],
]);

/** @type {Set<string>} Codes whose server sentence adds nothing for the user. */
const OUR_TEXT_ONLY = new Set([ErrorCode.STALE_VERSION, ErrorCode.UNKNOWN_ITEM, ErrorCode.RATE_LIMITED]);

/**
 * A sentence for the error of a board request.
 * @param {string} code
 * @param {string} message The server's own text.
 * @returns {string}
 */
export function explainBoardError(code, message) {
  const ours = ERROR_TEXT.get(code);
  const theirs = (message ?? '').trim().replace(/[.!]$/u, '');
  if (!ours) return theirs ? `The server refused that: ${theirs}.` : 'The server refused that.';
  if (!theirs || OUR_TEXT_ONLY.has(code)) return `${ours}.`;
  return `${ours}: ${theirs}.`;
}

export class Board {
  /**
   * @param {ServerClock} clock
   * @param {{token: () => string, sessionId: () => string}} session
   */
  constructor(clock, session) {
    this.clock = clock;
    /** @type {SessionClient|null} */
    this.client = null;
    this.online = false;
    this.rejoins = 0;
    /** @type {Map<string, SendOptions>} Requests that may still get an error, by id. */
    this.requests = new Map();
    this.ticker = 0;
    this.errorTimer = 0;
    this.errorBox = byId('board-error');
    this.errorText = byId('board-error-text');
    byId('board-error-close').addEventListener('click', () => this.hideError());
    /** @type {BoardLink} */
    const link = {
      send: (message, options) => this.send(message, options),
      online: () => this.online,
      serverNow: () => clock.now(),
      showError: (text) => this.showError(text),
    };
    this.agenda = new AgendaPanel(link);
    this.timer = new TimerPanel(link);
    this.chat = new ChatPanel(link);
    this.notes = new NotesPanel(link, session);
    this.goals = new GoalsPanel(link);
    this.tabs = new Tabs(
      {
        notes: { tab: 'tab-notes', panel: 'panel-notes' },
        chat: { tab: 'tab-chat', panel: 'panel-chat' },
        people: { tab: 'tab-people', panel: 'panel-people' },
      },
      'chat',
      (name) => this.chat.setVisible(name === 'chat'),
    );
  }

  /**
   * Listens to a new socket (before it opens).
   * @param {SessionClient} client
   */
  attach(client) {
    this.client = client;
    this.online = false;
    this.requests.clear(); // request ids start again on every socket
    client
      .on('agenda_changed', (msg) => {
        this.agenda.render(msg.agenda);
        this.timer.setAgenda(msg.agenda);
      })
      .on('timer_changed', (msg) => this.timer.render(msg.timer))
      .on('chat_message', (msg) => this.chat.receive(msg.message))
      .on('notes_updated', (msg) => this.notes.receive(msg.update));
    this.goals.attach(client);
  }

  /**
   * Shows the snapshot of a (re)join.
   * @param {Joined} msg
   * @param {boolean} rejoin True after an automatic reconnect.
   */
  joined(msg, rejoin) {
    this.online = true;
    if (rejoin) this.rejoins += 1;
    /** @type {Access} */
    const access = { role: msg.you.role, kind: msg.session.kind };
    const board = msg.board;
    this.agenda.setAccess(access);
    this.timer.setAccess(access);
    this.goals.joined(msg.you, msg.session.kind);
    this.agenda.render(board.agenda);
    this.timer.setAgenda(board.agenda);
    this.timer.render(board.timer);
    this.notes.joined(board.notes, access, rejoin);
    this.chat.joined(board.chat, msg.you.participant_id);
    byId('board').toggleAttribute('data-offline', false);
    if (!this.ticker) this.ticker = window.setInterval(() => this.tick(), TICK_MS);
  }

  /** The socket dropped: requests wait (chat, notes) or are refused until the rejoin. */
  disconnected() {
    this.online = false;
    this.requests.clear();
    this.notes.setOnline(false);
    byId('board').toggleAttribute('data-offline', true);
  }

  tick() {
    this.timer.tick();
    this.agenda.tick();
  }

  /**
   * @param {ClientMessage} message
   * @param {SendOptions} [options]
   * @returns {string|null}
   */
  send(message, options = {}) {
    const id = this.online ? this.client?.send(message) ?? null : null;
    if (id === null) {
      if (!options.quiet) this.showError('Not connected right now; try again once the session is reconnected.');
      return null;
    }
    this.requests.set(id, options);
    if (this.requests.size > REMEMBERED_REQUESTS) {
      this.requests.delete(/** @type {string} */ (this.requests.keys().next().value));
    }
    return id;
  }

  /**
   * Explains an `error` that answers a board request.
   * @param {ErrorMessage} msg
   * @returns {boolean} True if it was one (the room ignores it then).
   */
  handleError(msg) {
    const options = msg.re == null ? undefined : this.requests.get(msg.re);
    if (!options || msg.re == null) return false;
    this.requests.delete(msg.re);
    if (options.onError?.(msg.code, msg.message ?? '')) return true;
    this.showError(explainBoardError(msg.code, msg.message ?? ''));
    return true;
  }

  /** @param {string} text */
  showError(text) {
    this.errorText.textContent = text;
    this.errorBox.hidden = false;
    window.clearTimeout(this.errorTimer);
    this.errorTimer = window.setTimeout(() => this.hideError(), ERROR_MS);
  }

  hideError() {
    window.clearTimeout(this.errorTimer);
    this.errorBox.hidden = true;
    this.errorText.textContent = '';
  }

  /** @returns {BoardSnapshot} */
  snapshot() {
    return {
      agenda: this.agenda.snapshot(),
      timer: this.timer.snapshot(),
      chat: this.chat.snapshot(),
      notes: this.notes.snapshot(),
      goals: this.goals.snapshot(),
      clock_offset_ms: this.clock.offsetMs,
      reconnects: this.rejoins,
    };
  }
}
