// @ts-check
/**
 * Local devices: the camera, microphone and speaker a person chose (remembered per
 * browser), opening them with a fallback and a sentence for each failure, and the
 * pickers that list them (pre-join screen and in the call).
 */
import { el } from './dom.js';
import { MEDIA_CONSTRAINTS } from './media_client.js';

const KEY = 'mentorRooms.devices';

/** @typedef {'videoinput'|'audioinput'|'audiooutput'} DeviceKind */

/** @returns {Partial<Record<DeviceKind, string>>} The device ids chosen in this browser. */
export function chosenDevices() {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return value && typeof value === 'object' ? value : {};
  } catch {
    return {};
  }
}

/**
 * Remembers a choice in this browser.
 * @param {DeviceKind} kind
 * @param {string} deviceId
 */
export function rememberDevice(kind, deviceId) {
  localStorage.setItem(KEY, JSON.stringify({ ...chosenDevices(), [kind]: deviceId }));
}

/**
 * The constraints of one kind, preferring a device (``ideal``: another one is used
 * when it is gone).
 * @param {'audio'|'video'} kind
 * @param {string|undefined} deviceId
 * @returns {MediaTrackConstraints|boolean}
 */
function constraints(kind, deviceId) {
  const base = kind === 'video' ? { ...MEDIA_CONSTRAINTS.video } : {};
  if (!deviceId) return kind === 'video' ? base : true;
  return { ...base, deviceId: { ideal: deviceId } };
}
/**
 * Result of asking for the camera and microphone.
 * @typedef {Object} LocalMedia
 * @property {MediaStream|null} stream What we got (maybe only one kind).
 * @property {string|null} error A sentence for the user when something failed.
 */

/**
 * A user-facing sentence for a getUserMedia failure.
 * @param {unknown} error
 * @returns {string}
 */
export function describeMediaError(error) {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Camera and microphone access was blocked. Allow it in your browser settings and reload to be seen and heard.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera or microphone was found.';
    case 'NotReadableError':
    case 'AbortError':
      return 'Your camera or microphone is in use by another application.';
    default:
      return `Could not start your camera or microphone${error instanceof Error && error.message ? `: ${error.message}` : '.'}`;
  }
}

/**
 * Whether this page cannot have a camera or microphone because it is not a secure
 * context (plain HTTP on a name other than localhost): then asking is pointless.
 * @param {{isSecureContext?: boolean}} [scope] Default: `window`.
 * @returns {boolean}
 */
export function needsHttps(scope = window) {
  return scope.isSecureContext === false;
}

/**
 * Opens the camera and microphone; falls back to one of them if both fail.
 * @returns {Promise<LocalMedia>}
 */
export async function getLocalMedia() {
  if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== 'function') {
    return { stream: null, error: 'This browser cannot use a camera or microphone here (a secure https page is needed).' };
  }
  try {
    const chosen = chosenDevices();
    const wanted = { audio: constraints('audio', chosen.audioinput), video: constraints('video', chosen.videoinput) };
    return { stream: await navigator.mediaDevices.getUserMedia(wanted), error: null };
  } catch (error) {
    const message = describeMediaError(error);
    if (error instanceof Error && (error.name === 'NotAllowedError' || error.name === 'SecurityError')) {
      return { stream: null, error: message };
    }
    for (const partial of [{ audio: true }, { video: MEDIA_CONSTRAINTS.video }]) {
      try {
        const stream = await navigator.mediaDevices.getUserMedia(partial);
        const missing = 'audio' in partial ? 'camera' : 'microphone';
        return { stream, error: `Your ${missing} could not be started. ${message}` };
      } catch {
        // Try the next kind.
      }
    }
    return { stream: null, error: message };
  }
}

/**
 * Opens one device (for a switch): its new track.
 * @param {'audio'|'video'} kind
 * @param {string} [deviceId] None: any device of the kind.
 * @returns {Promise<MediaStreamTrack>}
 * @throws {Error} The getUserMedia failure (see {@link describeMediaError}).
 */
export async function openTrack(kind, deviceId) {
  const value = deviceId ? { ...(kind === 'video' ? MEDIA_CONSTRAINTS.video : {}), deviceId: { exact: deviceId } }
    : constraints(kind, undefined);
  const stream = await navigator.mediaDevices.getUserMedia({ [kind]: value });
  const track = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
  if (!track) throw new DOMException('no track', 'NotFoundError');
  return track;
}

/** Whether this browser can choose where audio plays (`setSinkId`). */
export const CAN_CHOOSE_SPEAKER = typeof HTMLMediaElement !== 'undefined'
  && 'setSinkId' in HTMLMediaElement.prototype;

/**
 * The three device lists (camera, microphone, speaker) as `<select>`s.
 * @typedef {Object} DeviceSelects
 * @property {HTMLSelectElement} videoinput
 * @property {HTMLSelectElement} audioinput
 * @property {HTMLSelectElement} audiooutput
 */

/** Fills device `<select>`s and reports a choice. */
export class DevicePicker {
  /**
   * @param {DeviceSelects} selects
   * @param {(kind: DeviceKind, deviceId: string) => void} onChoose After a change
   *   (already remembered).
   */
  constructor(selects, onChoose) {
    this.selects = selects;
    for (const [kind, select] of Object.entries(selects)) {
      select.addEventListener('change', () => {
        rememberDevice(/** @type {DeviceKind} */ (kind), select.value);
        onChoose(/** @type {DeviceKind} */ (kind), select.value);
      });
    }
    const speakerField = selects.audiooutput.closest('.field');
    if (speakerField instanceof HTMLElement) speakerField.hidden = !CAN_CHOOSE_SPEAKER;
  }

  /**
   * Lists the devices, showing those in use by `stream` (and the chosen speaker).
   * @param {MediaStream|null} stream
   */
  async refresh(stream) {
    const devices = await navigator.mediaDevices?.enumerateDevices?.() ?? [];
    /** @type {Record<string, string|undefined>} */
    const inUse = {
      videoinput: stream?.getVideoTracks()[0]?.getSettings().deviceId,
      audioinput: stream?.getAudioTracks()[0]?.getSettings().deviceId,
      audiooutput: chosenDevices().audiooutput,
    };
    for (const [kind, select] of Object.entries(this.selects)) {
      const ofKind = devices.filter((d) => d.kind === kind && d.deviceId);
      const names = { videoinput: 'Camera', audioinput: 'Microphone', audiooutput: 'Speaker' };
      select.replaceChildren(...ofKind.map((device, i) => el('option', {
        text: device.label || `${/** @type {Record<string, string>} */ (names)[kind]} ${i + 1}`,
        attrs: { value: device.deviceId },
      })));
      select.disabled = ofKind.length === 0;
      const current = inUse[kind];
      if (current && ofKind.some((d) => d.deviceId === current)) select.value = current;
    }
  }
}
