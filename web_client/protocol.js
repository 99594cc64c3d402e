// Generated from signaling/protocol/__init__.py by `python -m signaling.protocol.js`.
// Do not edit by hand: tests/unit/test_protocol.py fails when it drifts.

export const PROTOCOL_VERSION = 3;

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
  "UNKNOWN_ITEM": "unknown_item",
  "STALE_VERSION": "stale_version",
  "TEXT_TOO_LONG": "text_too_long",
  "INVALID_VALUE": "invalid_value",
  "INVALID_STATE": "invalid_state",
  "INVALID_UPDATE": "invalid_update",
  "LIMIT_REACHED": "limit_reached",
  "INTERNAL": "internal",
  "REMOVED": "removed",
  "NOT_FOUND": "not_found",
  "SCREEN_SHARE_TAKEN": "screen_share_taken"
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
  "REMOVED": 4412,
  "NOT_ADMIN": 4413,
  "REDIRECT": 4307,
  "MESSAGE_TOO_BIG": 4414,
  "NOT_JSON_TEXT": 4415,
  "UNSUPPORTED_VERSION": 4426,
  "TOO_SLOW": 4429,
  "TOO_MANY_MESSAGES": 4430,
  "INTERNAL_ERROR": 4500
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
  "SERVER_SHUTDOWN": "server_shutdown",
  "SERVER_LOST": "server_lost",
  "NODE_LOST": "node_lost"
});

export const SessionKind = Object.freeze({
  "ONE_ON_ONE": "one_on_one",
  "CIRCLE": "circle"
});

export const QualityLevel = Object.freeze({
  "LOST": 0,
  "POOR": 1,
  "FAIR": 2,
  "GOOD": 3
});

export const MediaMode = Object.freeze({
  "VIDEO": "video",
  "AUDIO_ONLY": "audio_only",
  "CHAT_ONLY": "chat_only"
});

export const ModeReason = Object.freeze({
  "GOOD_LINK": "good_link",
  "WEAK_DOWNLINK": "weak_downlink",
  "WEAK_UPLINK": "weak_uplink",
  "NO_AUDIO": "no_audio",
  "MEDIA_FAILED": "media_failed",
  "CHOSEN": "chosen",
  "DEVICE_BUSY": "device_busy"
});

export const VideoStep = Object.freeze({
  "OFF": 0,
  "LOW_FPS": 1,
  "LOW_HALF_FPS": 2,
  "LOW": 3,
  "FULL": 4
});

export const MediaKind = Object.freeze({
  "AUDIO": "audio",
  "VIDEO": "video",
  "SCREEN": "screen"
});

export const ItemStatus = Object.freeze({
  "PENDING": "pending",
  "CURRENT": "current",
  "DONE": "done"
});

export const TimerStatus = Object.freeze({
  "IDLE": "idle",
  "RUNNING": "running",
  "PAUSED": "paused"
});

export const TimerAction = Object.freeze({
  "START": "start",
  "PAUSE": "pause",
  "RESUME": "resume",
  "RESET": "reset",
  "ADD_MINUTE": "add_minute"
});

export const CLIENT_MESSAGE_TYPES = Object.freeze(["admin_hello", "agenda_add", "agenda_edit", "agenda_finish", "agenda_move", "agenda_policy", "agenda_remove", "agenda_start", "ask_to_mute", "chat_send", "choose_media_mode", "end_session", "goal_update", "join", "leave", "lower_hand", "media_restart", "notes_update", "ping", "publish_offer", "quality_report", "raise_hand", "remove_participant", "set_media_state", "stop_screen_share", "subscribe_answer", "timer_control", "timer_follow"]);

export const SERVER_MESSAGE_TYPES = Object.freeze(["agenda_changed", "bye", "chat_message", "dashboard_snapshot", "dashboard_update", "error", "goal_changed", "goals", "joined", "mute_requested", "notes_updated", "participant_joined", "participant_left", "participant_updated", "pong", "publish_answer", "redirect", "speakers", "subscribe_offer", "timer_changed"]);

/** @typedef {Join|PublishOffer|SubscribeAnswer|SetMediaState|Ping|Leave|QualityReport|ChooseMediaMode|MediaRestart|StopScreenShare|AgendaAdd|AgendaEdit|AgendaMove|AgendaRemove|AgendaStart|AgendaFinish|AgendaPolicy|TimerControl|TimerFollow|ChatSend|NotesUpdate|AdminHello|RaiseHand|LowerHand|AskToMute|RemoveParticipant|EndSession|GoalUpdate} ClientMessage */

/** @typedef {Joined|ParticipantJoined|ParticipantLeft|ParticipantUpdated|PublishAnswer|SubscribeOffer|Pong|Error|Bye|Redirect|AgendaChanged|TimerChanged|ChatPosted|NotesUpdated|DashboardSnapshot|DashboardUpdate|MuteRequested|Speakers|Goals|GoalChanged} ServerMessage */

/**
 * @typedef {Object} AdminHello
 * @property {"admin_hello"} type
 * @property {(string|null)} [id]
 * @property {string} token
 */
/**
 * @typedef {Object} AgendaAdd
 * @property {"agenda_add"} type
 * @property {(string|null)} [id]
 * @property {string} title
 * @property {string} [details]
 * @property {(number|null)} [planned_minutes]
 */
/**
 * @typedef {Object} AgendaChanged
 * @property {"agenda_changed"} type
 * @property {(string|null)} [re]
 * @property {AgendaInfo} agenda
 * @property {number} server_time
 */
/**
 * @typedef {Object} AgendaEdit
 * @property {"agenda_edit"} type
 * @property {(string|null)} [id]
 * @property {string} item_id
 * @property {number} expected_version
 * @property {(string|null)} [title]
 * @property {(string|null)} [details]
 * @property {(number|null)} [planned_minutes]
 * @property {boolean} [clear_minutes]
 * @property {(string|null)} [outcome]
 * @property {(boolean|null)} [next_step]
 * @property {(string|null)} [goal_id]
 * @property {boolean} [clear_goal]
 */
/**
 * @typedef {Object} AgendaFinish
 * @property {"agenda_finish"} type
 * @property {(string|null)} [id]
 * @property {string} item_id
 * @property {(string|null)} [outcome]
 */
/**
 * @typedef {Object} AgendaInfo
 * @property {Array<AgendaItemInfo>} items
 * @property {boolean} mentee_can_edit
 */
/**
 * @typedef {Object} AgendaItemInfo
 * @property {string} item_id
 * @property {string} title
 * @property {string} [details]
 * @property {(number|null)} [planned_minutes]
 * @property {string} status
 * @property {(number|null)} [started_at]
 * @property {(number|null)} [finished_at]
 * @property {string} [outcome]
 * @property {number} version
 * @property {boolean} [next_step]
 * @property {(string|null)} [goal_id]
 * @property {(string|null)} [carried_from]
 */
/**
 * @typedef {Object} AgendaMove
 * @property {"agenda_move"} type
 * @property {(string|null)} [id]
 * @property {string} item_id
 * @property {number} to_index
 */
/**
 * @typedef {Object} AgendaPolicy
 * @property {"agenda_policy"} type
 * @property {(string|null)} [id]
 * @property {boolean} mentee_can_edit
 */
/**
 * @typedef {Object} AgendaRemove
 * @property {"agenda_remove"} type
 * @property {(string|null)} [id]
 * @property {string} item_id
 */
/**
 * @typedef {Object} AgendaStart
 * @property {"agenda_start"} type
 * @property {(string|null)} [id]
 * @property {(string|null)} [item_id]
 */
/**
 * @typedef {Object} AskToMute
 * @property {"ask_to_mute"} type
 * @property {(string|null)} [id]
 * @property {string} participant_id
 */
/**
 * @typedef {Object} BoardInfo
 * @property {AgendaInfo} agenda
 * @property {TimerInfo} timer
 * @property {Array<ChatMessageInfo>} chat
 * @property {string} notes
 */
/**
 * @typedef {Object} Bye
 * @property {"bye"} type
 * @property {string} reason
 * @property {string} message
 */
/**
 * @typedef {Object} ChatMessageInfo
 * @property {string} message_id
 * @property {string} client_message_id
 * @property {string} participant_id
 * @property {string} display_name
 * @property {string} role
 * @property {string} text
 * @property {number} sent_at
 */
/**
 * @typedef {Object} ChatPosted
 * @property {"chat_message"} type
 * @property {(string|null)} [re]
 * @property {ChatMessageInfo} message
 */
/**
 * @typedef {Object} ChatSend
 * @property {"chat_send"} type
 * @property {(string|null)} [id]
 * @property {string} client_message_id
 * @property {string} text
 */
/**
 * @typedef {Object} ChooseMediaMode
 * @property {"choose_media_mode"} type
 * @property {(string|null)} [id]
 * @property {(string|null)} mode
 */
/**
 * @typedef {Object} CodecInfo
 * @property {string} [audio]
 * @property {string} [video]
 */
/**
 * @typedef {Object} DashboardSnapshot
 * @property {"dashboard_snapshot"} type
 * @property {(string|null)} [re]
 * @property {string} admin
 * @property {number} server_time
 * @property {Array<LiveSession>} sessions
 */
/**
 * @typedef {Object} DashboardUpdate
 * @property {"dashboard_update"} type
 * @property {number} server_time
 * @property {Array<LiveSession>} sessions
 * @property {Array<string>} closed
 */
/**
 * @typedef {Object} EndSession
 * @property {"end_session"} type
 * @property {(string|null)} [id]
 */
/**
 * @typedef {Object} Error
 * @property {"error"} type
 * @property {(string|null)} [re]
 * @property {string} code
 * @property {string} message
 */
/**
 * @typedef {Object} GoalChanged
 * @property {"goal_changed"} type
 * @property {(string|null)} [re]
 * @property {GoalInfo} goal
 * @property {string} by
 */
/**
 * @typedef {Object} GoalInfo
 * @property {string} goal_id
 * @property {string} pair_id
 * @property {string} mentee_id
 * @property {string} mentee_name
 * @property {string} title
 * @property {string} measure
 * @property {string} target_date
 * @property {string} status
 * @property {number} progress
 * @property {number} version
 * @property {number} updated_at
 */
/**
 * @typedef {Object} GoalUpdate
 * @property {"goal_update"} type
 * @property {(string|null)} [id]
 * @property {string} goal_id
 * @property {(string|null)} [status]
 * @property {(number|null)} [progress]
 * @property {(number|null)} [version]
 */
/**
 * @typedef {Object} Goals
 * @property {"goals"} type
 * @property {string} pair_id
 * @property {string} mentor_id
 * @property {Array<GoalInfo>} goals
 */
/**
 * @typedef {Object} IceServerInfo
 * @property {Array<string>} urls
 * @property {(string|null)} [username]
 * @property {(string|null)} [credential]
 */
/**
 * @typedef {Object} Join
 * @property {"join"} type
 * @property {(string|null)} [id]
 * @property {number} protocol_version
 * @property {string} token
 * @property {string} display_name
 */
/**
 * @typedef {Object} Joined
 * @property {"joined"} type
 * @property {(string|null)} [re]
 * @property {number} [protocol_version]
 * @property {SessionInfo} session
 * @property {ParticipantInfo} you
 * @property {Array<ParticipantInfo>} participants
 * @property {Array<IceServerInfo>} ice_servers
 * @property {CodecInfo} [codecs]
 * @property {BoardInfo} board
 * @property {number} server_time
 */
/**
 * @typedef {Object} Leave
 * @property {"leave"} type
 * @property {(string|null)} [id]
 */
/**
 * @typedef {Object} LiveParticipant
 * @property {string} participant_id
 * @property {string} identity
 * @property {string} display_name
 * @property {string} role
 * @property {number} joined_at
 * @property {boolean} connected
 * @property {boolean} audio_muted
 * @property {boolean} video_muted
 * @property {boolean} media_flowing
 * @property {string} media_mode
 * @property {string} mode_reason
 * @property {number} quality
 * @property {number} bitrate_in
 * @property {number} bitrate_out
 * @property {number} [video_step]
 * @property {(number|null)} [sharing_since]
 */
/**
 * @typedef {Object} LiveSession
 * @property {string} session_id
 * @property {string} kind
 * @property {string} title
 * @property {number} capacity
 * @property {(number|null)} [scheduled_start]
 * @property {(number|null)} [planned_minutes]
 * @property {(number|null)} [started_at]
 * @property {(number|null)} [ended_at]
 * @property {(AgendaItemInfo|null)} [current_item]
 * @property {number} agenda_done
 * @property {number} agenda_total
 * @property {TimerInfo} timer
 * @property {Array<LiveParticipant>} participants
 */
/**
 * @typedef {Object} LowerHand
 * @property {"lower_hand"} type
 * @property {(string|null)} [id]
 * @property {string} participant_id
 */
/**
 * @typedef {Object} MediaRestart
 * @property {"media_restart"} type
 * @property {(string|null)} [id]
 */
/**
 * @typedef {Object} MuteRequested
 * @property {"mute_requested"} type
 * @property {string} by_participant_id
 * @property {string} by_name
 */
/**
 * @typedef {Object} NotesUpdate
 * @property {"notes_update"} type
 * @property {(string|null)} [id]
 * @property {string} update
 */
/**
 * @typedef {Object} NotesUpdated
 * @property {"notes_updated"} type
 * @property {string} participant_id
 * @property {string} update
 */
/**
 * @typedef {Object} ParticipantInfo
 * @property {string} participant_id
 * @property {string} identity
 * @property {string} display_name
 * @property {string} role
 * @property {boolean} [audio_muted]
 * @property {boolean} [video_muted]
 * @property {boolean} [active]
 * @property {number} [quality]
 * @property {string} [media_mode]
 * @property {string} [mode_reason]
 * @property {boolean} [sends_video]
 * @property {boolean} [receives_video]
 * @property {boolean} [device_busy]
 * @property {number} [video_step]
 * @property {boolean} [connected]
 * @property {boolean} [sharing_screen]
 * @property {(number|null)} [hand_raised_at]
 */
/**
 * @typedef {Object} ParticipantJoined
 * @property {"participant_joined"} type
 * @property {ParticipantInfo} participant
 */
/**
 * @typedef {Object} ParticipantLeft
 * @property {"participant_left"} type
 * @property {string} participant_id
 * @property {string} reason
 */
/**
 * @typedef {Object} ParticipantUpdated
 * @property {"participant_updated"} type
 * @property {ParticipantInfo} participant
 */
/**
 * @typedef {Object} Ping
 * @property {"ping"} type
 * @property {(string|null)} [id]
 */
/**
 * @typedef {Object} Pong
 * @property {"pong"} type
 * @property {(string|null)} [re]
 * @property {number} server_time
 */
/**
 * @typedef {Object} PublishAnswer
 * @property {"publish_answer"} type
 * @property {(string|null)} [re]
 * @property {string} sdp
 */
/**
 * @typedef {Object} PublishOffer
 * @property {"publish_offer"} type
 * @property {(string|null)} [id]
 * @property {string} sdp
 * @property {("camera"|"screen")} [source]
 */
/**
 * @typedef {Object} QualityReport
 * @property {"quality_report"} type
 * @property {(string|null)} [id]
 * @property {number} window_ms
 * @property {number} packets_received
 * @property {number} packets_lost
 * @property {number} bytes_received
 * @property {number} jitter_ms
 * @property {(number|null)} [rtt_ms]
 * @property {(number|null)} [available_outgoing_kbps]
 * @property {boolean} [device_busy]
 * @property {*} [tile_heights]
 */
/**
 * @typedef {Object} RaiseHand
 * @property {"raise_hand"} type
 * @property {(string|null)} [id]
 * @property {boolean} raised
 */
/**
 * @typedef {Object} Redirect
 * @property {"redirect"} type
 * @property {(string|null)} [re]
 * @property {string} url
 */
/**
 * @typedef {Object} RemoveParticipant
 * @property {"remove_participant"} type
 * @property {(string|null)} [id]
 * @property {string} participant_id
 * @property {string} [reason]
 */
/**
 * @typedef {Object} SessionInfo
 * @property {string} session_id
 * @property {string} kind
 * @property {string} title
 * @property {number} capacity
 * @property {(number|null)} [scheduled_start]
 * @property {(number|null)} [planned_minutes]
 */
/**
 * @typedef {Object} SetMediaState
 * @property {"set_media_state"} type
 * @property {(string|null)} [id]
 * @property {boolean} audio_muted
 * @property {boolean} video_muted
 */
/**
 * @typedef {Object} Speakers
 * @property {"speakers"} type
 * @property {(string|null)} [active]
 * @property {Array<string>} [speaking]
 */
/**
 * @typedef {Object} StopScreenShare
 * @property {"stop_screen_share"} type
 * @property {(string|null)} [id]
 */
/**
 * @typedef {Object} SubscribeAnswer
 * @property {"subscribe_answer"} type
 * @property {(string|null)} [id]
 * @property {number} revision
 * @property {string} sdp
 */
/**
 * @typedef {Object} SubscribeOffer
 * @property {"subscribe_offer"} type
 * @property {number} revision
 * @property {string} sdp
 * @property {Array<TrackInfo>} tracks
 */
/**
 * @typedef {Object} TimerChanged
 * @property {"timer_changed"} type
 * @property {(string|null)} [re]
 * @property {TimerInfo} timer
 * @property {number} server_time
 */
/**
 * @typedef {Object} TimerControl
 * @property {"timer_control"} type
 * @property {(string|null)} [id]
 * @property {string} action
 * @property {(number|null)} [seconds]
 */
/**
 * @typedef {Object} TimerFollow
 * @property {"timer_follow"} type
 * @property {(string|null)} [id]
 * @property {boolean} follow
 */
/**
 * @typedef {Object} TimerInfo
 * @property {string} status
 * @property {number} duration
 * @property {number} remaining
 * @property {(number|null)} [since]
 * @property {boolean} [follow_agenda]
 * @property {(string|null)} [item_id]
 * @property {number} [warning_seconds]
 */
/**
 * @typedef {Object} TrackInfo
 * @property {string} mid
 * @property {string} participant_id
 * @property {string} kind
 */
