// @ts-check
/**
 * "Last session": for a session of a pair, the previous session that was held, one click
 * away in the room: a disclosure "Last session (date): notes and outcomes" with its next
 * steps and its notes summary. Hidden when the session belongs to no pair, when the pair
 * held no session before, or when the server cannot be asked. All text is set with
 * textContent.
 */
import { fetchAuthorized } from './api.js';
import { el } from './dom.js';

/**
 * What `GET /api/sessions/{id}/previous` answers.
 * @typedef {Object} PreviousSession
 * @property {string} session_id
 * @property {string} title
 * @property {string} start ISO-8601 UTC.
 * @property {string} notes_markdown The summary (agenda, outcomes, notes) as Markdown text.
 * @property {Array<string>} next_steps Titles of the items marked as next steps.
 * @property {string} summary_url
 */

/**
 * The date of a session as the reader's locale writes it ("Tue, Dec 8").
 * @param {string} iso
 * @returns {string}
 */
export function sessionDate(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'earlier';
  return date.toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric' });
}

/**
 * Builds the disclosure for a previous session.
 * @param {PreviousSession} previous
 * @returns {HTMLDetailsElement}
 */
export function previousSessionView(previous) {
  const steps = previous.next_steps.length
    ? el('ul', { className: 'previous-steps', children: previous.next_steps.map((title) => el('li', { text: title })) })
    : el('p', { className: 'muted small', text: 'No next steps were marked.' });
  return el('details', {
    className: 'previous-details',
    children: [
      el('summary', { className: 'previous-summary', text: `Last session (${sessionDate(previous.start)}): notes and outcomes` }),
      el('p', { className: 'previous-title small muted', text: previous.title }),
      el('h3', { className: 'previous-heading', text: 'Next steps' }),
      steps,
      el('h3', { className: 'previous-heading', text: 'Summary and notes' }),
      el('pre', { className: 'previous-notes', text: previous.notes_markdown }),
    ],
  });
}

/**
 * Shows the previous session of the pair in `host` (hidden when there is none).
 * @param {HTMLElement} host
 * @param {string} sessionId
 * @param {string} token The invite token of this session.
 * @returns {Promise<void>}
 */
export async function showPreviousSession(host, sessionId, token) {
  host.hidden = true;
  /** @type {PreviousSession} */
  let previous;
  try {
    const response = await fetchAuthorized(`/api/sessions/${encodeURIComponent(sessionId)}/previous`, token);
    if (response.status === 204) return; // not a pair's session, or nothing held before
    previous = await response.json();
  } catch {
    return; // no pair, nothing held before, or not reachable: nothing to show
  }
  host.replaceChildren(previousSessionView(previous));
  host.hidden = false;
}
