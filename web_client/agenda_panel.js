// @ts-check
/**
 * The Agenda panel: the ordered list (`#agenda-list`, one `ItemView` per item, kept
 * across updates so that focus and open editors survive), the add form, "Start
 * next" and the mentor's "mentee may edit" switch. Controls are shown only to those
 * who may use them: the mentor does everything; in a one-on-one the mentee adds and
 * edits while the mentor allows it; observers only read. The server enforces the same.
 * Those who may edit also mark items as next steps and link them to the room's goals
 * (the list is redrawn when `roomGoals` changes).
 */
import { byId } from './dom.js';
import { ErrorCode, ItemStatus, Role, SessionKind } from './protocol.js';
import { ItemView, parseMinutes } from './agenda_item.js';
import { roomGoals } from './room_goals.js';

/** @typedef {import('./wire.js').AgendaInfo} AgendaInfo */
/** @typedef {import('./wire.js').AgendaItemInfo} AgendaItemInfo */
/** @typedef {import('./board.js').BoardLink} BoardLink */
/** @typedef {import('./board.js').Access} Access */
/** @typedef {import('./agenda_item.js').Draft} Draft */

/**
 * @param {Access} access
 * @param {boolean} menteeCanEdit
 * @returns {boolean} True if this participant may add and edit items.
 */
export function mayEditAgenda(access, menteeCanEdit) {
  if (access.role === Role.MENTOR) return true;
  return access.role === Role.MENTEE && access.kind === SessionKind.ONE_ON_ONE && menteeCanEdit;
}

/**
 * Keeps the focused element (and its caret) focused across a re-render that moves it.
 * @param {HTMLElement} container
 * @returns {() => void} Call after the re-render.
 */
function keepFocus(container) {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || !container.contains(active)) return () => undefined;
  const text = active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement ? active : null;
  const range = text ? [text.selectionStart, text.selectionEnd] : null;
  return () => {
    if (!active.isConnected || document.activeElement === active) return;
    active.focus({ preventScroll: true });
    if (text && range && range[0] !== null && range[1] !== null) {
      try {
        text.setSelectionRange(range[0], range[1]);
      } catch {
        // number inputs have no selection
      }
    }
  };
}

export class AgendaPanel {
  /** @param {BoardLink} link */
  constructor(link) {
    this.link = link;
    /** @type {Access} */
    this.access = { role: Role.OBSERVER, kind: '' };
    /** @type {AgendaInfo} */
    this.agenda = { items: [], mentee_can_edit: true };
    /** @type {Map<string, ItemView>} */
    this.views = new Map();
    this.list = byId('agenda-list');
    this.empty = byId('agenda-empty');
    this.form = byId('agenda-add-form', HTMLFormElement);
    this.titleInput = byId('agenda-title-input', HTMLInputElement);
    this.minutesInput = byId('agenda-minutes-input', HTMLInputElement);
    this.detailsInput = byId('agenda-details-input', HTMLTextAreaElement);
    this.nextButton = byId('agenda-next-button', HTMLButtonElement);
    this.menteeToggle = byId('agenda-mentee-toggle', HTMLInputElement);
    this.menteeField = byId('agenda-mentee-field');
    /** @type {import('./agenda_item.js').ItemActions} */
    this.actions = {
      start: (itemId) => this.link.send({ type: 'agenda_start', item_id: itemId }),
      finish: (itemId, outcome) => {
        this.link.send(outcome ? { type: 'agenda_finish', item_id: itemId, outcome } : { type: 'agenda_finish', item_id: itemId });
      },
      move: (itemId, step) => this.move(itemId, step),
      remove: (itemId) => this.link.send({ type: 'agenda_remove', item_id: itemId }),
      save: (view) => this.save(view),
      mark: (itemId, fields) => this.mark(itemId, fields),
    };
    roomGoals.addEventListener('change', () => this.render(this.agenda));
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.add();
    });
    this.nextButton.addEventListener('click', () => this.link.send({ type: 'agenda_start' }));
    this.menteeToggle.addEventListener('change', () => {
      this.link.send({ type: 'agenda_policy', mentee_can_edit: this.menteeToggle.checked }, {
        onError: () => {
          this.menteeToggle.checked = this.agenda.mentee_can_edit;
          return false;
        },
      });
    });
  }

  /** @param {Access} access */
  setAccess(access) {
    this.access = access;
  }

  /** @returns {boolean} */
  get canEdit() {
    return mayEditAgenda(this.access, this.agenda.mentee_can_edit);
  }

  /** @returns {boolean} */
  get canManage() {
    return this.access.role === Role.MENTOR;
  }

  /**
   * Shows the agenda as the server sent it.
   * @param {AgendaInfo} agenda
   */
  render(agenda) {
    this.agenda = agenda;
    const restoreFocus = keepFocus(this.list);
    const now = this.link.serverNow() / 1000;
    const context = { index: 0, count: agenda.items.length, canEdit: this.canEdit, canManage: this.canManage };
    const seen = new Set();
    agenda.items.forEach((item, index) => {
      let view = this.views.get(item.item_id);
      if (!view) {
        view = new ItemView(item, this.actions);
        this.views.set(item.item_id, view);
      }
      view.update(item, { ...context, index }, now);
      const at = this.list.children[index];
      if (at !== view.li) this.list.insertBefore(view.li, at ?? null);
      seen.add(item.item_id);
    });
    for (const [id, view] of this.views) {
      if (seen.has(id)) continue;
      if (view.editing) this.link.showError(`“${view.item.title}” was removed while you were editing it.`);
      view.li.remove();
      this.views.delete(id);
    }
    restoreFocus();
    this.empty.hidden = agenda.items.length > 0;
    this.form.hidden = !this.canEdit;
    this.renderNextButton();
    this.menteeField.hidden = !(this.canManage && this.access.kind === SessionKind.ONE_ON_ONE);
    this.menteeToggle.checked = agenda.mentee_can_edit;
  }

  renderNextButton() {
    const items = this.agenda.items;
    const pending = items.some((i) => i.status === ItemStatus.PENDING);
    const current = items.some((i) => i.status === ItemStatus.CURRENT);
    this.nextButton.hidden = !this.canManage;
    this.nextButton.disabled = !pending && !current;
    this.nextButton.textContent = pending || !current ? 'Start next' : 'Finish current';
  }

  /** Updates the current item's over/under text (every tick). */
  tick() {
    const now = this.link.serverNow() / 1000;
    for (const view of this.views.values()) view.tick(now);
  }

  add() {
    const title = this.titleInput.value.trim();
    const minutes = parseMinutes(this.minutesInput.value);
    const details = this.detailsInput.value.trim();
    if (!title) {
      this.link.showError('Give the agenda item a title.');
      this.titleInput.focus();
      return;
    }
    if (Number.isNaN(minutes)) {
      this.link.showError('Planned minutes must be a whole number from 1 to 240.');
      this.minutesInput.focus();
      return;
    }
    const fields = {
      title: this.titleInput.value,
      minutes: this.minutesInput.value,
      details: this.detailsInput.value,
    };
    const sent = this.link.send(
      {
        type: 'agenda_add',
        title,
        ...(details ? { details } : {}),
        ...(minutes !== null ? { planned_minutes: minutes } : {}),
      },
      {
        onError: () => {
          // Give the text back if the form is still empty, so nothing typed is lost.
          if (!this.titleInput.value && !this.detailsInput.value) {
            this.titleInput.value = fields.title;
            this.minutesInput.value = fields.minutes;
            this.detailsInput.value = fields.details;
          }
          return false;
        },
      },
    );
    if (sent === null) return;
    this.form.reset();
    this.titleInput.focus();
  }

  /**
   * @param {string} itemId
   * @param {number} step -1 (up) or 1 (down).
   */
  move(itemId, step) {
    const index = this.agenda.items.findIndex((i) => i.item_id === itemId);
    const to = index + step;
    if (index < 0 || to < 0 || to >= this.agenda.items.length) return;
    this.link.send({ type: 'agenda_move', item_id: itemId, to_index: to });
  }

  /**
   * Marks an item as a next step (or not), or links it to a goal (or none).
   * @param {string} itemId
   * @param {import('./agenda_item.js').LinkFields} fields
   */
  mark(itemId, fields) {
    const view = this.views.get(itemId);
    if (!view) return;
    this.link.send({ type: 'agenda_edit', item_id: itemId, expected_version: view.item.version, ...fields });
  }

  /**
   * Sends an open editor's changes (only the fields the user changed).
   * @param {ItemView} view
   */
  save(view) {
    const draft = view.draft();
    const base = view.base;
    const title = draft.title.trim();
    const minutes = parseMinutes(draft.minutes);
    if (!title) {
      this.link.showError('The title cannot be empty.');
      return;
    }
    if (Number.isNaN(minutes)) {
      this.link.showError('Planned minutes must be a whole number from 1 to 240.');
      return;
    }
    /** @type {import('./protocol.js').AgendaEdit} */
    const edit = { type: 'agenda_edit', item_id: view.item.item_id, expected_version: view.editVersion };
    if (title !== base.title.trim()) edit.title = title;
    if (draft.details.trim() !== base.details.trim()) edit.details = draft.details.trim();
    if (draft.outcome.trim() !== base.outcome.trim()) edit.outcome = draft.outcome.trim();
    if (draft.minutes.trim() !== base.minutes.trim()) {
      if (minutes === null) edit.clear_minutes = true;
      else edit.planned_minutes = minutes;
    }
    if (Object.keys(edit).length === 3) {
      view.closeEditor(true);
      return;
    }
    const itemId = view.item.item_id;
    const sent = this.link.send(edit, { onError: (code, message) => this.editFailed(itemId, draft, base, code, message) });
    if (sent !== null) view.closeEditor(true);
  }

  /**
   * An edit was refused: reopen the editor with what the user typed.
   * @param {string} itemId
   * @param {Draft} draft
   * @param {Draft} base
   * @param {string} code
   * @param {string} message
   * @returns {boolean} True when fully explained here.
   */
  editFailed(itemId, draft, base, code, message) {
    const view = this.views.get(itemId);
    if (!view || code === ErrorCode.NOT_ALLOWED || code === ErrorCode.UNKNOWN_ITEM) return false;
    view.openEditor(draft, base);
    if (code === ErrorCode.STALE_VERSION) return true; // the editor shows the latest values
    this.link.showError(message ? `The change was not saved: ${message}.` : 'The change was not saved.');
    return true;
  }

  /** @returns {Array<{item_id: string, title: string, status: string, version: number}>} */
  snapshot() {
    return this.agenda.items.map((i) => ({ item_id: i.item_id, title: i.title, status: i.status, version: i.version }));
  }
}
