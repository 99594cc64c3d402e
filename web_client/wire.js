// @ts-check
/**
 * Types of the server messages as this client reads them (types only; nothing here
 * runs). They are the typedefs of the generated protocol.js with every enum-valued
 * field (role, kind, reason, code, status) widened to `string`: in protocol.js such fields
 * name the frozen enum object rather than its values, and a newer server may send
 * values this page does not know yet.
 */

/** @typedef {import('./protocol.js').ParticipantInfo} RawParticipantInfo */
/** @typedef {import('./protocol.js').SessionInfo} RawSessionInfo */
/** @typedef {import('./protocol.js').TrackInfo} RawTrackInfo */

/** @typedef {Omit<RawParticipantInfo, 'role'> & {role: string}} ParticipantInfo */
/** @typedef {Omit<RawSessionInfo, 'kind'> & {kind: string}} SessionInfo */
/** @typedef {Omit<RawTrackInfo, 'kind'> & {kind: string}} TrackInfo */

/** @typedef {Omit<import('./protocol.js').AgendaItemInfo, 'status'> & {status: string}} AgendaItemInfo */
/** @typedef {Omit<import('./protocol.js').AgendaInfo, 'items'> & {items: Array<AgendaItemInfo>}} AgendaInfo */
/** @typedef {Omit<import('./protocol.js').TimerInfo, 'status'> & {status: string}} TimerInfo */
/** @typedef {Omit<import('./protocol.js').ChatMessageInfo, 'role'> & {role: string}} ChatMessageInfo */
/**
 * @typedef {Omit<import('./protocol.js').BoardInfo, 'agenda'|'timer'|'chat'> & {
 *   agenda: AgendaInfo, timer: TimerInfo, chat: Array<ChatMessageInfo>
 * }} BoardInfo
 */
/**
 * @typedef {Omit<import('./protocol.js').Joined, 'session'|'you'|'participants'|'board'> & {
 *   session: SessionInfo, you: ParticipantInfo, participants: Array<ParticipantInfo>, board: BoardInfo
 * }} Joined
 */
/** @typedef {Omit<import('./protocol.js').AgendaChanged, 'agenda'> & {agenda: AgendaInfo}} AgendaChanged */
/** @typedef {Omit<import('./protocol.js').TimerChanged, 'timer'> & {timer: TimerInfo}} TimerChanged */
/** @typedef {Omit<import('./protocol.js').ChatPosted, 'message'> & {message: ChatMessageInfo}} ChatPosted */
/** @typedef {import('./protocol.js').NotesUpdated} NotesUpdated */
/**
 * @typedef {Omit<import('./protocol.js').ParticipantJoined, 'participant'> & {participant: ParticipantInfo}} ParticipantJoined
 */
/**
 * @typedef {Omit<import('./protocol.js').ParticipantUpdated, 'participant'> & {participant: ParticipantInfo}} ParticipantUpdated
 */
/** @typedef {Omit<import('./protocol.js').ParticipantLeft, 'reason'> & {reason: string}} ParticipantLeft */
/** @typedef {import('./protocol.js').PublishAnswer} PublishAnswer */
/**
 * @typedef {Omit<import('./protocol.js').SubscribeOffer, 'tracks'> & {tracks: Array<TrackInfo>}} SubscribeOffer
 */
/** @typedef {import('./protocol.js').Pong} Pong */
/** @typedef {Omit<import('./protocol.js').Error, 'code'> & {code: string}} ErrorMessage */
/** @typedef {Omit<import('./protocol.js').Bye, 'reason'> & {reason: string}} Bye */

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
 * @property {AgendaChanged} agenda_changed
 * @property {TimerChanged} timer_changed
 * @property {ChatPosted} chat_message
 * @property {NotesUpdated} notes_updated
 */

export {};
