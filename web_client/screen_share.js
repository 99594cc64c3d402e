// @ts-check
/**
 * Screen sharing: the "Share screen" button, our own share (a screen, window or tab
 * from `getDisplayMedia`, sent on a publish connection of its own, tuned for detail)
 * and the stage that shows whoever shares, large, with everyone's cameras small.
 *
 * One sharer per session: the server decides (`sharing_screen` on participants). A
 * mentee cannot start while someone else shares; a mentor takes over. Stopping from
 * the browser's own "Stop sharing" bar ends the track, which stops the share here.
 */

import { byId } from './dom.js';
import { waitForIceGathering } from './media_client.js';
import { ErrorCode, Role } from './protocol.js';

/** @typedef {import('./wire.js').ParticipantInfo} ParticipantInfo */
/** @typedef {import('./wire.js').PublishAnswer} PublishAnswer */

/** What the capture asks for: detail first (resolution kept, few frames are fine). */
export const SCREEN_CONSTRAINTS = Object.freeze({
  video: { width: { max: 1920 }, height: { max: 1080 }, frameRate: { max: 15 } },
  audio: false,
});
/** The screen encoding's ceiling. */
export const SCREEN_MAX_BITRATE = 1_500_000;

/**
 * What the control needs from the room.
 * @typedef {Object} ScreenShareHost
 * @property {(message: Object) => (string|null|undefined)} send Sends on the socket.
 * @property {(message: string) => void} notify Shows a notice.
 * @property {() => ParticipantInfo|null} self Our participant, as the server said.
 * @property {() => Iterable<ParticipantInfo>} others Everyone else present.
 * @property {() => RTCConfiguration} config The session's ICE configuration.
 */

export class ScreenShareControl {
  /** @param {ScreenShareHost} host */
  constructor(host) {
    this.host = host;
    this.button = byId('share-screen-button', HTMLButtonElement);
    this.label = byId('share-screen-label', HTMLElement);
    this.stage = byId('screen-stage', HTMLElement);
    this.video = byId('screen-video', HTMLVideoElement);
    this.caption = byId('screen-caption', HTMLElement);
    this.room = byId('stage', HTMLElement);
    /** @type {MediaStream|null} Our capture while we share. */
    this.stream = null;
    /** @type {RTCPeerConnection|null} */
    this.pc = null;
    /** @type {string|null} Id of our screen `publish_offer`. */
    this.offerId = null;
    /** The server has said we share (so its saying we no longer do is a takeover). */
    this.confirmed = false;
    /** @type {MediaStreamTrack|null} The shared screen we receive. */
    this.remoteTrack = null;
    this.button.addEventListener('click', () => void this.toggle());
  }

  /** @returns {boolean} True while we capture and send a screen. */
  get sharing() {
    return this.stream !== null;
  }

  /** Starts or stops our share (the button). */
  async toggle() {
    if (this.sharing) {
      this.stop(true);
      return;
    }
    await this.start();
  }

  /** Asks the browser for a screen, window or tab and sends it. */
  async start() {
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia(SCREEN_CONSTRAINTS);
    } catch {
      return; // the person cancelled the picker
    }
    const track = stream.getVideoTracks()[0];
    if (!track) return;
    track.contentHint = 'detail';
    track.addEventListener('ended', () => this.stop(true)); // the browser's "Stop sharing"
    this.stream = stream;
    const pc = new RTCPeerConnection(this.host.config());
    this.pc = pc;
    const transceiver = pc.addTransceiver(track, {
      direction: 'sendonly', sendEncodings: [{ maxBitrate: SCREEN_MAX_BITRATE }],
    });
    const parameters = transceiver.sender.getParameters();
    parameters.degradationPreference = 'maintain-resolution';
    await transceiver.sender.setParameters(parameters).catch(() => undefined);
    await pc.setLocalDescription(await pc.createOffer());
    await waitForIceGathering(pc);
    if (this.pc !== pc || !pc.localDescription) return;
    this.offerId = this.host.send({ type: 'publish_offer', source: 'screen', sdp: pc.localDescription.sdp }) ?? null;
    this.refresh();
  }

  /**
   * Stops our share.
   * @param {boolean} tell Tell the server (false: it already knows, e.g. a takeover).
   */
  stop(tell) {
    if (!this.stream) return;
    for (const track of this.stream.getTracks()) track.stop();
    this.stream = null;
    this.confirmed = false;
    this.pc?.close();
    this.pc = null;
    this.offerId = null;
    if (tell) this.host.send({ type: 'stop_screen_share' });
    this.refresh();
  }

  /**
   * Takes the answer to our screen offer (false: not ours).
   * @param {PublishAnswer} msg
   * @returns {boolean}
   */
  acceptAnswer(msg) {
    if (this.offerId === null || msg.re !== this.offerId) return false;
    this.pc?.setRemoteDescription({ type: 'answer', sdp: msg.sdp }).catch((error) => {
      console.error(error);
      this.host.notify('Your screen could not be shared.');
      this.stop(true);
    });
    return true;
  }

  /**
   * Takes an error answering our screen offer (false: not ours).
   * @param {{re?: string|null, code: string, message: string}} msg
   * @returns {boolean}
   */
  handleError(msg) {
    if (this.offerId === null || msg.re !== this.offerId) return false;
    this.stop(false);
    this.host.notify(msg.code === ErrorCode.SCREEN_SHARE_TAKEN
      ? `${msg.message}. You can share when they stop.` : 'Your screen could not be shared.');
    return true;
  }

  /**
   * Shows a received shared screen (null: none).
   * @param {MediaStreamTrack|null} track
   */
  showRemote(track) {
    if (track === this.remoteTrack) return;
    this.remoteTrack = track;
    this.refresh();
  }

  /** The sharer from the server's view (someone else, us, or nobody). */
  sharer() {
    const self = this.host.self();
    if (self?.sharing_screen) return self;
    for (const other of this.host.others()) if (other.sharing_screen) return other;
    return null;
  }

  /** Brings the button, the stage and our own share in line with who shares now. */
  refresh() {
    const self = this.host.self();
    const sharer = this.sharer();
    if (this.sharing && self?.sharing_screen) this.confirmed = true;
    if (this.sharing && this.confirmed && !self?.sharing_screen) {
      this.stop(false); // a mentor took over (or the server ended our share)
      return;
    }
    const role = self?.role ?? Role.OBSERVER;
    this.button.hidden = role === Role.OBSERVER;
    const other = sharer && sharer.participant_id !== self?.participant_id ? sharer : null;
    this.button.disabled = Boolean(other) && role !== Role.MENTOR && !this.sharing;
    this.label.textContent = this.sharing ? 'Stop sharing' : other ? 'Present instead' : 'Share screen';
    this.button.setAttribute('aria-pressed', String(this.sharing));
    const shown = this.sharing ? this.stream : this.remoteTrack && other ? new MediaStream([this.remoteTrack]) : null;
    const current = this.video.srcObject instanceof MediaStream ? this.video.srcObject : null;
    const trackOf = (/** @type {MediaStream|null} */ s) => s?.getVideoTracks()[0] ?? null;
    if (trackOf(current) !== trackOf(shown)) this.video.srcObject = shown;
    this.video.muted = true;
    this.stage.hidden = shown === null;
    this.room.toggleAttribute('data-screen-share', shown !== null);
    this.caption.textContent = this.sharing ? 'You are sharing your screen'
      : other ? `${other.display_name} is sharing their screen` : '';
  }
}
