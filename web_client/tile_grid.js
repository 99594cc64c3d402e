// @ts-check
/**
 * The grid of remote tiles: sizes them to fill the stage, highlights who speaks, and
 * shows one large (pinned, or the active speaker in a circle) above a strip.
 */
import { FULL_VIEWER } from './link_view.js';
import { TILE_ASPECT, Tile } from './tiles.js';

/** @typedef {import('./wire.js').ParticipantInfo} ParticipantInfo */
/** @typedef {import('./link_view.js').ViewerState} ViewerState */

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
    /** @type {string|null} The tile pinned large by the person, if any. */
    this.pinned = null;
    /** @type {string|null} The active speaker (from the server's `speakers`). */
    this.active = null;
    /** @type {Set<string>} Who speaks now. */
    this.speaking = new Set();
    /** 'speaker': in a circle the active speaker is shown large; 'grid': all alike. */
    this.mode = /** @type {'speaker'|'grid'} */ ('speaker');
    /** The audio output chosen ('' : the default). */
    this.sinkId = '';
    new ResizeObserver(() => this.layout()).observe(container);
  }

  /**
   * The server said who speaks: highlight them; the layout follows the active speaker.
   * @param {string|null} active
   * @param {Iterable<string>} speaking
   */
  setSpeakers(active, speaking) {
    this.speaking = new Set(speaking);
    const moved = active !== this.active;
    this.active = active;
    for (const [id, tile] of this.tiles) tile.setSpeaking(this.speaking.has(id));
    if (moved) this.layout();
  }

  /**
   * Pins a tile large (``null``: unpin), whatever the layout mode.
   * @param {string|null} participantId
   */
  pin(participantId) {
    this.pinned = participantId && this.tiles.has(participantId) ? participantId : null;
    for (const [id, tile] of this.tiles) tile.setPinned(id === this.pinned);
    this.layout();
  }

  /**
   * Plays everyone's audio on this output device (where the browser allows it).
   * @param {string} sinkId
   */
  setSinkId(sinkId) {
    this.sinkId = sinkId;
    for (const tile of this.tiles.values()) tile.setSinkId(sinkId);
  }

  /**
   * Chooses the speaker layout or the grid.
   * @param {'speaker'|'grid'} mode
   */
  setMode(mode) {
    this.mode = mode;
    this.layout();
  }

  /**
   * The tile shown large now: pinned; else in a circle's speaker view the active
   * speaker (the first to join until someone speaks); else in a one-on-one the other
   * person (our own view in the strip).
   * @returns {string|null}
   */
  featured() {
    if (this.pinned && this.tiles.has(this.pinned)) return this.pinned;
    if (this.tiles.size === 1 && this.selfInFlow()) return this.tiles.keys().next().value ?? null;
    if (this.mode !== 'speaker' || this.tiles.size < 3) return null;
    if (this.active && this.tiles.has(this.active)) return this.active;
    return this.tiles.keys().next().value ?? null; // nobody has spoken yet
  }

  /** @returns {HTMLElement|null} Our own tile, when it is shown beside others' tiles. */
  selfInFlow() {
    const self = document.getElementById('self-tile');
    return self && !self.hidden && this.tiles.size > 0 ? self : null;
  }

  /** Our own tile goes last among the tiles (never over one), or alone on the stage. */
  placeSelf() {
    const inFlow = this.selfInFlow();
    const self = document.getElementById('self-tile');
    if (inFlow && this.container.lastElementChild !== inFlow) this.container.append(inFlow);
    else if (!inFlow && self && self.parentElement === this.container) this.stage.append(self);
    return inFlow ? 1 : 0;
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
    if (this.sinkId) tile.setSinkId(this.sinkId);
    tile.setSpeaking(this.speaking.has(participant.participant_id));
    tile.pinButton?.addEventListener('click', () =>
      this.pin(this.pinned === participant.participant_id ? null : participant.participant_id));
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
    if (this.pinned === participantId) this.pinned = null;
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

  /**
   * Sizes the tiles so that all of them fit the stage as large as possible (4:3); with
   * a featured tile (pinned, or the active speaker) it takes the stage above a strip.
   */
  layout() {
    this.stage.dataset.remoteCount = String(this.tiles.size);
    const count = this.tiles.size + this.placeSelf();
    const featured = this.featured();
    for (const [id, tile] of this.tiles) tile.element.toggleAttribute('data-featured', id === featured);
    this.container.toggleAttribute('data-featured', featured !== null);
    if (featured) this.container.prepend(/** @type {Tile} */ (this.tiles.get(featured)).element);
    if (count === 0) return;
    const { width, height } = this.container.getBoundingClientRect();
    if (width === 0 || height === 0) return;
    const gap = parseFloat(getComputedStyle(this.container).columnGap) || 0;
    if (featured) {
      const others = count - 1;
      const strip = others > 0 ? Math.min(height * 0.24, 180) : 0;
      const main = Math.min(width, (height - strip - (others > 0 ? gap : 0)) * TILE_ASPECT);
      const small = others > 0 ? Math.min(strip * TILE_ASPECT, (width - gap * (others - 1)) / others) : 0;
      this.container.style.setProperty('--featured-width', `${Math.floor(main)}px`);
      this.container.style.setProperty('--tile-width', `${Math.max(0, Math.floor(small))}px`);
      return;
    }
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
