// @ts-check
/**
 * The room page's screens and banners: which section is visible, the error panel,
 * the transient notice, the "you left" screen, the header and the control buttons.
 */
import { byId, formatWhen, roleLabel, setIcon } from './dom.js';
import { LeaveReason, SessionKind } from './protocol.js';

/** @typedef {import('./messages.js').ErrorAction} ErrorAction */

const NOTICE_MS = 6000;
let noticeTimer = 0;
let noticeKey = '';

/**
 * Shows exactly one of the main screens.
 * @param {'loading'|'prejoin'|'room'|'left'|'error'} screen
 */
export function showScreen(screen) {
  byId('loading').hidden = screen !== 'loading';
  byId('prejoin').hidden = screen !== 'prejoin';
  byId('room').hidden = screen !== 'room';
  byId('left-screen').hidden = screen !== 'left';
  byId('error-screen').hidden = screen !== 'error';
  document.body.dataset.screen = screen;
}

/**
 * Shows a blocking error with what the user can do next.
 * @param {string} message
 * @param {ErrorAction} action
 */
export function showErrorScreen(message, action) {
  byId('room-error').textContent = message;
  const button = byId('error-action', HTMLButtonElement);
  button.hidden = action === 'none';
  button.textContent = action === 'reload' ? 'Reload page' : 'Try again';
  showScreen('error');
}

/**
 * Shows the "you left" screen.
 * @param {string} heading
 * @param {string} message
 * @param {boolean} canRejoin
 */
export function showLeftScreen(heading, message, canRejoin) {
  byId('left-heading').textContent = heading;
  byId('left-message').textContent = message;
  byId('rejoin-button').hidden = !canRejoin;
  showScreen('left');
  byId('left-heading').focus();
}

/**
 * Shows a transient notice (errors that do not end the session, media mode changes).
 * @param {string} message
 * @param {{sticky?: boolean, key?: string}} [options] Sticky notices stay until replaced
 *   or closed; `key` names the notice so that its owner can clear only its own.
 */
export function showNotice(message, options = {}) {
  const notice = byId('notice');
  byId('notice-text').textContent = message;
  notice.hidden = false;
  noticeKey = options.key ?? '';
  window.clearTimeout(noticeTimer);
  if (!options.sticky) noticeTimer = window.setTimeout(() => hideNotice(), NOTICE_MS);
}

/**
 * Hides the notice.
 * @param {string} [key] Only if the notice showing was shown with this key.
 */
export function hideNotice(key) {
  if (key !== undefined && key !== noticeKey) return;
  window.clearTimeout(noticeTimer);
  byId('notice').hidden = true;
  noticeKey = '';
}

/** @returns {string} The text of the notice showing ('' when none). */
export function noticeText() {
  return byId('notice').hidden ? '' : byId('notice-text').textContent ?? '';
}

/**
 * Announces a change to screen-reader users (visually hidden live region).
 * @param {string} message
 */
export function announce(message) {
  const region = byId('announcer');
  region.textContent = '';
  window.setTimeout(() => {
    region.textContent = message;
  }, 50);
}

/**
 * @typedef {Object} HeaderInfo
 * @property {string} title
 * @property {string} [kind]
 * @property {number} [capacity]
 * @property {string|number|null} [scheduled_start]
 * @property {number|null} [planned_minutes]
 */

/**
 * Shows the session's title and a one-line summary in the header.
 * @param {HeaderInfo} session
 */
export function showSessionHeader(session) {
  byId('session-title').textContent = session.title || 'Mentoring session';
  document.title = `${session.title || 'Session'} · Mentor Rooms`;
  const parts = [];
  if (session.kind === SessionKind.ONE_ON_ONE) parts.push('One-on-one');
  else if (session.kind === SessionKind.CIRCLE) {
    parts.push(session.capacity ? `Circle · up to ${session.capacity} people` : 'Circle');
  }
  const when = formatWhen(session.scheduled_start);
  if (when) parts.push(`Starts ${when}`);
  if (session.planned_minutes) parts.push(`${session.planned_minutes} min`);
  byId('session-meta').textContent = parts.join(' · ');
}

/**
 * Shows the local participant's role in the header.
 * @param {string} role
 */
export function showOwnRole(role) {
  const badge = byId('own-role');
  badge.textContent = role;
  badge.dataset.role = role;
  badge.title = `You are the ${roleLabel(role).toLowerCase()}`;
  badge.hidden = false;
}

/**
 * Updates the mic and camera buttons.
 * @param {{audioMuted: boolean, videoMuted: boolean, hasAudio: boolean, hasVideo: boolean, publishing: boolean}} state
 */
export function renderControls(state) {
  const mic = byId('toggle-mic', HTMLButtonElement);
  const camera = byId('toggle-camera', HTMLButtonElement);
  mic.hidden = !state.publishing;
  camera.hidden = !state.publishing;
  mic.disabled = !state.hasAudio;
  camera.disabled = !state.hasVideo;
  mic.toggleAttribute('data-off', state.audioMuted);
  camera.toggleAttribute('data-off', state.videoMuted);
  setIcon(mic, state.audioMuted ? 'micOff' : 'mic');
  setIcon(camera, state.videoMuted ? 'cameraOff' : 'camera');
  byId('toggle-mic-label').textContent = state.audioMuted ? 'Unmute' : 'Mute';
  byId('toggle-camera-label').textContent = state.videoMuted ? 'Start video' : 'Stop video';
  mic.title = state.hasAudio ? (state.audioMuted ? 'Unmute your microphone' : 'Mute your microphone') : 'No microphone';
  camera.title = state.hasVideo ? (state.videoMuted ? 'Turn your camera on' : 'Turn your camera off') : 'No camera';
}

/** Puts the focus on the room's main control (mute, or the first one shown). */
export function focusFirstControl() {
  const first = Array.from(document.querySelectorAll('.controls button'))
    .find((node) => node instanceof HTMLButtonElement && !node.hidden && !node.disabled);
  if (first instanceof HTMLButtonElement) first.focus();
}

/**
 * The end screen after the server's `bye`: why we are out, and whether we may rejoin.
 * @param {import('./wire.js').Bye} msg
 */
export function showByeScreen(msg) {
  const ended = msg.reason === LeaveReason.SESSION_ENDED || msg.reason === LeaveReason.SERVER_SHUTDOWN;
  const removed = msg.reason === LeaveReason.REMOVED;
  const heading = msg.reason === LeaveReason.LEFT
    ? 'You left the session'
    : ended ? 'The session has ended' : removed ? 'You were removed from the session' : 'You are no longer in the session';
  showLeftScreen(heading, msg.message, msg.reason !== LeaveReason.SESSION_ENDED && !removed);
}
