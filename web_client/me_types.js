// @ts-check
/**
 * The shapes the home page reads from `GET /api/me/home` (signaling/program/home_api.py).
 * Types only.
 */

/**
 * @typedef {Object} PersonRef
 * @property {string} person_id
 * @property {string} name
 */
/**
 * @typedef {Object} HomePerson
 * @property {string} person_id
 * @property {string} name
 * @property {string} role admin | mentor | mentee
 * @property {string} email
 * @property {string} time_zone
 */
/**
 * @typedef {Object} Upcoming
 * @property {string} session_id
 * @property {string} pair_id
 * @property {string} title
 * @property {string} start ISO-8601 UTC.
 * @property {number} minutes
 * @property {string} join_url
 * @property {string} ics_url
 * @property {string} live_from ISO-8601 UTC: the join button turns live then.
 */
/**
 * @typedef {Object} Past
 * @property {string} session_id
 * @property {string} title
 * @property {string} start
 * @property {number} minutes
 * @property {boolean} attended
 * @property {number} attended_minutes
 * @property {string} notes_excerpt
 * @property {string} summary_url
 */
/**
 * @typedef {Object} HomeGoal
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
 */
/**
 * @typedef {Object} HomeProgress
 * @property {number} sessions_attended
 * @property {number} sessions_scheduled
 * @property {number} minutes
 * @property {Array<{month: string, minutes: number}>} minutes_per_month
 * @property {Record<string, number>} goals_by_status
 * @property {Array<{at: string, score: number}>} feedback
 */
/**
 * @typedef {Object} HomePair
 * @property {string} pair_id
 * @property {string} title
 * @property {string} kind
 * @property {PersonRef} mentor
 * @property {Array<PersonRef>} mentees
 * @property {number} new_messages
 * @property {{author_name: string, text: string, at: string}|null} last_message
 */
/**
 * @typedef {Object} MenteeSummary
 * @property {string} person_id
 * @property {string} name
 * @property {string} role
 * @property {string} home_url
 * @property {number} sessions_attended
 * @property {number} sessions_scheduled
 * @property {number} minutes
 * @property {number} goals
 * @property {Record<string, number>} goals_by_status
 */
/**
 * @typedef {Object} Home
 * @property {HomePerson} person
 * @property {{person_id: string, name: string, is_admin: boolean, is_self: boolean}} viewer
 * @property {Array<Upcoming>} upcoming
 * @property {Array<Past>} past
 * @property {Array<HomeGoal>} goals
 * @property {HomeProgress} progress
 * @property {Array<HomePair>} pairs
 * @property {Array<MenteeSummary>} mentees
 */

export const GOAL_STATUSES = Object.freeze([
  ['not_started', 'Not started'], ['on_track', 'On track'], ['at_risk', 'At risk'],
  ['achieved', 'Achieved'], ['dropped', 'Dropped'],
]);

/**
 * @param {string} status
 * @returns {string} Its label.
 */
export function statusLabel(status) {
  return GOAL_STATUSES.find(([key]) => key === status)?.[1] ?? status;
}
