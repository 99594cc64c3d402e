// @ts-check
/**
 * `window.mentorRooms`: a small read-only view of the room for end-to-end tests
 * (and `restartMedia()`, which rebuilds the media as a failure would).
 */

import { linkOf } from './link_view.js';
import { noticeText } from './room_view.js';

/** @typedef {import('./wire.js').ParticipantInfo} ParticipantInfo */
/** @typedef {import('./media_client.js').Subscriber} Subscriber */
/** @typedef {import('./tile_grid.js').TileGrid} TileGrid */
/** @typedef {import('./board.js').BoardSnapshot} BoardSnapshot */
/** @typedef {import('./room_link.js').RoomLink} RoomLink */

/**
 * A remote participant's reception.
 * @typedef {Object} RemoteStat
 * @property {string} participant_id
 * @property {number} video_width Decoded width in that participant's tile.
 * @property {number} frames_decoded From the video inbound-rtp report.
 * @property {number} audio_packets_received From the audio inbound-rtp report.
 */

/**
 * What the room exposes to the hook.
 * @typedef {Object} HookSource
 * @property {() => string} phase 'prejoin'|'joining'|'joined'|'left'|'error'.
 * @property {() => string|null} selfId
 * @property {() => Iterable<ParticipantInfo>} participants Everyone present except us.
 * @property {() => string|null} error
 * @property {() => Subscriber|null} subscriber
 * @property {() => RTCPeerConnection|null} publishPc Our send connection, if any.
 * @property {TileGrid} grid
 * @property {() => BoardSnapshot} board Agenda, timer (remaining time computed now from
 *   the server state and clock offset), chat, notes text, clock offset, rejoin count.
 * @property {() => RoomLink} link Our link: quality reports, media mode, media recovery.
 * @property {() => boolean} selfHand Our hand is raised.
 */

/**
 * Reads the receive PeerConnection's stats, one entry per remote participant
 * that has tracks mapped (zeros when nothing was received yet).
 * @param {Subscriber|null} subscriber
 * @param {TileGrid} grid
 * @returns {Promise<Array<RemoteStat>>}
 */
export async function remoteStats(subscriber, grid) {
  if (!subscriber) return [];
  /** @type {Map<string, RemoteStat>} */
  const entries = new Map();
  for (const id of subscriber.tracksByParticipant().keys()) {
    const video_width = grid.get(id)?.videoWidth ?? 0;
    entries.set(id, { participant_id: id, video_width, frames_decoded: 0, audio_packets_received: 0 });
  }
  const report = await subscriber.getStats();
  report?.forEach((stat) => {
    if (stat.type !== 'inbound-rtp') return;
    const entry = entries.get(subscriber.participantForReport(stat) ?? '');
    if (!entry) return;
    // A reused mid may still list an earlier SSRC: keep the larger counter.
    if (stat.kind === 'video') entry.frames_decoded = Math.max(entry.frames_decoded, stat.framesDecoded ?? 0);
    if (stat.kind === 'audio') {
      entry.audio_packets_received = Math.max(entry.audio_packets_received, stat.packetsReceived ?? 0);
    }
  });
  return Array.from(entries.values());
}

/**
 * One simulcast layer we send, from the send connection's outbound-rtp report.
 * @typedef {Object} SentLayer
 * @property {string} rid
 * @property {number} width Encoded frame width (0 before the first frame).
 * @property {number} fps Frames encoded per second.
 * @property {number} frames_sent
 * @property {string} limitation `qualityLimitationReason`.
 */

/**
 * The video layers we send, highest first.
 * @param {RTCPeerConnection|null} pc
 * @returns {Promise<Array<SentLayer>>}
 */
export async function sentLayers(pc) {
  const report = await pc?.getStats();
  /** @type {Array<SentLayer>} */
  const out = [];
  report?.forEach((stat) => {
    if (stat.type !== 'outbound-rtp' || stat.kind !== 'video') return;
    out.push({
      rid: stat.rid ?? '', width: stat.frameWidth ?? 0, fps: stat.framesPerSecond ?? 0,
      frames_sent: stat.framesSent ?? 0, limitation: stat.qualityLimitationReason ?? '',
    });
  });
  return out.sort((a, b) => b.width - a.width);
}

/**
 * The candidate types (`host`, `srflx`, `relay`) of the receive connection's selected
 * pair, local and remote, or null before one is selected.
 * @param {Subscriber|null} subscriber
 * @returns {Promise<{local: string, remote: string}|null>}
 */
export async function receivePath(subscriber) {
  const report = await subscriber?.getStats();
  if (!report) return null;
  /** @type {Map<string, any>} */
  const byId = new Map();
  report.forEach((stat) => byId.set(stat.id, stat));
  for (const stat of byId.values()) {
    if (stat.type !== 'transport' || !stat.selectedCandidatePairId) continue;
    const pair = byId.get(stat.selectedCandidatePairId);
    const local = byId.get(pair?.localCandidateId);
    const remote = byId.get(pair?.remoteCandidateId);
    if (local && remote) return { local: local.candidateType, remote: remote.candidateType };
  }
  return null;
}

/**
 * Installs `window.mentorRooms`.
 * @param {HookSource} source
 */
export function installTestHook(source) {
  const hook = {
    state: () => ({
      phase: source.phase(),
      self_id: source.selfId(),
      self_link: source.selfId() ? source.link().snapshot() : null,
      participants: Array.from(source.participants(), (p) => ({
        participant_id: p.participant_id,
        display_name: p.display_name,
        role: p.role,
        audio_muted: Boolean(p.audio_muted),
        video_muted: Boolean(p.video_muted),
        ...linkOf(p),
        connected: p.connected ?? true,
        sharing_screen: Boolean(p.sharing_screen),
        hand_raised_at: p.hand_raised_at ?? null,
      })),
      self_hand_raised: source.selfHand(),
      error: source.error(),
      tiles: source.grid.ids(),
      featured: source.grid.featured(),
      active_speaker: source.grid.active,
      speaking: Array.from(source.grid.speaking),
      notice: noticeText(),
      quality_reports_sent: source.link().reporter.sent,
      busy_signals: source.link().reporter.busySignals,
    }),
    remoteStats: () => remoteStats(source.subscriber(), source.grid),
    receivePath: () => receivePath(source.subscriber()),
    sentLayers: () => sentLayers(source.publishPc()),
    /** The device ids our send connection's senders carry now, by kind. */
    sentDevices: () => Object.fromEntries((source.publishPc()?.getSenders() ?? [])
      .filter((sender) => sender.track)
      .map((sender) => [sender.track?.kind, sender.track?.getSettings().deviceId ?? ''])),
    board: () => source.board(),
    restartMedia: () => source.link().restartMedia(),
  };
  Object.assign(window, { mentorRooms: hook });
}
