// @ts-check
/**
 * Human sentences for the server's close codes and error codes.
 */
import { CloseCode, ErrorCode } from './protocol.js';

/**
 * Shown on the pre-join screen of a page that is not a secure context (plain HTTP on a
 * name other than localhost), where browsers give no camera or microphone.
 */
export const HTTPS_NEEDED_MESSAGE = 'This page needs HTTPS for your camera and microphone. '
  + 'Ask the person who runs this server to serve it over HTTPS (see the deployment guide), '
  + 'or, if the server runs on this computer, open this page as http://localhost instead. '
  + 'You can still join to see and hear the others.';

/**
 * What the page should offer after a refusal.
 * @typedef {'none'|'rejoin'|'reload'} ErrorAction
 */

/**
 * @typedef {Object} Explanation
 * @property {string} message Sentence shown to the user.
 * @property {ErrorAction} action
 */

/** @type {Map<number, Explanation>} */
const CLOSE_TEXT = new Map([
  [CloseCode.BAD_JOIN, { message: 'The server could not accept this join request.', action: 'rejoin' }],
  [CloseCode.TOKEN_INVALID, { message: 'This invite link is not valid.', action: 'none' }],
  [
    CloseCode.TOKEN_EXPIRED,
    { message: 'This invite link has expired. Ask your mentor for a new one.', action: 'none' },
  ],
  [CloseCode.TOKEN_WRONG_SESSION, { message: 'This invite is for a different session.', action: 'none' }],
  [CloseCode.SESSION_NOT_FOUND, { message: 'This session does not exist.', action: 'none' }],
  [CloseCode.JOIN_TIMEOUT, { message: 'Joining took too long. Please try again.', action: 'rejoin' }],
  [CloseCode.ROOM_FULL, { message: 'This session is full.', action: 'rejoin' }],
  [CloseCode.SESSION_ENDED, { message: 'This session has ended.', action: 'none' }],
  [CloseCode.REMOVED, { message: 'You were removed from this session.', action: 'none' }],
  [
    CloseCode.REPLACED,
    { message: 'You joined from another tab or device; this tab was disconnected.', action: 'rejoin' },
  ],
  [
    CloseCode.UNSUPPORTED_VERSION,
    { message: 'This page is out of date. Reload it to get the latest version.', action: 'reload' },
  ],
  [
    CloseCode.TOO_SLOW,
    { message: 'Your connection could not keep up with the session and was closed.', action: 'rejoin' },
  ],
  [
    CloseCode.TOO_MANY_MESSAGES,
    {
      message: 'This page sent too many messages and was disconnected. You can rejoin in half a minute.',
      action: 'rejoin',
    },
  ],
  [CloseCode.MESSAGE_TOO_BIG, { message: 'A message from this page was too large.', action: 'rejoin' }],
  [CloseCode.NOT_JSON_TEXT, { message: 'This page sent data the server cannot read.', action: 'reload' }],
  [CloseCode.INTERNAL_ERROR, { message: 'Something went wrong on the server.', action: 'rejoin' }],
]);

/** @type {Map<string, Explanation>} */
const JOIN_ERROR_TEXT = new Map([
  [ErrorCode.ROOM_FULL, { message: 'This session is full.', action: 'rejoin' }],
  [ErrorCode.SESSION_ENDED, { message: 'This session has ended.', action: 'none' }],
  [ErrorCode.REMOVED, { message: 'You were removed from this session.', action: 'none' }],
  [
    ErrorCode.UNSUPPORTED_VERSION,
    { message: 'This page is out of date. Reload it to get the latest version.', action: 'reload' },
  ],
  [ErrorCode.NOT_ALLOWED, { message: 'You are not allowed to join this session.', action: 'none' }],
  [
    ErrorCode.RATE_LIMITED,
    { message: 'This page sent too many messages. Wait half a minute, then rejoin.', action: 'rejoin' },
  ],
]);

/**
 * Adds the server's own sentence to ours, unless it says nothing new.
 * @param {string} ours
 * @param {string} theirs
 * @returns {string}
 */
function withServerText(ours, theirs) {
  const extra = theirs.trim();
  if (!extra || ours.toLowerCase().includes(extra.toLowerCase())) return ours;
  const sentence = /[.!?]$/u.test(extra) ? extra : `${extra}.`;
  const core = ours.replace(/[.!?]+$/u, '').toLowerCase();
  // The server said the same, in more detail ("this session is full (2 of 2 seats taken)").
  if (extra.toLowerCase().startsWith(core)) return sentence.charAt(0).toUpperCase() + sentence.slice(1);
  return `${ours} ${sentence}`;
}

/**
 * Explains why the server closed the socket.
 * @param {number} code WebSocket close code.
 * @param {string} reason Close reason text (human readable, may be empty).
 * @param {boolean} wasJoined True if the close came after a successful join.
 * @returns {Explanation}
 */
export function explainClose(code, reason, wasJoined) {
  const known = CLOSE_TEXT.get(code);
  if (known) return { message: withServerText(known.message, reason), action: known.action };
  if (code >= 4400) {
    return { message: withServerText('The server refused the connection.', reason), action: 'rejoin' };
  }
  if (wasJoined) {
    return {
      message: withServerText('The connection to the session was lost.', reason),
      action: 'rejoin',
    };
  }
  return {
    message: withServerText('Could not connect to the session server.', reason),
    action: 'rejoin',
  };
}

/**
 * Explains an `error` message that answered our `join`.
 * @param {string} code Error code.
 * @param {string} message Server's sentence.
 * @returns {Explanation}
 */
export function explainJoinError(code, message) {
  const known = JOIN_ERROR_TEXT.get(code);
  if (known) return { message: withServerText(known.message, message), action: known.action };
  return { message: message || 'The server refused to let you join.', action: 'rejoin' };
}
