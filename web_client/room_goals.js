// @ts-check
/**
 * The goals of the room's pair as the room page knows them (from the server's goal
 * messages). The goals pane fills it; the agenda reads it to let an item point at a goal.
 * Listen for 'change' to redraw.
 */

/**
 * @typedef {Object} RoomGoal
 * @property {string} goal_id
 * @property {string} mentee_id
 * @property {string} title
 * @property {string} measure
 * @property {string} target_date YYYY-MM-DD
 * @property {string} status not_started | on_track | at_risk | achieved | dropped
 * @property {number} progress 0..100
 * @property {number} version
 */

class RoomGoals extends EventTarget {
  constructor() {
    super();
    /** @type {Map<string, RoomGoal>} */
    this.byId = new Map();
  }

  /** @returns {Array<RoomGoal>} Every goal, in the order the server sent them. */
  list() {
    return [...this.byId.values()];
  }

  /** @param {Array<RoomGoal>} goals Replaces every goal. */
  replace(goals) {
    this.byId = new Map(goals.map((g) => [g.goal_id, g]));
    this.dispatchEvent(new Event('change'));
  }

  /** @param {RoomGoal} goal Adds or replaces one goal. */
  put(goal) {
    this.byId.set(goal.goal_id, goal);
    this.dispatchEvent(new Event('change'));
  }
}

/** The one store of the room page. */
export const roomGoals = new RoomGoals();
