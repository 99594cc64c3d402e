// @ts-check
/**
 * Video tiles (one per publishing participant) and the participant list.
 */
import { el, hueFor, icon, initials, roleLabel } from './dom.js';
import { FULL_VIEWER, connectionWord, qualityWord, remoteTileState, selfTileLabel } from './link_view.js';
import { Role } from './protocol.js';

/** @typedef {import('./wire.js').ParticipantInfo} ParticipantInfo */
/** @typedef {import('./link_view.js').ViewerState} ViewerState */

/** Width / height of a tile (cameras send 4:3 here). */
export const TILE_ASPECT = 4 / 3;

/**
 * True if this role sends audio and video (and so gets a video tile).
 * @param {string} role
 * @returns {boolean}
 */
export function publishes(role) {
  return role === Role.MENTOR || role === Role.MENTEE;
}

/** One participant's video with name, role badge and mute indicators. */
export class Tile {
  /**
   * @param {ParticipantInfo} participant
   * @param {{self?: boolean}} [options] `self`: the local preview (muted, mirrored).
   */
  constructor(participant, options = {}) {
    this.self = Boolean(options.self);
    this.participantId = participant.participant_id;
    /** @type {ViewerState} What we receive ourselves (set by the grid). */
    this.viewer = FULL_VIEWER;
    /** Why the video is held back ('' when it can show). */
    this.linkLabel = '';
    /** Sorted ids of the tracks in the video element (to skip needless resets). */
    this.trackKey = '';

    this.video = el('video', { className: 'tile-video' });
    this.video.autoplay = true;
    this.video.playsInline = true;
    this.video.muted = this.self; // Remote tiles play their audio.
    this.initials = el('span', { className: 'tile-initials' });
    this.status = el('span', { className: 'tile-status' });
    this.avatar = el('div', { className: 'tile-avatar', children: [this.initials, this.status] });
    this.name = el('span', { className: 'tile-name' });
    this.role = el('span', { className: 'tile-role role-badge' });
    this.micIndicator = el('span', {
      className: 'tile-indicator tile-mic-off',
      attrs: { role: 'img', 'aria-label': 'Microphone muted', title: 'Microphone muted' },
      children: [icon('micOff')],
    });
    this.cameraIndicator = el('span', {
      className: 'tile-indicator tile-camera-off',
      attrs: { role: 'img', 'aria-label': 'Camera off', title: 'Camera off' },
      children: [icon('cameraOff')],
    });
    this.quality = el('span', { className: 'tile-quality', attrs: { role: 'img' } });
    this.hand = el('span', { className: 'tile-indicator tile-hand', attrs: { role: 'img' }, children: [icon('hand')] });
    this.hand.hidden = true;
    /** On one's own tile: why the server holds our video back. */
    this.linkPill = el('span', { className: 'tile-link' });
    /** Video held back (audio only, paused...): the tile shows why instead. */
    this.held = false;
    this.linkPill.hidden = true;
    const footer = el('div', {
      className: 'tile-footer',
      children: [
        this.name,
        this.self ? el('span', { className: 'tile-you', text: 'You' }) : null,
        this.role,
        this.quality,
      ],
    });
    const indicators = el('div', {
      className: 'tile-indicators',
      children: [this.hand, this.micIndicator, this.cameraIndicator],
    });
    /** Remote tiles: pins this tile as the large one (set by the grid). */
    this.pinButton = this.self ? null : el('button', {
      className: 'tile-pin', text: 'Pin',
      attrs: { type: 'button', 'aria-pressed': 'false', 'aria-label': `Pin ${participant.display_name}` },
    });

    if (this.self) {
      const existing = document.getElementById('self-tile');
      this.element = existing ?? el('div', { attrs: { id: 'self-tile' } });
      this.element.replaceChildren();
      this.element.className = 'video-tile self';
    } else {
      this.element = el('div', { className: 'video-tile tile' });
      this.element.dataset.participantId = participant.participant_id;
    }
    this.element.setAttribute('role', 'group');
    this.element.append(this.video, this.avatar, this.linkPill, indicators, footer);
    if (this.pinButton) this.element.append(this.pinButton);
    this.element.style.setProperty('--avatar-hue', String(hueFor(participant.participant_id)));

    const onFrames = () => this.refreshPicture();
    this.video.addEventListener('loadeddata', onFrames);
    this.video.addEventListener('resize', onFrames);
    this.video.addEventListener('playing', onFrames);
    this.update(participant);
  }

  /**
   * Shows the participant's current name, role and muted state.
   * @param {ParticipantInfo} participant
   */
  update(participant) {
    this.info = participant;
    this.name.textContent = participant.display_name;
    this.role.textContent = participant.role;
    this.role.dataset.role = participant.role;
    this.initials.textContent = initials(participant.display_name);
    this.element.dataset.role = participant.role;
    this.element.toggleAttribute('data-audio-muted', Boolean(participant.audio_muted));
    this.element.toggleAttribute('data-video-muted', Boolean(participant.video_muted));
    const word = connectionWord(participant);
    this.quality.textContent = word;
    this.quality.dataset.quality = qualityWord(participant.quality);
    this.quality.toggleAttribute('data-busy', word === 'computer busy');
    this.quality.setAttribute('aria-label', `Connection: ${word}`);
    this.quality.title = `Connection: ${word}`;
    this.hand.hidden = participant.hand_raised_at == null;
    this.hand.setAttribute('aria-label', 'Hand raised');
    this.refreshLink();
  }

  /**
   * Marks the tile while its person speaks (a highlight around it).
   * @param {boolean} speaking
   */
  setSpeaking(speaking) {
    this.element.toggleAttribute('data-speaking', speaking);
  }

  /**
   * Plays this tile's audio on an output device (ignored where unsupported).
   * @param {string} sinkId
   */
  setSinkId(sinkId) {
    const video = /** @type {HTMLVideoElement & {setSinkId?: (id: string) => Promise<void>}} */ (this.video);
    video.setSinkId?.(sinkId).catch(() => undefined);
  }

  /**
   * Shows whether this tile is pinned.
   * @param {boolean} pinned
   */
  setPinned(pinned) {
    this.element.toggleAttribute('data-pinned', pinned);
    if (!this.pinButton) return;
    this.pinButton.textContent = pinned ? 'Unpin' : 'Pin';
    this.pinButton.setAttribute('aria-pressed', String(pinned));
    this.pinButton.setAttribute('aria-label', `${pinned ? 'Unpin' : 'Pin'} ${this.info?.display_name ?? ''}`);
  }

  /**
   * Sets what the local page receives (remote tiles label paused video, chat-only
   * mutes their audio).
   * @param {ViewerState} viewer
   */
  setViewer(viewer) {
    this.viewer = viewer;
    if (!this.self) this.video.muted = viewer.audioOff;
    this.refreshLink();
  }

  /** Recomputes the link label, the accessible name and the picture. */
  refreshLink() {
    const participant = this.info;
    if (!participant) return;
    const state = this.self ? null : remoteTileState(participant, this.viewer);
    this.linkLabel = state?.label ?? (this.self ? selfTileLabel(participant) ?? '' : '');
    if (state) this.element.dataset.link = state.key;
    else delete this.element.dataset.link;
    // a lower step still shows video: its label is a pill over the picture
    const pill = this.self || state?.key === 'low_video';
    this.held = !this.self && state !== null && !pill;
    this.linkPill.textContent = pill ? this.linkLabel : '';
    this.linkPill.hidden = this.linkPill.textContent === '';
    const who = this.self ? `${participant.display_name} (you)` : participant.display_name;
    const parts = [
      roleLabel(participant.role),
      participant.hand_raised_at != null ? 'hand raised' : '',
      participant.audio_muted ? 'microphone muted' : '',
      participant.video_muted ? 'camera off' : '',
      this.linkLabel,
      `connection ${connectionWord(participant)}`,
    ].filter(Boolean).join(', ');
    this.element.setAttribute('aria-label', `${who}: ${parts}`);
    this.refreshPicture();
  }

  /**
   * Shows remote tracks; the video element gets a new MediaStream only when the set
   * of tracks changed.
   * @param {Array<MediaStreamTrack>} tracks
   */
  setTracks(tracks) {
    const key = tracks.map((track) => track.id).sort().join(',');
    if (key === this.trackKey) return;
    this.trackKey = key;
    this.video.srcObject = tracks.length > 0 ? new MediaStream(tracks) : null;
    this.play();
    this.refreshPicture();
  }

  /**
   * Shows a local stream (the self preview).
   * @param {MediaStream|null} stream
   */
  setStream(stream) {
    this.trackKey = stream ? stream.getTracks().map((t) => t.id).sort().join(',') : '';
    this.video.srcObject = stream;
    this.play();
    this.refreshPicture();
  }

  /** Starts playback, ignoring autoplay refusals (the page retries on a click). */
  play() {
    if (!this.video.srcObject) return;
    this.video.play().catch(() => {
      this.element.dataset.blocked = 'true';
    });
  }

  /** @returns {number} Width of the decoded video in pixels (0 when none). */
  get videoWidth() {
    return this.video.videoWidth;
  }

  /** Switches between the video and the avatar (camera off, or no picture yet). */
  refreshPicture() {
    const stream = this.video.srcObject instanceof MediaStream ? this.video.srcObject : null;
    const hasVideoTrack = Boolean(stream && stream.getVideoTracks().length > 0);
    const videoOff = Boolean(this.info?.video_muted);
    const held = this.held; // a frozen frame would mislead
    const showVideo = hasVideoTrack && !videoOff && !held && this.video.videoWidth > 0;
    this.element.toggleAttribute('data-show-video', showVideo);
    if (held) this.status.textContent = this.linkLabel;
    else if (videoOff) this.status.textContent = 'Camera off';
    else if (!hasVideoTrack) this.status.textContent = this.self ? 'No camera' : '';
    else this.status.textContent = showVideo || this.self ? '' : 'Connecting…';
    if (this.element.dataset.blocked && !this.video.paused) delete this.element.dataset.blocked;
  }

  /** Stops showing media and removes the tile from the page (the self tile is emptied). */
  destroy() {
    this.video.srcObject = null;
    if (this.self) this.element.replaceChildren();
    else this.element.remove();
  }
}
