// @ts-check
/**
 * The pre-join screen: camera preview, microphone level, name and start toggles; or,
 * when the link's invite token is unusable, a "this invite link is not valid" card.
 */
import { byId, el, initials } from './dom.js';
import { decodeClaims, isExpired, sessionIdFromPath, tokenFromHash } from './invite_token.js';
import { DevicePicker, describeMediaError, getLocalMedia, needsHttps, openTrack } from './devices.js';
import { HTTPS_NEEDED_MESSAGE } from './messages.js';
import { MAX_NAME_CHARS } from './protocol.js';

/**
 * Whether a room URL carries an invite worth offering to join with: false when its token
 * is missing, cannot be decoded (no session and role in it), is for another session or
 * has expired. Only a first look at unverified claims: the server decides at join.
 * @param {string} hash `location.hash`.
 * @param {string} pathname `location.pathname` (`/s/{session_id}`).
 * @param {number} [nowMs] Current time in milliseconds.
 * @returns {boolean}
 */
export function inviteLooksValid(hash, pathname, nowMs = Date.now()) {
  const token = tokenFromHash(hash);
  const claims = token ? decodeClaims(token) : null;
  if (!claims || !claims.sid || !claims.role || isExpired(claims, nowMs)) return false;
  const sessionId = sessionIdFromPath(pathname);
  return sessionId === null || claims.sid === sessionId;
}

/** Shows the microphone's loudness as a bar, from an AudioContext analyser. */
export class LevelMeter {
  /**
   * @param {MediaStream} stream Must hold an audio track.
   * @param {HTMLElement} fill Element scaled horizontally with the level.
   */
  constructor(stream, fill) {
    this.fill = fill;
    this.frame = 0;
    /** @type {AudioContext|null} */
    this.context = null;
    try {
      this.context = new AudioContext();
      const source = this.context.createMediaStreamSource(stream);
      this.analyser = this.context.createAnalyser();
      this.analyser.fftSize = 512;
      source.connect(this.analyser);
      this.samples = new Uint8Array(this.analyser.fftSize);
      // A context made before any user gesture starts suspended; resume on the first one.
      if (this.context.state === 'suspended') {
        const resume = () => this.context?.resume().catch(() => undefined);
        document.addEventListener('pointerdown', resume, { once: true });
        document.addEventListener('keydown', resume, { once: true });
        resume();
      }
      this.tick();
    } catch {
      this.stop();
    }
  }

  tick() {
    if (!this.analyser || !this.samples) return;
    this.analyser.getByteTimeDomainData(this.samples);
    let sum = 0;
    for (const sample of this.samples) {
      const centred = (sample - 128) / 128;
      sum += centred * centred;
    }
    const rms = Math.sqrt(sum / this.samples.length);
    const level = Math.min(1, rms * 4);
    this.fill.style.transform = `scaleX(${level.toFixed(3)})`;
    this.frame = requestAnimationFrame(() => this.tick());
  }

  stop() {
    cancelAnimationFrame(this.frame);
    this.analyser = undefined;
    this.fill.style.transform = 'scaleX(0)';
    this.context?.close().catch(() => undefined);
    this.context = null;
  }
}

/**
 * What the user chose on the pre-join screen.
 * @typedef {Object} JoinChoice
 * @property {string} displayName
 * @property {boolean} audioMuted
 * @property {boolean} videoMuted
 * @property {MediaStream|null} stream
 */

/** Controller of the `#prejoin` section. */
export class PreJoin {
  /**
   * @param {{observer: boolean, suggestedName: string, roleText: string}} options
   */
  constructor(options) {
    this.observer = options.observer;
    /** @type {MediaStream|null} */
    this.stream = null;
    /** @type {LevelMeter|null} */
    this.meter = null;
    /** @type {DevicePicker|null} */
    this.picker = null;
    this.section = byId('prejoin');
    this.nameInput = byId('display-name', HTMLInputElement);
    this.muteBox = byId('start-muted', HTMLInputElement);
    this.cameraBox = byId('start-camera-off', HTMLInputElement);
    this.joinButton = byId('join-button', HTMLButtonElement);
    this.preview = byId('preview-video', HTMLVideoElement);
    this.previewBox = byId('preview');
    this.previewInitials = byId('preview-initials');
    this.previewStatus = byId('preview-status');
    this.mediaError = byId('media-error');

    this.nameInput.maxLength = MAX_NAME_CHARS;
    this.nameInput.value = options.suggestedName.slice(0, MAX_NAME_CHARS);
    byId('prejoin-role').textContent = options.roleText;
    byId('observer-note').hidden = !this.observer;
    byId('media-options').hidden = this.observer;
    this.previewBox.hidden = this.observer;
    this.refreshInitials();

    this.nameInput.addEventListener('input', () => {
      this.refreshInitials();
      this.nameInput.setCustomValidity('');
    });
    this.muteBox.addEventListener('change', () => this.applyToggles());
    this.cameraBox.addEventListener('change', () => this.applyToggles());
    /** True when the link's invite cannot be used: the screen says so instead. */
    this.invalid = !inviteLooksValid(window.location.hash, window.location.pathname);
    if (this.invalid) this.showInvalid();
  }

  /** Replaces the join form with the "this invite link is not valid" card. */
  showInvalid() {
    const card = this.section.querySelector('.prejoin-card');
    if (card instanceof HTMLElement) card.hidden = true;
    this.joinButton.disabled = true;
    this.section.setAttribute('aria-labelledby', 'invite-invalid-heading');
    this.section.append(el('div', {
      className: 'card message-card',
      attrs: { id: 'invite-invalid' },
      children: [
        el('h2', { text: 'This invite link is not valid', attrs: { id: 'invite-invalid-heading' } }),
        el('p', { text: 'It may have expired or been revoked. Ask your mentor for a new one.' }),
      ],
    }));
  }

  /** Asks for the camera and microphone (not for observers, nor for an unusable invite)
   * and shows the preview. */
  async start() {
    this.section.hidden = false;
    byId('prejoin-devices').hidden = true;
    if (this.observer || this.invalid) return;
    if (needsHttps()) {
      this.showHttpsNeeded();
      return;
    }
    this.previewStatus.textContent = 'Starting camera…';
    this.joinButton.disabled = true; // Join once we know what we can send.
    const { stream, error } = await getLocalMedia();
    this.joinButton.disabled = false;
    this.stream = stream;
    byId('prejoin-devices').hidden = !stream;
    this.mediaError.textContent = error ?? '';
    this.mediaError.hidden = !error;
    if (!stream) {
      this.previewStatus.textContent = 'No camera';
      this.muteBox.disabled = true;
      this.cameraBox.disabled = true;
      return;
    }
    this.preview.muted = true;
    this.preview.srcObject = stream;
    this.preview.play().catch(() => undefined);
    const fill = byId('mic-level-fill');
    if (stream.getAudioTracks().length > 0) this.meter = new LevelMeter(stream, fill);
    else byId('mic-level').hidden = true;
    this.muteBox.disabled = stream.getAudioTracks().length === 0;
    this.cameraBox.disabled = stream.getVideoTracks().length === 0;
    this.applyToggles();
    this.picker = new DevicePicker({
      videoinput: byId('prejoin-camera', HTMLSelectElement),
      audioinput: byId('prejoin-mic', HTMLSelectElement),
      audiooutput: byId('prejoin-speaker', HTMLSelectElement),
    }, (kind, deviceId) => { if (kind !== 'audiooutput') void this.switchDevice(kind === 'audioinput' ? 'audio' : 'video', deviceId); });
    await this.picker.refresh(stream);
  }

  /** On a page that is not a secure context: says that HTTPS is needed for the camera
   * and microphone, asks for neither, and leaves joining (to see and hear) possible. */
  showHttpsNeeded() {
    const message = byId('https-needed');
    message.textContent = HTTPS_NEEDED_MESSAGE;
    message.hidden = false;
    this.previewBox.toggleAttribute('data-show-video', false);
    this.previewStatus.textContent = 'No camera';
    this.muteBox.disabled = true;
    this.cameraBox.disabled = true;
    byId('mic-level').hidden = true;
  }

  /**
   * Uses another camera or microphone in the preview (and then in the call).
   * @param {'audio'|'video'} kind
   * @param {string} deviceId
   */
  async switchDevice(kind, deviceId) {
    const stream = this.stream;
    if (!stream) return;
    try {
      const track = await openTrack(kind, deviceId);
      for (const old of kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks()) {
        stream.removeTrack(old);
        old.stop();
      }
      stream.addTrack(track);
      this.mediaError.hidden = true;
    } catch (error) {
      this.mediaError.textContent = describeMediaError(error);
      this.mediaError.hidden = false;
      return;
    }
    this.preview.srcObject = stream;
    this.preview.play().catch(() => undefined);
    if (kind === 'audio') {
      this.meter?.stop();
      this.meter = new LevelMeter(stream, byId('mic-level-fill'));
    }
    this.applyToggles();
  }

  refreshInitials() {
    this.previewInitials.textContent = initials(this.nameInput.value || '?');
  }

  /** Applies the start toggles to the preview tracks. */
  applyToggles() {
    const audioOff = this.muteBox.checked;
    const videoOff = this.cameraBox.checked;
    for (const track of this.stream?.getAudioTracks() ?? []) track.enabled = !audioOff;
    for (const track of this.stream?.getVideoTracks() ?? []) track.enabled = !videoOff;
    const hasVideo = (this.stream?.getVideoTracks().length ?? 0) > 0;
    this.previewBox.toggleAttribute('data-show-video', hasVideo && !videoOff);
    this.previewBox.toggleAttribute('data-audio-muted', audioOff);
    if (hasVideo) this.previewStatus.textContent = videoOff ? 'Camera off' : '';
  }

  /**
   * Validates the form and returns the user's choice, or null (with the name field
   * reporting what is wrong).
   * @returns {JoinChoice|null}
   */
  choice() {
    const displayName = this.nameInput.value.trim();
    if (!displayName) {
      this.nameInput.setCustomValidity('Please enter your name.');
      this.nameInput.reportValidity();
      return null;
    }
    const hasAudio = (this.stream?.getAudioTracks().length ?? 0) > 0;
    const hasVideo = (this.stream?.getVideoTracks().length ?? 0) > 0;
    return {
      displayName,
      audioMuted: this.muteBox.checked || !hasAudio,
      videoMuted: this.cameraBox.checked || !hasVideo,
      stream: this.stream,
    };
  }

  /** @param {boolean} busy */
  setBusy(busy) {
    this.joinButton.disabled = busy;
    this.joinButton.textContent = busy ? 'Joining…' : 'Join';
    this.nameInput.disabled = busy;
  }

  /** Hides the screen and stops the level meter (the stream itself is kept). */
  hide() {
    this.meter?.stop();
    this.meter = null;
    this.preview.srcObject = null;
    this.section.hidden = true;
  }
}
