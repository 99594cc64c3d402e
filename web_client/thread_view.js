// @ts-check
/**
 * A pair's message thread between sessions (the session chat continues there): the
 * messages (author, time, text; the reader's own marked), and a form to write one
 * (Enter sends, Shift+Enter starts a new line). New messages are fetched every 10 s while
 * the page is visible, and when the window gets focus. All text is set with textContent.
 */
import { el } from './dom.js';
import { programFetch } from './program_api.js';

export const POLL_MS = 10_000;
export const MAX_TEXT = 2000;

/**
 * One message as `GET /api/pairs/{id}/thread` answers it.
 * @typedef {Object} ThreadMessage
 * @property {string} message_id
 * @property {string} author_id
 * @property {string} author_name
 * @property {string} text
 * @property {string} at ISO-8601 UTC.
 * @property {string} session_id The session whose chat it came from ('' if written here).
 */

/**
 * What `mountThread` returns.
 * @typedef {Object} ThreadHandle
 * @property {() => Promise<void>} refresh Fetches new messages now.
 * @property {() => void} stop Stops polling.
 */

/**
 * When a message was written, as the reader's locale writes it.
 * @param {string} iso
 * @returns {string}
 */
export function messageTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/**
 * The list item of one message.
 * @param {ThreadMessage} message
 * @param {string} meId
 * @returns {HTMLLIElement}
 */
export function messageView(message, meId) {
  const own = Boolean(meId) && message.author_id === meId;
  const time = el('time', { className: 'thread-time', text: messageTime(message.at), attrs: { datetime: message.at } });
  const li = el('li', {
    className: own ? 'thread-message own' : 'thread-message',
    children: [
      el('div', {
        className: 'thread-meta',
        children: [
          el('span', { className: 'thread-author', text: own ? `${message.author_name || 'You'} (you)` : message.author_name || 'Admin' }),
          time,
          message.session_id ? el('span', { className: 'thread-origin', text: 'from the session chat' }) : null,
        ],
      }),
      el('p', { className: 'thread-text', text: message.text }),
    ],
  });
  li.dataset.messageId = message.message_id;
  return li;
}

/**
 * Renders the thread of a pair into `host`, with a send form, and keeps it fresh.
 * @param {HTMLElement} host
 * @param {string} pairId
 * @param {string} meId The reader's person id ('' for an admin credential).
 * @returns {ThreadHandle}
 */
export function mountThread(host, pairId, meId) {
  const url = `/api/pairs/${encodeURIComponent(pairId)}/thread`;
  const inputId = `thread-input-${pairId}`;
  const list = el('ol', { className: 'thread-list', attrs: { 'aria-label': 'Messages', 'aria-live': 'polite' } });
  const empty = el('p', { className: 'thread-empty muted small', text: 'No messages yet. Write the first one.' });
  const input = el('textarea', {
    className: 'thread-input',
    attrs: { id: inputId, rows: '2', maxlength: String(MAX_TEXT), placeholder: 'Write a message (Enter sends, Shift+Enter for a new line)' },
  });
  const send = el('button', { className: 'button primary small thread-send', text: 'Send', attrs: { type: 'submit' } });
  const error = el('p', { className: 'thread-error inline-error small', attrs: { role: 'alert' } });
  error.hidden = true;
  const form = el('form', {
    className: 'thread-form',
    attrs: { 'aria-label': 'Write to the thread' },
    children: [
      el('label', { className: 'field-label', text: 'Message', attrs: { for: inputId } }),
      input,
      el('div', { className: 'thread-form-row', children: [send] }),
      error,
    ],
  });
  host.replaceChildren(el('div', { className: 'thread', children: [list, empty, form] }));
  /** @type {Set<string>} */
  const shown = new Set();
  let sending = false;

  /** @param {string} text */
  const showError = (text) => {
    error.textContent = text;
    error.hidden = !text;
  };

  /** @param {Array<ThreadMessage>} messages */
  const render = (messages) => {
    const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
    for (const message of messages) {
      if (shown.has(message.message_id)) continue;
      shown.add(message.message_id);
      list.append(messageView(message, meId));
    }
    empty.hidden = shown.size > 0;
    if (atBottom) list.scrollTop = list.scrollHeight;
  };

  const refresh = async () => {
    try {
      render(/** @type {Array<ThreadMessage>} */ (await programFetch('GET', url)));
      if (!sending) showError('');
    } catch (failure) {
      showError(`The messages could not be loaded: ${failure instanceof Error ? failure.message : String(failure)}`);
    }
  };

  const submit = async () => {
    const text = input.value.trim();
    if (!text || sending) {
      if (!text) input.focus();
      return;
    }
    sending = true;
    send.disabled = true;
    try {
      const posted = /** @type {ThreadMessage} */ (await programFetch('POST', url, { text }));
      input.value = '';
      showError('');
      render([posted]);
      list.scrollTop = list.scrollHeight;
    } catch (failure) {
      showError(`Not sent: ${failure instanceof Error ? failure.message : String(failure)}`);
    } finally {
      sending = false;
      send.disabled = false;
      input.focus();
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void submit();
    }
  });
  const onFocus = () => void refresh();
  window.addEventListener('focus', onFocus);
  const timer = window.setInterval(() => {
    if (!document.hidden) void refresh();
  }, POLL_MS);
  void refresh();
  return {
    refresh,
    stop: () => {
      window.clearInterval(timer);
      window.removeEventListener('focus', onFocus);
    },
  };
}
