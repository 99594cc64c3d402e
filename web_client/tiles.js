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
const TILE_ASPECT = 4 / 3;

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
      children: [this.micIndicator, this.cameraIndicator],
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
    this.refreshLink();
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

/** The grid of remote tiles in `#tiles`. */
export class TileGrid {
  /**
   * @param {HTMLElement} container `#tiles`.
   * @param {HTMLElement} stage Element whose `data-remote-count` drives the layout.
   */
  constructor(container, stage) {
    this.container = container;
    this.stage = stage;
    /** @type {Map<string, Tile>} */
    this.tiles = new Map();
    /** @type {ViewerState} */
    this.viewer = FULL_VIEWER;
    new ResizeObserver(() => this.layout()).observe(container);
  }

  /**
   * How tall each remote tile shows its video (CSS pixels), by participant id (at
   * most 16, as the quality report allows).
   * @returns {Record<string, number>}
   */
  heights() {
    /** @type {Record<string, number>} */
    const out = {};
    for (const [id, tile] of Array.from(this.tiles.entries()).slice(0, 16)) {
      out[id] = Math.round(tile.element.clientHeight);
    }
    return out;
  }


  /**
   * Adds or updates the tile of a publishing participant.
   * @param {ParticipantInfo} participant
   * @returns {Tile}
   */
  upsert(participant) {
    const existing = this.tiles.get(participant.participant_id);
    if (existing) {
      existing.update(participant);
      return existing;
    }
    const tile = new Tile(participant);
    tile.setViewer(this.viewer);
    this.tiles.set(participant.participant_id, tile);
    this.container.append(tile.element);
    this.layout();
    return tile;
  }

  /** @param {string} participantId */
  remove(participantId) {
    const tile = this.tiles.get(participantId);
    if (!tile) return;
    tile.destroy();
    this.tiles.delete(participantId);
    this.layout();
  }

  /** @param {string} participantId @returns {Tile|undefined} */
  get(participantId) {
    return this.tiles.get(participantId);
  }

  /** @returns {Array<string>} Participant ids of the rendered tiles, in page order. */
  ids() {
    return Array.from(this.container.querySelectorAll('.tile'), (node) =>
      node instanceof HTMLElement ? node.dataset.participantId ?? '' : '',
    );
  }

  /**
   * What the local page receives now (applies to every remote tile).
   * @param {ViewerState} viewer
   */
  setViewer(viewer) {
    this.viewer = viewer;
    for (const tile of this.tiles.values()) tile.setViewer(viewer);
  }

  /** Detaches every tile's tracks (the receive connection is being replaced). */
  clearTracks() {
    for (const tile of this.tiles.values()) tile.setTracks([]);
  }

  /** Retries playback of every tile (after a user gesture unblocks autoplay). */
  playAll() {
    for (const tile of this.tiles.values()) if (tile.video.paused) tile.play();
  }

  clear() {
    for (const id of Array.from(this.tiles.keys())) this.remove(id);
  }

  /** Sizes the tiles so that all of them fit the stage as large as possible (4:3). */
  layout() {
    const count = this.tiles.size;
    this.stage.dataset.remoteCount = String(count);
    if (count === 0) return;
    const { width, height } = this.container.getBoundingClientRect();
    if (width === 0 || height === 0) return;
    const gap = parseFloat(getComputedStyle(this.container).columnGap) || 0;
    let best = 0;
    for (let columns = 1; columns <= count; columns += 1) {
      const rows = Math.ceil(count / columns);
      const byWidth = (width - gap * (columns - 1)) / columns;
      const byHeight = ((height - gap * (rows - 1)) / rows) * TILE_ASPECT;
      best = Math.max(best, Math.min(byWidth, byHeight));
    }
    this.container.style.setProperty('--tile-width', `${Math.max(0, Math.floor(best))}px`);
  }
}

const ROLE_ORDER = { mentor: 0, mentee: 1, observer: 2 };

/**
 * Renders the sidebar list: everyone present, the local participant marked "(you)".
 * @param {HTMLElement} list `#participant-list`.
 * @param {ParticipantInfo|null} self
 * @param {Iterable<ParticipantInfo>} others
 */
export function renderParticipantList(list, self, others) {
  const everyone = [...(self ? [self] : []), ...others];
  everyone.sort((a, b) => {
    const byRole =
      (/** @type {Record<string, number>} */ (ROLE_ORDER)[a.role] ?? 9) -
      (/** @type {Record<string, number>} */ (ROLE_ORDER)[b.role] ?? 9);
    return byRole || a.display_name.localeCompare(b.display_name);
  });
  const items = everyone.map((person) => {
    const isSelf = person.participant_id === self?.participant_id;
    const item = el('li', {
      className: 'participant',
      children: [
        el('span', {
          className: 'participant-avatar',
          text: initials(person.display_name),
          attrs: { 'aria-hidden': 'true' },
        }),
        el('span', { className: 'participant-name', text: person.display_name }),
        isSelf ? el('span', { className: 'participant-you', text: '(you)' }) : null,
        el('span', {
          className: 'participant-role role-badge',
          text: person.role,
          attrs: { 'data-role': person.role },
        }),
        person.audio_muted && publishes(person.role)
          ? el('span', {
              className: 'participant-muted',
              attrs: { role: 'img', 'aria-label': 'Microphone muted', title: 'Microphone muted' },
              children: [icon('micOff')],
            })
          : null,
      ],
    });
    item.dataset.participantId = person.participant_id;
    item.dataset.role = person.role;
    if (isSelf) item.dataset.self = 'true';
    item.style.setProperty('--avatar-hue', String(hueFor(person.participant_id)));
    return item;
  });
  list.replaceChildren(...items);
}
