// @ts-check
/**
 * How a connection's quality and media mode read on the page: the quality badge,
 * the label on a tile whose video is held back, and the plain-words notice when
 * one's own media mode changes. Pure functions of the wire fields (the server
 * decides the mode; this only words it).
 */

import { MediaMode, ModeReason, QualityLevel, VideoStep } from './protocol.js';

/** @typedef {import('./wire.js').ParticipantInfo} ParticipantInfo */

/**
 * One participant's link, as the server last described it (wire defaults filled in).
 * @typedef {Object} LinkInfo
 * @property {number} quality QualityLevel (0 lost .. 3 good).
 * @property {string} media_mode MediaMode.
 * @property {string} mode_reason ModeReason.
 * @property {boolean} sends_video Their browser should send video.
 * @property {boolean} receives_video The relay forwards video to them.
 * @property {boolean} device_busy Their computer (or the relay) is short of CPU.
 * @property {number} video_step VideoStep (0 off .. 4 full).
 */

/**
 * What the local page itself receives, which changes how every remote tile reads.
 * @typedef {Object} ViewerState
 * @property {boolean} videoOff Remote video is not coming to us (server or our choice).
 * @property {boolean} chosen It is off because we chose a mode (not the network).
 * @property {string} chosenMode The mode we chose ('' for automatic).
 * @property {boolean} audioOff We chose chat-only: remote audio is not played.
 */

/** @type {ViewerState} */
export const FULL_VIEWER = Object.freeze({ videoOff: false, chosen: false, chosenMode: '', audioOff: false });

const QUALITY_WORDS = ['lost', 'poor', 'fair', 'good'];

/**
 * The link fields of a participant, with the protocol's defaults for missing ones.
 * @param {ParticipantInfo|null|undefined} participant
 * @returns {LinkInfo}
 */
export function linkOf(participant) {
  return {
    quality: participant?.quality ?? QualityLevel.GOOD,
    media_mode: participant?.media_mode ?? MediaMode.VIDEO,
    mode_reason: participant?.mode_reason ?? ModeReason.GOOD_LINK,
    sends_video: participant?.sends_video ?? true,
    receives_video: participant?.receives_video ?? true,
    device_busy: participant?.device_busy ?? false,
    video_step: participant?.video_step ?? VideoStep.FULL,
  };
}

/**
 * The words of a reduced video step ("low video — weak connection"), or null at full
 * video or outside video mode.
 * @param {LinkInfo} link
 * @returns {string|null}
 */
export function stepLabel(link) {
  if (link.media_mode !== MediaMode.VIDEO || link.video_step >= VideoStep.FULL) return null;
  const what = link.video_step >= VideoStep.LOW ? 'low video' : 'low video, fewer frames';
  const why = link.mode_reason === ModeReason.DEVICE_BUSY ? 'computer busy' : 'weak connection';
  return `${what} — ${why}`;
}

/**
 * Whether a participant's link is below good because their computer is short of CPU
 * (the server then does not read it as a weak network).
 * @param {ParticipantInfo|LinkInfo} participant
 * @returns {boolean}
 */
export function busyAndSlowed(participant) {
  return Boolean(participant.device_busy) && (participant.quality ?? QualityLevel.GOOD) < QualityLevel.GOOD;
}

/**
 * The word of a participant's connection badge: "computer busy" while a busy
 * computer holds their link below good, else the quality word.
 * @param {ParticipantInfo} participant
 * @returns {string}
 */
export function connectionWord(participant) {
  return busyAndSlowed(participant) ? 'computer busy' : qualityWord(participant.quality);
}

/**
 * The badge word of a quality level ("good", "fair", "poor", "lost").
 * @param {number|undefined} level
 * @returns {string}
 */
export function qualityWord(level) {
  const index = Math.max(0, Math.min(3, Math.round(level ?? QualityLevel.GOOD)));
  return QUALITY_WORDS[index] ?? 'good';
}

/**
 * Why a remote tile shows no live video, or null when its video can show.
 * @typedef {Object} TileLinkState
 * @property {string} key 'reconnecting'|'chat_only'|'audio_only'|'paused'|'low_video'.
 * @property {string} label Visible text on the tile.
 */

/**
 * The label of another person's tile (in priority order: reconnecting, chat only,
 * audio only, then our own reception being paused).
 * @param {ParticipantInfo} participant
 * @param {ViewerState} viewer
 * @returns {TileLinkState|null}
 */
export function remoteTileState(participant, viewer) {
  const link = linkOf(participant);
  if (participant.connected === false) return { key: 'reconnecting', label: 'reconnecting…' };
  if (link.media_mode === MediaMode.CHAT_ONLY) return { key: 'chat_only', label: 'chat only' };
  if (!link.sends_video) {
    const label = link.mode_reason === ModeReason.CHOSEN ? 'audio only' : 'audio only — weak connection';
    return { key: 'audio_only', label };
  }
  if (viewer.videoOff) {
    if (!viewer.chosen) return { key: 'paused', label: 'video paused — your connection is weak' };
    const what = viewer.chosenMode === MediaMode.CHAT_ONLY ? 'chat only' : 'audio only';
    return { key: 'paused', label: `video off — you chose ${what}` };
  }
  const step = stepLabel(link);
  return step ? { key: 'low_video', label: step } : null;
}

/**
 * The label of one's own tile while the server holds our video back (null otherwise).
 * @param {ParticipantInfo} self
 * @returns {string|null}
 */
export function selfTileLabel(self) {
  const link = linkOf(self);
  if (link.media_mode === MediaMode.CHAT_ONLY) return 'chat only: not sending video';
  if (!link.sends_video) {
    return link.mode_reason === ModeReason.CHOSEN ? 'audio only' : 'not sending video — weak connection';
  }
  if (busyAndSlowed(link)) return 'your computer is busy';
  return stepLabel(link);
}

/**
 * The notice when one's own computer becomes busy (null otherwise).
 * @param {LinkInfo} before
 * @param {LinkInfo} after
 * @returns {{text: string, sticky: boolean}|null}
 */
export function busyNotice(before, after) {
  if (busyAndSlowed(before) || !busyAndSlowed(after)) return null;
  return {
    text: 'Your computer is busy, so your video may stutter. Closing other apps or tabs helps.',
    sticky: false,
  };
}

/** Notice sentences for each reason of a reduced mode. */
const REDUCED_NOTICES = Object.freeze({
  [ModeReason.WEAK_DOWNLINK]: "Your connection can't receive video right now, so video is paused. Audio continues.",
  [ModeReason.WEAK_UPLINK]: "Your connection can't send video right now, so others hear you without video.",
  [ModeReason.NO_AUDIO]:
    "Your connection can't carry audio either: you're in chat-only mode. Agenda, timer, notes and chat keep working.",
  [ModeReason.MEDIA_FAILED]: "Audio and video couldn't connect. You're in chat-only mode while we retry.",
});

/**
 * The notice to show when one's own mode changed from `before` to `after`, or null
 * when nothing worth saying changed. `sticky` notices stay until the next change.
 * @param {LinkInfo} before
 * @param {LinkInfo} after
 * @returns {{text: string, sticky: boolean}|null}
 */
export function modeNotice(before, after) {
  const wasChosen = before.mode_reason === ModeReason.CHOSEN;
  const isChosen = after.mode_reason === ModeReason.CHOSEN;
  if (before.media_mode === after.media_mode && wasChosen === isChosen) return null;
  if (isChosen) {
    const what = after.media_mode === MediaMode.CHAT_ONLY ? 'chat only' : 'audio only';
    return { text: `You chose ${what}.`, sticky: false };
  }
  if (after.media_mode === MediaMode.VIDEO) {
    if (wasChosen) return { text: 'Automatic mode: video is back.', sticky: false };
    return { text: 'Your connection recovered: video is back.', sticky: false };
  }
  const text = /** @type {Record<string, string>} */ (REDUCED_NOTICES)[after.mode_reason];
  if (text) return { text, sticky: true };
  const what = after.media_mode === MediaMode.CHAT_ONLY ? 'chat-only' : 'audio-only';
  return { text: `You're in ${what} mode for now.`, sticky: true };
}
