// @ts-check
/**
 * Who is in the room, as the page shows it: our own entry and everyone else's, their
 * tiles, the People tab and what is announced when someone joins, leaves or raises a
 * hand.
 */
import { byId, roleLabel } from './dom.js';
import { renderParticipantList } from './people_list.js';
import { LeaveReason } from './protocol.js';
import { announce } from './room_view.js';
import { publishes } from './tiles.js';

/** @typedef {import('./wire.js').ParticipantInfo} ParticipantInfo */

/** @type {Record<string, string>} How a media mode is announced. */
const MODE_WORDS = { video: 'on video', audio_only: 'audio only', chat_only: 'chat only' };

/**
 * The room state the roster reads and writes (the room page's own object).
 * @typedef {Object} RosterState
 * @property {string} phase
 * @property {ParticipantInfo|null} self
 * @property {Map<string, ParticipantInfo>} participants Everyone present except us.
 * @property {boolean} audioMuted
 * @property {boolean} videoMuted
 * @property {import('./tiles.js').Tile|null} selfTile
 * @property {import('./tile_grid.js').TileGrid} grid
 */

/**
 * What else a change of the roster updates.
 * @typedef {Object} RosterDeps
 * @property {import('./call_actions.js').CallActions} calls
 * @property {import('./room_link.js').RoomLink} link
 * @property {import('./room_media.js').RoomMedia} media
 * @property {import('./screen_share.js').ScreenShareControl} screenShare
 */

export class Roster {
  /**
   * @param {RosterState} state
   * @param {RosterDeps} deps
   */
  constructor(state, deps) {
    this.state = state;
    this.deps = deps;
  }

  /**
   * Someone joined or changed (we too: the server's view of us).
   * @param {ParticipantInfo} participant
   * @param {boolean} isNew True for `participant_joined`.
   */
  upsert(participant, isNew) {
    const app = this.state;
    if (app.phase !== 'joined') return;
    if (participant.participant_id === app.self?.participant_id) {
      const before = app.self;
      app.self = { ...participant, audio_muted: app.audioMuted, video_muted: app.videoMuted };
      this.deps.calls.updated(before, app.self, true);
      app.selfTile?.update(app.self);
      this.deps.link.selfUpdated(app.self);
      this.render();
      return;
    }
    const before = app.participants.get(participant.participant_id);
    app.participants.set(participant.participant_id, participant);
    this.deps.calls.updated(before, participant, false);
    if (publishes(participant.role)) {
      app.grid.upsert(participant);
      this.deps.media.applyTracks();
    } else {
      app.grid.remove(participant.participant_id);
    }
    this.render();
    if (before && before.media_mode !== participant.media_mode) {
      announce(`${participant.display_name} is now ${MODE_WORDS[participant.media_mode ?? ''] ?? participant.media_mode}.`);
    }
    if (isNew && !before) announce(`${participant.display_name} joined as ${roleLabel(participant.role).toLowerCase()}.`);
  }

  /**
   * Someone left.
   * @param {string} participantId
   * @param {string} reason
   */
  remove(participantId, reason) {
    const app = this.state;
    if (app.phase !== 'joined') return;
    const person = app.participants.get(participantId);
    app.participants.delete(participantId);
    app.grid.remove(participantId);
    this.render();
    if (person && reason !== LeaveReason.REPLACED) announce(`${person.display_name} left.`);
  }

  /** Redraws the People tab, the hand count and the share button. */
  render() {
    const app = this.state;
    renderParticipantList(byId('participant-list'), app.self, app.participants.values(), this.deps.calls.actions());
    this.deps.calls.refresh();
    byId('participant-count').textContent = String(app.participants.size + (app.self ? 1 : 0));
    this.deps.screenShare.refresh();
  }
}
