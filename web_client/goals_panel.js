// @ts-check
/**
 * The Goals pane of the board (`#goals-panel`, next to the agenda), shown only in a
 * session of a pair: the server sends `goals` right after `joined` there, and
 * `goal_changed` to everyone after any change (in the room or on a home page).
 *
 * Each goal shows its title, how it is measured, the target date and (in a circle) whose
 * it is. The pair's mentor and the goal's own mentee get a status select and a progress
 * slider (0-100 in steps of 5, sent when released); everyone else reads. The server
 * enforces the same. Another person's change updates the goal at once and is announced
 * politely to screen readers. The goals also go to `roomGoals`, which the agenda reads.
 */
import { byId, el } from './dom.js';
import { Role, SessionKind } from './protocol.js';
import { roomGoals } from './room_goals.js';
import { announce } from './room_view.js';

/** @typedef {import('./protocol.js').GoalInfo} GoalInfo */
/** @typedef {import('./protocol.js').Goals} GoalsMessage */
/** @typedef {import('./protocol.js').GoalChanged} GoalChangedMessage */
/** @typedef {import('./board.js').BoardLink} BoardLink */
/** @typedef {import('./session_client.js').SessionClient} SessionClient */

/** The statuses of a goal, in the order the select lists them. */
export const GOAL_STATUSES = Object.freeze([
  ['not_started', 'Not started'],
  ['on_track', 'On track'],
  ['at_risk', 'At risk'],
  ['achieved', 'Achieved'],
  ['dropped', 'Dropped'],
]);

/**
 * @param {string} status
 * @returns {string} The status as people read it.
 */
export function statusLabel(status) {
  return GOAL_STATUSES.find(([value]) => value === status)?.[1] ?? status;
}

/**
 * @param {string} date YYYY-MM-DD
 * @returns {string} E.g. "31 Mar 2027" (the date as written, in no time zone).
 */
export function formatTargetDate(date) {
  const [y, m, d] = date.split('-').map(Number);
  if (!y || !m || !d) return date;
  return new Date(y, m - 1, d).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

/**
 * Who may change a goal (the server enforces the same).
 * @param {{identity: string, role: string}} me
 * @param {string} mentorId
 * @param {{mentee_id: string}} goal
 * @returns {boolean}
 */
export function mayChangeGoal(me, mentorId, goal) {
  if (me.role === Role.OBSERVER || !me.identity) return false;
  return me.identity === mentorId || me.identity === goal.mentee_id;
}

/** One goal's row; updated in place so that focus survives live changes. */
class GoalView {
  /**
   * @param {GoalInfo} goal
   * @param {boolean} editable
   * @param {boolean} showMentee
   * @param {(goal: GoalInfo, change: {status?: string, progress?: number}) => void} commit
   */
  constructor(goal, editable, showMentee, commit) {
    this.goal = goal;
    this.dragging = false;
    this.title = el('span', { className: 'goal-title' });
    this.mentee = el('span', { className: 'goal-mentee muted small' });
    this.measure = el('p', { className: 'goal-measure muted small' });
    this.due = el('span', { className: 'goal-due muted small' });
    this.percent = el('span', { className: 'goal-percent', attrs: { 'aria-hidden': 'true' } });
    this.root = el('li', {
      className: 'goal-item',
      attrs: { 'data-goal-id': goal.goal_id },
      children: [
        el('div', { className: 'goal-head', children: [this.title, showMentee ? this.mentee : null, this.due] }),
        this.measure,
      ],
    });
    /** @type {HTMLSelectElement|null} */
    this.select = null;
    /** @type {HTMLInputElement|null} */
    this.range = null;
    /** @type {HTMLProgressElement|null} */
    this.bar = null;
    this.badge = el('span', { className: 'goal-status' });
    if (editable) {
      const select = el('select', { className: 'goal-status-select' });
      for (const [value, label] of GOAL_STATUSES) select.append(el('option', { text: label, attrs: { value } }));
      select.addEventListener('change', () => commit(this.goal, { status: select.value }));
      const range = el('input', {
        className: 'goal-range',
        attrs: { type: 'range', min: '0', max: '100', step: '5' },
      });
      range.addEventListener('pointerdown', () => { this.dragging = true; });
      range.addEventListener('input', () => this.showPercent(Number(range.value)));
      range.addEventListener('change', () => {
        this.dragging = false;
        commit(this.goal, { progress: Number(range.value) });
      });
      this.select = select;
      this.range = range;
      this.root.append(el('div', {
        className: 'goal-controls',
        children: [
          el('label', { className: 'goal-field', children: [el('span', { className: 'field-label small', text: 'Status' }), select] }),
          el('label', {
            className: 'goal-field goal-progress-field',
            children: [el('span', { className: 'field-label small', text: 'Progress' }), range, this.percent],
          }),
        ],
      }));
    } else {
      this.bar = el('progress', { className: 'goal-bar', attrs: { max: '100' } });
      this.root.append(el('div', {
        className: 'goal-controls',
        children: [this.badge, this.bar, this.percent],
      }));
    }
    this.update(goal);
  }

  /** @param {number} progress Shows a percentage (while dragging too). */
  showPercent(progress) {
    this.percent.textContent = `${progress}%`;
    this.range?.setAttribute('aria-valuetext', `${progress}%`);
  }

  /** @param {GoalInfo} goal The goal's latest state. */
  update(goal) {
    this.goal = goal;
    this.root.dataset.status = goal.status;
    this.title.textContent = goal.title;
    this.mentee.textContent = goal.mentee_name ? `for ${goal.mentee_name}` : '';
    this.measure.textContent = goal.measure;
    this.measure.hidden = !goal.measure;
    this.due.textContent = `by ${formatTargetDate(goal.target_date)}`;
    this.badge.textContent = statusLabel(goal.status);
    if (this.select) this.select.value = goal.status;
    if (this.range && !this.dragging) this.range.value = String(goal.progress);
    if (this.bar) {
      this.bar.value = goal.progress;
      this.bar.setAttribute('aria-label', `Progress of ${goal.title}`);
    }
    this.select?.setAttribute('aria-label', `Status of ${goal.title}`);
    this.range?.setAttribute('aria-label', `Progress of ${goal.title}`);
    if (!this.dragging) this.showPercent(goal.progress);
  }
}

export class GoalsPanel {
  /** @param {BoardLink} link */
  constructor(link) {
    this.link = link;
    this.pane = byId('goals-panel');
    this.list = byId('goals-list');
    this.empty = byId('goals-empty');
    /** @type {{identity: string, role: string}} */
    this.me = { identity: '', role: Role.OBSERVER };
    this.kind = '';
    this.mentorId = '';
    /** @type {Map<string, GoalView>} */
    this.views = new Map();
    /** @type {Map<string, Set<string>>} Our requests not yet answered, by goal id. */
    this.pending = new Map();
  }

  /**
   * Listens to a new socket.
   * @param {SessionClient} client
   */
  attach(client) {
    // `goals` and `goal_changed` are not in wire.js's map yet: typed here instead
    const on = /** @type {(type: string, handler: (message: any) => void) => void} */ (
      (type, handler) => { client.on(/** @type {any} */ (type), handler); });
    on('goals', (/** @type {GoalsMessage} */ msg) => this.show(msg));
    on('goal_changed', (/** @type {GoalChangedMessage} */ msg) => this.changed(msg));
  }

  /**
   * Remembers who this participant is (after every join).
   * @param {{identity: string, role: string}} you
   * @param {string} kind The session kind.
   */
  joined(you, kind) {
    this.me = { identity: you.identity, role: you.role };
    this.kind = kind;
  }

  /** @param {GoalsMessage} msg Every goal of the pair: the pane shows. */
  show(msg) {
    this.mentorId = msg.mentor_id;
    this.pane.hidden = false;
    roomGoals.replace(msg.goals);
    this.pending.clear();
    this.views.clear();
    this.list.replaceChildren();
    for (const goal of msg.goals) this.add(goal);
    this.empty.hidden = msg.goals.length > 0;
  }

  /** @param {GoalChangedMessage} msg */
  changed(msg) {
    const goal = msg.goal;
    roomGoals.put(goal);
    const pending = this.pending.get(goal.goal_id);
    if (msg.re != null) pending?.delete(msg.re);
    const view = this.views.get(goal.goal_id);
    // the echo of one of several quick changes of ours: keep showing the latest we made
    if (view && msg.re != null && pending && pending.size > 0) view.goal = goal;
    else if (view) view.update(goal);
    else this.add(goal);
    this.empty.hidden = true;
    if (msg.re == null) {
      announce(`${msg.by || 'Someone'} updated the goal ${goal.title}: ${statusLabel(goal.status)}, ${goal.progress}%.`);
    }
  }

  /** @param {GoalInfo} goal */
  add(goal) {
    const view = new GoalView(goal, mayChangeGoal(this.me, this.mentorId, goal),
      this.kind === SessionKind.CIRCLE, (current, change) => this.commit(current, change));
    this.views.set(goal.goal_id, view);
    this.list.append(view.root);
  }

  /**
   * Sends a change; on a refusal the goal's latest known state is shown again. The
   * version seen is sent (a change made meanwhile by someone else is refused) unless
   * one of our own changes of this goal is still on its way.
   * @param {GoalInfo} goal
   * @param {{status?: string, progress?: number}} change
   */
  commit(goal, change) {
    const revert = () => {
      const view = this.views.get(goal.goal_id);
      view?.update(view.goal);
    };
    const pending = this.pending.get(goal.goal_id) ?? new Set();
    /** @type {import('./protocol.js').GoalUpdate} */
    const message = { type: 'goal_update', goal_id: goal.goal_id, ...change };
    if (pending.size === 0) message.version = goal.version;
    const id = this.link.send(message, {
      onError: () => {
        pending.delete(id ?? '');
        revert();
        return false;
      },
    });
    if (id === null) return revert();
    pending.add(id);
    this.pending.set(goal.goal_id, pending);
  }

  /** @returns {Array<{goal_id: string, title: string, status: string, progress: number}>} */
  snapshot() {
    return roomGoals.list().map((g) => ({ goal_id: g.goal_id, title: g.title, status: g.status, progress: g.progress }));
  }
}
