// Generated from signaling/protocol.py by `python -m signaling.protocol_js`.
// Do not edit by hand: tests/unit/test_protocol.py fails when it drifts.

export const PROTOCOL_VERSION = 1;

export const MAX_NAME_CHARS = 60;

export const ErrorCode = Object.freeze({
  "MALFORMED_MESSAGE": "malformed_message",
  "UNSUPPORTED_VERSION": "unsupported_version",
  "NOT_JOINED": "not_joined",
  "ALREADY_JOINED": "already_joined",
  "NOT_ALLOWED": "not_allowed",
  "ROOM_FULL": "room_full",
  "SESSION_ENDED": "session_ended",
  "INVALID_SDP": "invalid_sdp",
  "CODEC_UNSUPPORTED": "codec_unsupported",
  "STALE_ANSWER": "stale_answer",
  "RATE_LIMITED": "rate_limited",
  "INTERNAL": "internal"
});

export const CloseCode = Object.freeze({
  "NORMAL": 1000,
  "GOING_AWAY": 1001,
  "BAD_JOIN": 4400,
  "TOKEN_INVALID": 4401,
  "TOKEN_EXPIRED": 4402,
  "TOKEN_WRONG_SESSION": 4403,
  "SESSION_NOT_FOUND": 4404,
  "JOIN_TIMEOUT": 4408,
  "ROOM_FULL": 4409,
  "SESSION_ENDED": 4410,
  "REPLACED": 4411,
  "UNSUPPORTED_VERSION": 4426,
  "TOO_SLOW": 4429
});

export const Role = Object.freeze({
  "MENTOR": "mentor",
  "MENTEE": "mentee",
  "OBSERVER": "observer"
});

export const LeaveReason = Object.freeze({
  "LEFT": "left",
  "DROPPED": "dropped",
  "REPLACED": "replaced",
  "REMOVED": "removed",
  "SESSION_ENDED": "session_ended",
  "SERVER_SHUTDOWN": "server_shutdown"
});

export const SessionKind = Object.freeze({
  "ONE_ON_ONE": "one_on_one",
  "CIRCLE": "circle"
});

export const MediaKind = Object.freeze({
  "AUDIO": "audio",
  "VIDEO": "video"
});

export const CLIENT_MESSAGE_TYPES = Object.freeze(["join", "leave", "ping", "publish_offer", "set_media_state", "subscribe_answer"]);

export const SERVER_MESSAGE_TYPES = Object.freeze(["bye", "error", "joined", "participant_joined", "participant_left", "participant_updated", "pong", "publish_answer", "subscribe_offer"]);

/** @typedef {Join|PublishOffer|SubscribeAnswer|SetMediaState|Ping|Leave} ClientMessage */

/** @typedef {Joined|ParticipantJoined|ParticipantLeft|ParticipantUpdated|PublishAnswer|SubscribeOffer|Pong|Error|Bye} ServerMessage */

/**
 * @typedef {Object} Bye
 * @property {"bye"} [type]
 * @property {LeaveReason} reason
 * @property {string} message
 */
/**
 * @typedef {Object} CodecInfo
 * @property {string} [audio]
 * @property {string} [video]
 */
/**
 * @typedef {Object} Error
 * @property {"error"} [type]
 * @property {(string|null)} [re]
 * @property {ErrorCode} code
 * @property {string} message
 */
/**
 * @typedef {Object} IceServerInfo
 * @property {Array<string>} urls
 * @property {(string|null)} [username]
 * @property {(string|null)} [credential]
 */
/**
 * @typedef {Object} Join
 * @property {"join"} [type]
 * @property {(string|null)} [id]
 * @property {number} protocol_version
 * @property {string} token
 * @property {string} display_name
 */
/**
 * @typedef {Object} Joined
 * @property {"joined"} [type]
 * @property {(string|null)} [re]
 * @property {number} [protocol_version]
 * @property {SessionInfo} session
 * @property {ParticipantInfo} you
 * @property {Array<ParticipantInfo>} participants
 * @property {Array<IceServerInfo>} ice_servers
 * @property {CodecInfo} [codecs]
 * @property {number} server_time
 */
/**
 * @typedef {Object} Leave
 * @property {"leave"} [type]
 * @property {(string|null)} [id]
 */
/**
 * @typedef {Object} ParticipantInfo
 * @property {string} participant_id
 * @property {string} identity
 * @property {string} display_name
 * @property {Role} role
 * @property {boolean} [audio_muted]
 * @property {boolean} [video_muted]
 * @property {boolean} [active]
 */
/**
 * @typedef {Object} ParticipantJoined
 * @property {"participant_joined"} [type]
 * @property {ParticipantInfo} participant
 */
/**
 * @typedef {Object} ParticipantLeft
 * @property {"participant_left"} [type]
 * @property {string} participant_id
 * @property {LeaveReason} reason
 */
/**
 * @typedef {Object} ParticipantUpdated
 * @property {"participant_updated"} [type]
 * @property {ParticipantInfo} participant
 */
/**
 * @typedef {Object} Ping
 * @property {"ping"} [type]
 * @property {(string|null)} [id]
 */
/**
 * @typedef {Object} Pong
 * @property {"pong"} [type]
 * @property {(string|null)} [re]
 * @property {number} server_time
 */
/**
 * @typedef {Object} PublishAnswer
 * @property {"publish_answer"} [type]
 * @property {(string|null)} [re]
 * @property {string} sdp
 */
/**
 * @typedef {Object} PublishOffer
 * @property {"publish_offer"} [type]
 * @property {(string|null)} [id]
 * @property {string} sdp
 */
/**
 * @typedef {Object} SessionInfo
 * @property {string} session_id
 * @property {SessionKind} kind
 * @property {string} title
 * @property {number} capacity
 * @property {(number|null)} [scheduled_start]
 * @property {(number|null)} [planned_minutes]
 */
/**
 * @typedef {Object} SetMediaState
 * @property {"set_media_state"} [type]
 * @property {(string|null)} [id]
 * @property {boolean} audio_muted
 * @property {boolean} video_muted
 */
/**
 * @typedef {Object} SubscribeAnswer
 * @property {"subscribe_answer"} [type]
 * @property {(string|null)} [id]
 * @property {number} revision
 * @property {string} sdp
 */
/**
 * @typedef {Object} SubscribeOffer
 * @property {"subscribe_offer"} [type]
 * @property {number} revision
 * @property {string} sdp
 * @property {Array<TrackInfo>} tracks
 */
/**
 * @typedef {Object} TrackInfo
 * @property {string} mid
 * @property {string} participant_id
 * @property {MediaKind} kind
 */
