// @ts-check
/**
 * The Chat panel: the message list (`#chat-log`), the input (Enter sends, Shift+Enter
 * starts a new line) and a live character counter.
 *
 * Each message gets a `client_message_id` when typed and shows as "sending…"
 * (`data-pending`) until the server's `chat_message` with that id comes back. Messages
 * still pending when the connection drops are sent again, with the same id, after the
 * rejoin (the server answers a repeat with the message it already has). Messages are
 * de-duplicated by `message_id` (and their client id, as a server that lost its
 * memory numbers them afresh). Text is shown as text nodes; only http(s) addresses
 * become links (see chat_links.js).
 */
import { linkify } from './chat_links.js';
import { byId, el, roleLabel } from './dom.js';
import { ErrorCode } from './protocol.js';

/** @typedef {import('./wire.js').ChatMessageInfo} ChatMessageInfo */
/** @typedef {import('./board.js').BoardLink} BoardLink */

export const MAX_CHAT_CHARS = 2000;
/** Messages kept in the list (the oldest go first). */
export const MAX_SHOWN = 500;

/**
 * Characters as the server counts them (Unicode code points).
 * @param {string} text
 * @returns {number}
 */
export function charCount(text) {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** @returns {string} A fresh client message id. */
export function newClientMessageId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * @param {number} sentAt Epoch seconds.
 * @returns {HTMLTimeElement}
 */
function timeOf(sentAt) {
  const date = new Date(sentAt * 1000);
  return el('time', {
    className: 'chat-time',
    text: date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }),
    attrs: { datetime: date.toISOString() },
  });
}

/**
 * @typedef {Object} Pending
 * @property {string} id The client message id.
 * @property {string} text
 * @property {HTMLLIElement} li
 */

export class ChatPanel {
  /** @param {BoardLink} link */
  constructor(link) {
    this.link = link;
    this.log = byId('chat-log');
    this.form = byId('chat-form', HTMLFormElement);
    this.input = byId('chat-input', HTMLTextAreaElement);
    this.sendButton = byId('chat-send', HTMLButtonElement);
    this.error = byId('chat-error');
    this.counter = byId('chat-counter');
    this.badge = byId('chat-unread');
    /** @type {ChatMessageInfo[]} Confirmed messages, in order. */
    this.messages = [];
    /** @type {Map<string, HTMLLIElement>} Confirmed messages' rows by message key. */
    this.rows = new Map();
    /** @type {Map<string, Pending>} Sent (or waiting to be sent) but not confirmed. */
    this.pending = new Map();
    /** @type {Set<string>} Our participant ids (one per join). */
    this.selfIds = new Set();
    this.visible = false;
    this.unread = 0;
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit();
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
      event.preventDefault();
      this.form.requestSubmit();
    });
    this.input.addEventListener('input', () => this.renderCounter());
    this.renderCounter();
  }

  /**
   * After (re)joining: shows the history (what is already shown stays) and sends
   * again whatever is still pending.
   * @param {ChatMessageInfo[]} history
   * @param {string} selfId
   */
  joined(history, selfId) {
    this.selfIds.add(selfId);
    for (const message of history) this.receive(message, { history: true });
    for (const pending of this.pending.values()) this.transmit(pending);
    this.scrollToEnd();
  }

  /**
   * A message from the server (someone's, or the confirmation of ours).
   * @param {ChatMessageInfo} message
   * @param {{history?: boolean}} [options]
   */
  receive(message, options = {}) {
    const key = `${message.message_id} ${message.client_message_id}`;
    if (this.rows.has(key)) return;
    const stick = this.nearEnd();
    const pending = this.pending.get(message.client_message_id);
    const li = pending?.li ?? el('li', { className: 'chat-message' });
    if (pending) this.pending.delete(pending.id);
    this.fill(li, message);
    const firstPending = this.pending.values().next().value;
    if (firstPending) firstPending.li.before(li);
    else this.log.append(li);
    this.rows.set(key, li);
    this.messages.push(message);
    this.trim();
    const own = this.selfIds.has(message.participant_id) || Boolean(pending);
    if (stick || own) this.scrollToEnd();
    if (!own && !options.history && !this.visible) this.setUnread(this.unread + 1);
  }

  /**
   * Fills a row with a confirmed message.
   * @param {HTMLLIElement} li
   * @param {ChatMessageInfo} message
   */
  fill(li, message) {
    li.dataset.messageId = message.message_id;
    delete li.dataset.pending;
    li.toggleAttribute('data-own', this.selfIds.has(message.participant_id));
    const role = el('span', { className: 'chat-role role-badge', text: roleLabel(message.role) });
    role.dataset.role = message.role;
    li.replaceChildren(
      el('div', {
        className: 'chat-meta',
        children: [el('span', { className: 'chat-sender', text: message.display_name }), role, timeOf(message.sent_at)],
      }),
      el('p', { className: 'chat-text', children: linkify(message.text) }),
    );
  }

  submit() {
    const text = this.input.value;
    if (!text.trim()) return;
    const count = charCount(text);
    if (count > MAX_CHAT_CHARS) {
      this.showError(`Your message has ${count} characters; the limit is ${MAX_CHAT_CHARS}. Shorten it to send it.`, 'length');
      return;
    }
    const id = newClientMessageId();
    const li = el('li', {
      className: 'chat-message',
      attrs: { 'data-pending': '', 'data-own': '', 'data-client-message-id': id },
      children: [
        el('div', {
          className: 'chat-meta',
          children: [el('span', { className: 'chat-sender', text: 'You' }), el('span', { className: 'chat-time', text: 'sending…' })],
        }),
        el('p', { className: 'chat-text', text }),
      ],
    });
    /** @type {Pending} */
    const pending = { id, text, li };
    this.pending.set(id, pending);
    this.log.append(li);
    this.scrollToEnd();
    this.input.value = '';
    this.renderCounter();
    this.hideError();
    this.transmit(pending);
  }

  /**
   * Sends a pending message (offline: it waits for the rejoin).
   * @param {Pending} pending
   */
  transmit(pending) {
    if (!this.link.online()) return;
    this.link.send(
      { type: 'chat_send', client_message_id: pending.id, text: pending.text },
      { quiet: true, onError: (code, message) => this.refused(pending, code, message) },
    );
  }

  /**
   * The server refused a message: take it out of the list, give the text back.
   * @param {Pending} pending
   * @param {string} code
   * @param {string} message
   * @returns {boolean}
   */
  refused(pending, code, message) {
    if (code === ErrorCode.RATE_LIMITED) {
      window.setTimeout(() => this.pending.has(pending.id) && this.transmit(pending), 1000);
      return true;
    }
    this.pending.delete(pending.id);
    pending.li.remove();
    if (!this.input.value) {
      this.input.value = pending.text;
      this.renderCounter();
    }
    this.showError(
      code === ErrorCode.TEXT_TOO_LONG
        ? `Your message is too long (at most ${MAX_CHAT_CHARS} characters). It was not sent.`
        : `Your message was not sent${message ? `: ${message}` : ''}.`,
    );
    return true;
  }

  renderCounter() {
    const count = charCount(this.input.value);
    const over = count > MAX_CHAT_CHARS;
    this.counter.textContent = `${count} / ${MAX_CHAT_CHARS}`;
    this.counter.toggleAttribute('data-over', over);
    this.sendButton.disabled = over;
    this.input.setAttribute('aria-invalid', String(over));
    const excess = count - MAX_CHAT_CHARS;
    if (over) {
      const chars = excess === 1 ? 'character' : 'characters';
      this.showError(`Your message is ${excess} ${chars} over the ${MAX_CHAT_CHARS}-character limit.`, 'length');
    } else if (this.error.dataset.kind === 'length') {
      this.hideError();
    }
  }

  /**
   * @param {string} text
   * @param {string} [kind] 'length' for a too-long message (cleared once it fits).
   */
  showError(text, kind = '') {
    this.error.textContent = text;
    this.error.hidden = false;
    this.error.dataset.kind = kind;
  }

  hideError() {
    this.error.textContent = '';
    this.error.hidden = true;
    delete this.error.dataset.kind;
  }

  /** @param {boolean} visible True while the Chat tab is shown. */
  setVisible(visible) {
    this.visible = visible;
    if (visible) {
      this.setUnread(0);
      this.scrollToEnd();
    }
  }

  /** @param {number} count */
  setUnread(count) {
    this.unread = count;
    this.badge.textContent = count > 0 ? String(count) : '';
    this.badge.hidden = count === 0;
  }

  /** @returns {boolean} True if the list is scrolled (nearly) to its end. */
  nearEnd() {
    return this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 48;
  }

  scrollToEnd() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  /** Drops the oldest confirmed rows beyond MAX_SHOWN. */
  trim() {
    while (this.messages.length > MAX_SHOWN) {
      const old = /** @type {ChatMessageInfo} */ (this.messages.shift());
      const key = `${old.message_id} ${old.client_message_id}`;
      this.rows.get(key)?.remove();
      this.rows.delete(key);
    }
  }

  /** @returns {Array<{message_id: string, text: string, display_name: string}>} */
  snapshot() {
    return this.messages.map((m) => ({ message_id: m.message_id, text: m.text, display_name: m.display_name }));
  }
}
