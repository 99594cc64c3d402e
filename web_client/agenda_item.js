// @ts-check
/**
 * One agenda item in `#agenda-list`: title, plan, details, outcome, how far the
 * current item is over or under its plan, the buttons its viewer may use (the others
 * are not rendered) and, while editing, an inline form. Tags say when the item is a
 * next step (to do before the next session), which goal it works on, and that it was
 * carried from the last session; those who may edit mark next steps and link goals from
 * the item's menu ("Mark as next step", "Link to goal…" with the goals of `roomGoals`).
 *
 * An edit sends only the fields the user changed since opening the form, with the
 * version the form was opened on; if someone else changes the item meanwhile, the
 * form shows the latest values and takes the new version (the user has seen them).
 * All text is set with textContent.
 */
import { attachMenu } from './popover_menu.js';
import { el } from './dom.js';
import { ItemStatus } from './protocol.js';
import { roomGoals } from './room_goals.js';

/** @typedef {import('./wire.js').AgendaItemInfo} AgendaItemInfo */

export const MAX_PLANNED_MINUTES = 240;

/**
 * What the item's controls ask for.
 * @typedef {Object} ItemActions
 * @property {(itemId: string) => void} start
 * @property {(itemId: string, outcome: string) => void} finish
 * @property {(itemId: string, step: number) => void} move
 * @property {(itemId: string) => void} remove
 * @property {(view: ItemView) => void} save The editor was submitted.
 * @property {(itemId: string, fields: LinkFields) => void} mark Next step or goal changed.
 */

/**
 * A change of the item's next-step mark or goal link.
 * @typedef {Object} LinkFields
 * @property {boolean} [next_step]
 * @property {string} [goal_id]
 * @property {boolean} [clear_goal]
 */

/**
 * How the item is shown now.
 * @typedef {Object} ItemContext
 * @property {number} index
 * @property {number} count
 * @property {boolean} canEdit May edit (and add) items.
 * @property {boolean} canManage May start, finish, move and remove items.
 */

/**
 * The fields of the editor (minutes as typed).
 * @typedef {Object} Draft
 * @property {string} title
 * @property {string} minutes
 * @property {string} details
 * @property {string} outcome
 */

/**
 * Planned minutes as typed: null when empty, NaN when not a whole 1..240.
 * @param {string} text
 * @returns {number|null}
 */
export function parseMinutes(text) {
  const trimmed = text.trim();
  if (!trimmed) return null;
  const value = Number(trimmed);
  return Number.isInteger(value) && value >= 1 && value <= MAX_PLANNED_MINUTES ? value : Number.NaN;
}

/**
 * @param {AgendaItemInfo} item
 * @returns {Draft}
 */
export function draftOf(item) {
  return {
    title: item.title,
    minutes: item.planned_minutes == null ? '' : String(item.planned_minutes),
    details: item.details ?? '',
    outcome: item.outcome ?? '',
  };
}

/**
 * The plan line: "15 min", and for a finished item how long it took.
 * @param {AgendaItemInfo} item
 * @returns {string}
 */
export function planText(item) {
  const parts = [];
  if (item.planned_minutes) parts.push(`${item.planned_minutes} min`);
  if (item.status === ItemStatus.DONE && item.started_at != null && item.finished_at != null) {
    const minutes = Math.round((item.finished_at - item.started_at) / 60);
    parts.push(minutes < 1 ? 'took <1 min' : `took ${minutes} min`);
  }
  return parts.join(' · ');
}

/**
 * How far the current item is under or over its plan at server time `now`.
 * @param {AgendaItemInfo} item
 * @param {number} now Server epoch seconds.
 * @returns {{text: string, over: boolean}}
 */
export function deltaText(item, now) {
  const elapsed = Math.max(0, now - (item.started_at ?? now));
  if (!item.planned_minutes) {
    return { text: elapsed < 60 ? 'just started' : `${Math.floor(elapsed / 60)} min in`, over: false };
  }
  const left = item.planned_minutes * 60 - elapsed;
  if (left >= 60) return { text: `${Math.ceil(left / 60)} min left`, over: false };
  if (left > 0) return { text: `${Math.ceil(left)} s left`, over: false };
  const over = -left;
  return { text: over < 60 ? `${Math.floor(over)} s over` : `${Math.floor(over / 60)} min over`, over: true };
}

/**
 * @param {string} text
 * @param {string} className
 * @param {string} label Accessible name.
 * @param {() => void} onClick
 * @returns {HTMLButtonElement}
 */
function button(text, className, label, onClick) {
  const node = el('button', { className: `agenda-button ${className}`, text, attrs: { type: 'button' } });
  node.setAttribute('aria-label', label);
  node.addEventListener('click', onClick);
  return node;
}

/**
 * @param {HTMLElement} field
 * @param {string} label
 * @returns {HTMLLabelElement}
 */
function labelled(field, label) {
  return el('label', { className: 'field compact', children: [el('span', { className: 'field-label', text: label }), field] });
}

/**
 * The title of the goal an item points at ('' when it points at none).
 * @param {AgendaItemInfo} item
 * @returns {string}
 */
export function goalText(item) {
  if (!item.goal_id) return '';
  const goal = roomGoals.byId.get(item.goal_id);
  return goal ? `Goal: ${goal.title}` : 'Goal: (not shown here)';
}

export class ItemView {
  /**
   * @param {AgendaItemInfo} item
   * @param {ItemActions} actions
   */
  constructor(item, actions) {
    this.item = item;
    this.actions = actions;
    const id = () => this.item.item_id;
    this.badge = el('span', { className: 'agenda-badge' });
    this.title = el('span', { className: 'agenda-title' });
    this.plan = el('span', { className: 'agenda-plan' });
    /** @type {HTMLSpanElement|null} Only on the current item. */
    this.delta = null;
    this.heading = el('div', { className: 'agenda-heading', children: [this.badge, this.title, this.plan] });
    this.nextTag = el('span', { className: 'agenda-tag agenda-next-step', text: 'Next step' });
    this.goalTag = el('span', { className: 'agenda-tag agenda-goal' });
    this.carriedTag = el('span', { className: 'agenda-tag agenda-carried', text: 'From last session' });
    this.tags = el('div', { className: 'agenda-tags', children: [this.nextTag, this.goalTag, this.carriedTag] });
    this.details = el('p', { className: 'agenda-details' });
    this.outcome = el('p', { className: 'agenda-outcome' });
    this.startButton = button('Start', 'agenda-start', '', () => actions.start(id()));
    this.editButton = button('Edit', 'agenda-edit', '', () => this.openEditor());
    this.upButton = button('↑', 'agenda-up', '', () => actions.move(id(), -1));
    this.downButton = button('↓', 'agenda-down', '', () => actions.move(id(), 1));
    this.removeButton = button('Remove', 'agenda-remove', '', () => actions.remove(id()));
    this.nextStepButton = button('Mark as next step', 'agenda-next-step-toggle', '', () => {
      actions.mark(id(), { next_step: !this.item.next_step });
    });
    this.goalSelect = el('select', { className: 'agenda-goal-select' });
    this.goalSelect.addEventListener('change', () => {
      const goalId = this.goalSelect.value;
      if (goalId === (this.item.goal_id ?? '')) return;
      actions.mark(id(), goalId ? { goal_id: goalId } : { clear_goal: true });
    });
    this.goalField = el('label', {
      className: 'menu-item agenda-goal-field',
      children: [el('span', { text: 'Link to goal…' }), this.goalSelect],
    });
    /** The goals the select was last filled with (to refill only on change). */
    this.goalOptions = '';
    this.doneButton = button('Done', 'agenda-done', '', () => actions.finish(id(), this.outcomeInput.value.trim()));
    this.outcomeInput = el('input', {
      className: 'agenda-outcome-input',
      attrs: { type: 'text', maxlength: '2000', placeholder: 'Outcome (optional)' },
    });
    this.outcomeInput.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.doneButton.click();
    });
    this.finishBar = el('div', { className: 'agenda-finish', children: [this.outcomeInput, this.doneButton] });
    this.toolbar = el('div', { className: 'agenda-actions' });
    /** Edit, move and remove sit in a compact menu behind this button. */
    this.menuButton = el('button', { className: 'agenda-button agenda-menu-button', text: '⋯', attrs: { type: 'button' } });
    this.menu = el('div', { className: 'more-menu agenda-menu', attrs: { popover: '' } });
    attachMenu(this.menuButton, this.menu);
    for (const node of [this.editButton, this.upButton, this.downButton, this.removeButton, this.nextStepButton]) {
      node.classList.add('menu-item');
    }
    this.upButton.textContent = 'Move up';
    this.downButton.textContent = 'Move down';
    /** @type {Node[]} What the toolbar shows (replaced only when it changes, to keep focus). */
    this.shown = [];
    this.li = el('li', { className: 'agenda-item', children: [this.heading, this.tags, this.details, this.outcome, this.toolbar] });
    /** @type {HTMLFormElement|null} */
    this.editor = null;
    /** @type {Draft} The values the editor was opened with. */
    this.base = draftOf(item);
    this.editVersion = item.version;
    this.conflict = el('p', { className: 'agenda-conflict', attrs: { role: 'status' } });
    this.fields = {
      title: el('input', { className: 'agenda-edit-title', attrs: { type: 'text', required: '', maxlength: '200' } }),
      minutes: el('input', {
        className: 'agenda-edit-minutes',
        attrs: { type: 'number', min: '1', max: String(MAX_PLANNED_MINUTES), step: '1', inputmode: 'numeric' },
      }),
      details: el('textarea', { className: 'agenda-edit-details', attrs: { rows: '2', maxlength: '2000' } }),
      outcome: el('textarea', { className: 'agenda-edit-outcome', attrs: { rows: '2', maxlength: '2000' } }),
    };
  }

  /** @returns {boolean} */
  get editing() {
    return this.editor !== null;
  }

  /**
   * Shows the item as it is now.
   * @param {AgendaItemInfo} item
   * @param {ItemContext} context
   * @param {number} now Server epoch seconds.
   */
  update(item, context, now) {
    this.item = item;
    const name = `“${item.title}”`;
    this.li.dataset.itemId = item.item_id;
    this.li.dataset.status = item.status;
    this.title.textContent = item.title;
    this.badge.textContent = item.status === ItemStatus.CURRENT ? 'Now' : item.status === ItemStatus.DONE ? 'Done' : String(context.index + 1);
    this.plan.textContent = planText(item);
    this.plan.hidden = !this.plan.textContent;
    this.details.textContent = item.details ?? '';
    this.details.hidden = !item.details;
    this.outcome.textContent = item.outcome ? `Outcome: ${item.outcome}` : '';
    this.outcome.hidden = !item.outcome;
    this.li.toggleAttribute('data-next-step', Boolean(item.next_step));
    this.nextTag.hidden = !item.next_step;
    this.goalTag.textContent = goalText(item);
    this.goalTag.hidden = !item.goal_id;
    this.carriedTag.hidden = !item.carried_from;
    this.tags.hidden = this.nextTag.hidden && this.goalTag.hidden && this.carriedTag.hidden;
    const current = item.status === ItemStatus.CURRENT;
    if (current && !this.delta) {
      this.delta = el('span', { className: 'agenda-delta' });
      this.heading.append(this.delta);
    } else if (!current && this.delta) {
      this.delta.remove();
      this.delta = null;
    }
    this.tick(now);

    this.startButton.setAttribute('aria-label', `Start ${name} now`);
    this.editButton.setAttribute('aria-label', `Edit ${name}`);
    this.upButton.setAttribute('aria-label', `Move ${name} up`);
    this.downButton.setAttribute('aria-label', `Move ${name} down`);
    this.removeButton.setAttribute('aria-label', `Remove ${name}`);
    this.doneButton.setAttribute('aria-label', `Mark ${name} done`);
    this.outcomeInput.setAttribute('aria-label', `Outcome of ${name} (optional)`);
    this.nextStepButton.textContent = item.next_step ? 'Not a next step' : 'Mark as next step';
    this.nextStepButton.setAttribute('aria-label', item.next_step ? `${name} is not a next step` : `Mark ${name} as a next step`);
    this.goalSelect.setAttribute('aria-label', `Goal of ${name}`);
    const goalShown = this.fillGoals(item);
    this.upButton.disabled = context.index === 0;
    this.downButton.disabled = context.index === context.count - 1;
    /** @type {Node[]} */
    const shown = [];
    this.menuButton.setAttribute('aria-label', `More actions for ${name}`);
    if (context.canManage && item.status === ItemStatus.PENDING) shown.push(this.startButton);
    /** @type {HTMLElement[]} Next step and goal: for whoever may edit the item. */
    const links = context.canEdit ? [this.nextStepButton, ...(goalShown ? [this.goalField] : [])] : [];
    /** @type {HTMLElement[]} */
    let inMenu = [];
    if (context.canManage) {
      inMenu = [...(context.canEdit ? [this.editButton] : []), ...links, this.upButton, this.downButton, this.removeButton];
    } else if (context.canEdit) {
      shown.push(this.editButton);
      inMenu = links;
    }
    if (inMenu.length) {
      if (inMenu.some((node, i) => this.menu.children[i] !== node) || this.menu.children.length !== inMenu.length) {
        this.menu.replaceChildren(...inMenu);
      }
      shown.push(this.menuButton, this.menu);
    }
    if (shown.length !== this.shown.length || shown.some((node, i) => node !== this.shown[i])) {
      this.toolbar.replaceChildren(...shown);
      this.shown = shown;
    }
    const finishing = current && context.canManage;
    if (finishing && !this.finishBar.isConnected) this.toolbar.before(this.finishBar);
    if (!finishing && this.finishBar.isConnected) this.finishBar.remove();
    if (!context.canEdit && this.editing) this.closeEditor();
    if (this.editing) this.noteChange();
  }

  /**
   * Fills the goal select with the room's goals (only when they changed) and selects
   * the item's goal.
   * @param {AgendaItemInfo} item
   * @returns {boolean} True if there is anything to choose (goals, or a link to clear).
   */
  fillGoals(item) {
    const goals = roomGoals.list();
    const current = item.goal_id ?? '';
    const known = !current || goals.some((g) => g.goal_id === current);
    const signature = JSON.stringify([goals.map((g) => [g.goal_id, g.title]), known ? '' : current]);
    if (signature !== this.goalOptions) {
      this.goalOptions = signature;
      const options = [el('option', { text: 'No goal', attrs: { value: '' } })];
      for (const goal of goals) options.push(el('option', { text: goal.title, attrs: { value: goal.goal_id } }));
      if (!known) options.push(el('option', { text: '(a goal not shown here)', attrs: { value: current } }));
      this.goalSelect.replaceChildren(...options);
    }
    if (this.goalSelect.value !== current) this.goalSelect.value = current;
    return goals.length > 0 || Boolean(current);
  }

  /** @param {number} now Server epoch seconds. */
  tick(now) {
    if (!this.delta) return;
    const { text, over } = deltaText(this.item, now);
    if (this.delta.textContent !== text) this.delta.textContent = text;
    this.delta.toggleAttribute('data-over', over);
  }

  /**
   * Opens the inline editor.
   * @param {Draft} [draft] Values to show (default: the item's).
   * @param {Draft} [base] What they were edited from (default: the item's values).
   */
  openEditor(draft, base) {
    const item = this.item;
    this.base = base ?? draftOf(item);
    this.editVersion = item.version;
    const shown = draft ?? this.base;
    const { title, minutes, details, outcome } = this.fields;
    title.value = shown.title;
    minutes.value = shown.minutes;
    details.value = shown.details;
    outcome.value = shown.outcome;
    const name = `“${item.title}”`;
    const save = el('button', { className: 'button primary small agenda-save', text: 'Save', attrs: { type: 'submit' } });
    const cancel = el('button', { className: 'button small agenda-cancel', text: 'Cancel', attrs: { type: 'button' } });
    cancel.addEventListener('click', () => this.closeEditor(true));
    const withOutcome = item.status !== ItemStatus.PENDING || Boolean(shown.outcome);
    this.editor?.remove();
    this.editor = el('form', {
      className: 'agenda-editor',
      attrs: { 'aria-label': `Edit ${name}` },
      children: [
        labelled(title, 'Title'),
        labelled(minutes, 'Minutes'),
        labelled(details, 'Details'),
        withOutcome && labelled(outcome, 'Outcome'),
        this.conflict,
        el('div', { className: 'agenda-editor-buttons', children: [save, cancel] }),
      ],
    });
    this.editor.addEventListener('submit', (event) => {
      event.preventDefault();
      this.actions.save(this);
    });
    this.editor.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.closeEditor(true);
    });
    this.conflict.textContent = '';
    this.conflict.hidden = true;
    this.li.toggleAttribute('data-editing', true);
    this.li.append(this.editor);
    if (draft) this.noteChange(true);
    title.focus();
  }

  /** @param {boolean} [refocus] Put focus back on the Edit button. */
  closeEditor(refocus = false) {
    if (!this.editor) return;
    this.editor.remove();
    this.editor = null;
    this.li.toggleAttribute('data-editing', false);
    if (refocus && this.editButton.isConnected) this.editButton.focus();
  }

  /** @returns {Draft} The editor's values. */
  draft() {
    const { title, minutes, details, outcome } = this.fields;
    return { title: title.value, minutes: minutes.value, details: details.value, outcome: outcome.value };
  }

  /**
   * While editing: if the item changed meanwhile, show its latest values and take
   * its version.
   * @param {boolean} [force] Show the latest values even if only the version moved.
   */
  noteChange(force = false) {
    const item = this.item;
    if (item.version === this.editVersion && !force) return;
    this.editVersion = item.version;
    const latest = draftOf(item);
    /** @type {Array<keyof Draft>} */
    const keys = ['title', 'minutes', 'details', 'outcome'];
    const changed = force || keys.some((key) => latest[key] !== this.base[key]);
    if (!changed) return;
    const plan = latest.minutes ? ` · ${latest.minutes} min` : '';
    const details = latest.details ? ` · ${latest.details}` : '';
    this.conflict.textContent =
      `Someone else changed this item while you were editing. Now: “${latest.title}”${plan}${details}. ` +
      'Saving applies the fields you changed.';
    this.conflict.hidden = false;
  }
}
