// @ts-check
/**
 * The room's side of link quality: it reports what we receive (`quality_report`),
 * obeys the server's decision for our own link (`sends_video`, `receives_video`,
 * the media mode), lets the person cap their mode (`choose_media_mode`), words
 * every change of our mode in the notice banner, and rebuilds failed media.
 *
 * The server decides; this page follows: video is sent only while our own
 * participant entry says `sends_video` and we did not choose a lower mode; while
 * we chose chat-only our microphone is not sent and others' audio is not played.
 * The camera and microphone buttons stay independent (a camera turned off stays
 * off when video is allowed again).
 */

import { byId } from './dom.js';
import { busyNotice, linkOf, modeNotice } from './link_view.js';
import { MediaRecovery } from './media_recovery.js';
import { MediaMode, ModeReason } from './protocol.js';
import { QualityReporter } from './quality_report.js';
import { hideNotice, showNotice } from './room_view.js';

/** @typedef {import('./wire.js').ParticipantInfo} ParticipantInfo */
/** @typedef {import('./link_view.js').LinkInfo} LinkInfo */
/** @typedef {import('./room_media.js').RoomMedia} RoomMedia */
/** @typedef {import('./tile_grid.js').TileGrid} TileGrid */

/** Notice keys (a notice is cleared only by its owner). */
const MODE_NOTICE = 'mode';
const MEDIA_NOTICE = 'media';

/** How long a computer must stay calm before its camera sends its top layer again. */
export const TOP_LAYER_BACK_MS = 20_000;

export class RoomLink {
  /**
   * Binds the mode chooser (`#media-mode-choice`).
   * @param {RoomMedia} media The room's PeerConnections (its host's `send` is used here too).
   * @param {TileGrid} grid The remote tiles.
   * @param {() => boolean} active True while joined with an open socket.
   */
  constructor(media, grid, active) {
    this.media = media;
    this.grid = grid;
    /** @param {Object} message */
    this.send = (message) => media.host.send(message);
    /** @type {LinkInfo} Our own link, as the server last said. */
    this.link = linkOf(null);
    /** @type {string} The mode we chose ('' = automatic); kept across rejoins. */
    this.chosen = '';
    this.reporter = new QualityReporter({
      receivePc: () => media.subscriber?.pc ?? null,
      publishPc: () => media.publisher?.pc ?? null,
      send: (report) => Boolean(this.send(report)),
      tileHeights: () => grid.heights(),
      busyChanged: (busy) => this.spareCamera(busy),
    });
    /** When this computer last looked busy (ms, `performance.now()`). */
    this.lastBusyAt = -Infinity;
    this.recovery = new MediaRecovery({
      peers: () => media.peers(),
      active,
      rebuild: () => void media.restart(),
      notify: (message) => {
        if (message) showNotice(message, { sticky: true, key: MEDIA_NOTICE });
        else hideNotice(MEDIA_NOTICE);
      },
    });
    this.select = byId('media-mode-choice', HTMLSelectElement);
    this.select.addEventListener('change', () => this.choose(this.select.value));
  }

  /**
   * Steps our own video down a layer while this computer is busy, and back once it
   * has been calm for {@link TOP_LAYER_BACK_MS}.
   * @param {boolean} busy
   */
  spareCamera(busy) {
    const now = performance.now();
    if (busy) this.lastBusyAt = now;
    void this.media.publisher?.setTopLayer(now - this.lastBusyAt > TOP_LAYER_BACK_MS);
  }

  /**
   * The room joined (or rejoined): a fresh link on the server, so re-send our choice.
   * @param {ParticipantInfo} you
   */
  joined(you) {
    this.link = linkOf(null);
    this.reporter.start();
    this.recovery.start();
    if (this.chosen) this.send({ type: 'choose_media_mode', mode: this.chosen });
    this.selfUpdated(you);
  }

  /**
   * Our own participant entry changed (`participant_updated` about us).
   * @param {ParticipantInfo} self
   */
  selfUpdated(self) {
    const before = this.link;
    this.link = linkOf(self);
    const notice = modeNotice(before, this.link) ?? busyNotice(before, this.link);
    if (notice) showNotice(notice.text, { sticky: notice.sticky, key: MODE_NOTICE });
    this.apply();
  }

  /**
   * The person picked a mode in the chooser.
   * @param {string} value 'video'/'' (automatic), 'audio_only' or 'chat_only'.
   */
  choose(value) {
    const mode = value === MediaMode.AUDIO_ONLY || value === MediaMode.CHAT_ONLY ? value : '';
    this.chosen = mode;
    this.select.value = mode;
    this.send({ type: 'choose_media_mode', mode: mode || null });
    this.apply();
  }

  /** Applies our link and choice to what we send and how remote tiles read. */
  apply() {
    const capped = this.chosen !== '';
    const chatOnly = this.chosen === MediaMode.CHAT_ONLY;
    this.media.setSending('video', this.link.sends_video && !capped);
    this.media.setSending('audio', !chatOnly);
    const serverChose = this.link.mode_reason === ModeReason.CHOSEN;
    this.grid.setViewer({
      videoOff: capped || !this.link.receives_video,
      chosen: capped || serverChose,
      chosenMode: this.chosen || (serverChose ? this.link.media_mode : ''),
      audioOff: chatOnly,
    });
  }

  /** Rebuilds both PeerConnections now (the test hook). */
  restartMedia() {
    this.recovery.restartNow();
  }

  /** Stops reporting and recovery (the socket or the session ended). */
  stop() {
    this.reporter.stop();
    this.recovery.stop();
    hideNotice(MODE_NOTICE);
  }

  /** @returns {LinkInfo} Our own link as the server last said. */
  snapshot() {
    return { ...this.link };
  }
}
