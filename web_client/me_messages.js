// @ts-check
/**
 * The home page's "Messages": one disclosure per pair with its new-message count and the
 * last message; opening it embeds the pair's thread (thread_view.js) and tells the server
 * the thread was seen (POST /api/pairs/{id}/thread/seen), which clears the count.
 */

import { el } from './dom.js';
import { formatShortWhen } from './durations.js';
import { programFetch } from './program_api.js';
import { mountThread } from './thread_view.js';

/** @typedef {import('./me_types.js').HomePair} HomePair */

/**
 * @param {HTMLElement} host
 * @param {HTMLElement} empty
 * @param {Array<HomePair>} pairs
 * @param {string} meId The signed-in person (the thread's author when they write).
 * @param {boolean} isSelf Whether the page shows the viewer's own home (else read-only
 *     counts: the thread is not opened on someone else's behalf).
 */
export function showMessages(host, empty, pairs, meId, isSelf) {
  host.replaceChildren(...pairs.map((pair) => {
    const count = el('span', { className: 'count-badge', text: pair.new_messages ? `${pair.new_messages} new` : 'No new messages' });
    const people = [pair.mentor.name, ...pair.mentees.map((m) => m.name)].join(', ');
    const last = pair.last_message
      ? el('p', { className: 'muted small me-last', text: `${pair.last_message.author_name}, ${formatShortWhen(pair.last_message.at)}: ${pair.last_message.text}` })
      : el('p', { className: 'muted small', text: 'No messages yet.' });
    const body = el('div', { className: 'me-thread' });
    const box = el('details', {
      className: 'me-pair',
      attrs: { 'data-pair': pair.pair_id },
      children: [el('summary', { children: [el('strong', { text: pair.title }), document.createTextNode(` · ${people} `), count]}), last, body],
    });
    let mounted = false;
    box.addEventListener('toggle', () => {
      if (!box.open || mounted || !isSelf) return;
      mounted = true;
      mountThread(body, pair.pair_id, meId);
      programFetch('POST', `/api/pairs/${encodeURIComponent(pair.pair_id)}/thread/seen`)
        .then(() => { count.textContent = 'No new messages'; })
        .catch(() => undefined);
    });
    return box;
  }));
  empty.hidden = pairs.length > 0;
}
