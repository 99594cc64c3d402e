// @ts-check
/**
 * The call's own actions on the room page: raise or lower one's hand, a mentor's
 * controls (ask to mute, lower a hand, remove with a reason, end for everyone), being
 * asked to mute, and leaving with a confirmation (as in Meet, a mentor may end the
 * session for everyone from there).
 */
import { byId } from './dom.js';
import { Role } from './protocol.js';
import { handQueue } from './people_list.js';

/** @typedef {import('./wire.js').ParticipantInfo} ParticipantInfo */
/** @typedef {import('./people_list.js').PersonActions} PersonActions */

/**
 * What the actions need from the room.
 * @typedef {Object} CallDeps
 * @property {(message: Record<string, unknown>) => void} send
 * @property {() => ParticipantInfo|null} self
 * @property {() => Iterable<ParticipantInfo>} others
 * @property {(message: string) => void} notify A visible notice.
 * @property {(message: string) => void} announce For screen readers.
 * @property {() => void} muteSelf Mutes our microphone (if it is on).
 * @property {() => void} leave Leaves (already confirmed).
 */

export class CallActions {
  /** @param {CallDeps} deps */
  constructor(deps) {
    this.deps = deps;
    this.handButton = byId('raise-hand', HTMLButtonElement);
    this.leaveDialog = byId('leave-dialog', HTMLDialogElement);
    this.removeDialog = byId('remove-dialog', HTMLDialogElement);
    this.reasonInput = byId('remove-reason', HTMLInputElement);
    /** @type {ParticipantInfo|null} Whom the remove dialog is about. */
    this.removing = null;
    /** @type {PersonActions} For the People tab (mentors only). */
    this.personActions = {
      askToMute: (person) => {
        deps.send({ type: 'ask_to_mute', participant_id: person.participant_id });
        deps.announce(`Asked ${person.display_name} to mute.`);
      },
      lowerHand: (person) => deps.send({ type: 'lower_hand', participant_id: person.participant_id }),
      remove: (person) => this.askRemove(person),
    };
    this.handButton.addEventListener('click', () => this.toggleHand());
    byId('leave-button').addEventListener('click', () => this.askLeave());
    byId('leave-confirm').addEventListener('click', () => { this.leaveDialog.close(); deps.leave(); });
    byId('end-for-all').addEventListener('click', () => this.endForAll());
    byId('leave-cancel').addEventListener('click', () => this.leaveDialog.close());
    byId('remove-cancel').addEventListener('click', () => this.removeDialog.close());
    byId('remove-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.confirmRemove();
    });
  }

  /** @returns {boolean} True when we are a mentor. */
  get isMentor() {
    return this.deps.self()?.role === Role.MENTOR;
  }

  /** @returns {PersonActions|null} The People tab's actions (mentors only). */
  actions() {
    return this.isMentor ? this.personActions : null;
  }

  /** Raises or lowers our own hand. */
  toggleHand() {
    const self = this.deps.self();
    if (!self) return;
    this.deps.send({ type: 'raise_hand', raised: self.hand_raised_at == null });
  }

  /** Shows our hand's state on the control (after any update of us). */
  refresh() {
    const raised = this.deps.self()?.hand_raised_at != null;
    this.handButton.setAttribute('aria-pressed', String(raised));
    this.handButton.toggleAttribute('data-on', raised);
    byId('raise-hand-label').textContent = raised ? 'Lower hand' : 'Raise hand';
    const queue = handQueue([...(this.deps.self() ? [/** @type {ParticipantInfo} */ (this.deps.self())] : []),
      ...this.deps.others()]);
    const badge = byId('hand-count');
    badge.textContent = String(queue.length);
    badge.hidden = queue.length === 0;
  }

  /**
   * Someone's update arrived: announce a hand that went up or down.
   * @param {ParticipantInfo|undefined} before
   * @param {ParticipantInfo} after
   * @param {boolean} isSelf
   */
  updated(before, after, isSelf) {
    const was = before?.hand_raised_at != null;
    const is = after.hand_raised_at != null;
    if (was === is || !before) return;
    const who = isSelf ? 'You' : after.display_name;
    if (is) {
      const place = handQueue([after, ...this.deps.others()]).findIndex((p) => p.participant_id === after.participant_id) + 1;
      this.deps.announce(`${who} raised ${isSelf ? 'your' : 'their'} hand${place > 1 ? `, ${place} in line` : ''}.`);
      if (this.isMentor && !isSelf) this.deps.notify(`${after.display_name} raised their hand.`);
    } else {
      this.deps.announce(`${who} lowered ${isSelf ? 'your' : 'their'} hand.`);
      if (isSelf && !this.handLoweredByMe) this.deps.notify('Your hand was lowered.');
    }
    this.handLoweredByMe = false;
  }

  /**
   * A mentor asked us to mute: the microphone is muted, and we say who asked.
   * @param {import('./wire.js').MuteRequested} msg
   */
  muteRequested(msg) {
    this.deps.muteSelf();
    this.deps.notify(`${msg.by_name} muted your microphone. You can unmute yourself.`);
  }

  /** Opens the leave confirmation (with "End for everyone" for a mentor). */
  askLeave() {
    byId('end-for-all').hidden = !this.isMentor;
    this.leaveDialog.showModal();
    byId('leave-confirm').focus();
  }

  endForAll() {
    const button = byId('end-for-all', HTMLButtonElement);
    button.disabled = true;
    button.textContent = 'Ending…';
    this.deps.send({ type: 'end_session' });
  }

  /** @param {ParticipantInfo} person */
  askRemove(person) {
    this.removing = person;
    byId('remove-heading').textContent = `Remove ${person.display_name}?`;
    this.reasonInput.value = '';
    this.removeDialog.showModal();
    this.reasonInput.focus();
  }

  confirmRemove() {
    const person = this.removing;
    this.removeDialog.close();
    if (!person) return;
    this.deps.send({
      type: 'remove_participant', participant_id: person.participant_id, reason: this.reasonInput.value.trim(),
    });
    this.deps.announce(`Removing ${person.display_name}.`);
    this.removing = null;
  }

  /** Closes any open dialog (the call ended). */
  closeDialogs() {
    for (const dialog of [this.leaveDialog, this.removeDialog]) if (dialog.open) dialog.close();
  }
}
