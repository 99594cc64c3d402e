// @ts-check
/**
 * "Last session": for a session of a pair, a link to the previous session's notes and
 * outcomes, one click away in the room (to be built).
 */

/**
 * Shows the previous session of the pair in `host` (hidden when there is none).
 * @param {HTMLElement} host
 * @param {string} sessionId
 * @param {string} token The invite token of this session.
 * @returns {Promise<void>}
 */
export async function showPreviousSession(host, sessionId, token) {
  void sessionId;
  void token;
  host.hidden = true;
}
