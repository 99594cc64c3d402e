// @ts-check
/**
 * Types of the server messages as this client reads them (types only; nothing here
 * runs): short names for the typedefs generated in protocol.js, where every
 * enum-valued field (role, kind, reason, code, status) is a plain string.
 */

/** @typedef {import('./protocol.js').ParticipantInfo} ParticipantInfo */
/** @typedef {import('./protocol.js').SessionInfo} SessionInfo */
/** @typedef {import('./protocol.js').TrackInfo} TrackInfo */
/** @typedef {import('./protocol.js').AgendaItemInfo} AgendaItemInfo */
/** @typedef {import('./protocol.js').AgendaInfo} AgendaInfo */
/** @typedef {import('./protocol.js').TimerInfo} TimerInfo */
/** @typedef {import('./protocol.js').ChatMessageInfo} ChatMessageInfo */
/** @typedef {import('./protocol.js').BoardInfo} BoardInfo */
/** @typedef {import('./protocol.js').Joined} Joined */
/** @typedef {import('./protocol.js').AgendaChanged} AgendaChanged */
/** @typedef {import('./protocol.js').TimerChanged} TimerChanged */
/** @typedef {import('./protocol.js').ChatPosted} ChatPosted */
/** @typedef {import('./protocol.js').NotesUpdated} NotesUpdated */
/** @typedef {import('./protocol.js').ParticipantJoined} ParticipantJoined */
/** @typedef {import('./protocol.js').ParticipantUpdated} ParticipantUpdated */
/** @typedef {import('./protocol.js').ParticipantLeft} ParticipantLeft */
/** @typedef {import('./protocol.js').PublishAnswer} PublishAnswer */
/** @typedef {import('./protocol.js').SubscribeOffer} SubscribeOffer */
/** @typedef {import('./protocol.js').Pong} Pong */
/** @typedef {import('./protocol.js').Bye} Bye */
/** @typedef {import('./protocol.js').Redirect} Redirect */
/** @typedef {import('./protocol.js').Error} ErrorMessage */
/** @typedef {import('./protocol.js').MuteRequested} MuteRequested */
/** @typedef {import('./protocol.js').Speakers} Speakers */

/**
 * Server message types and their payloads.
 * @typedef {Object} ServerMessageMap
 * @property {Joined} joined
 * @property {ParticipantJoined} participant_joined
 * @property {ParticipantLeft} participant_left
 * @property {ParticipantUpdated} participant_updated
 * @property {PublishAnswer} publish_answer
 * @property {SubscribeOffer} subscribe_offer
 * @property {Pong} pong
 * @property {ErrorMessage} error
 * @property {Bye} bye
 * @property {Redirect} redirect
 * @property {AgendaChanged} agenda_changed
 * @property {TimerChanged} timer_changed
 * @property {ChatPosted} chat_message
 * @property {NotesUpdated} notes_updated
 * @property {MuteRequested} mute_requested
 * @property {Speakers} speakers
 */

export {};
