// @ts-check
/**
 * The People tab: everyone present, raised hands first in the order they went up,
 * and (for a mentor) the actions on each person: ask to mute, lower a hand, remove.
 */
import { el, hueFor, icon, initials } from './dom.js';
import { Role } from './protocol.js';
import { publishes } from './tiles.js';

/** @typedef {import('./wire.js').ParticipantInfo} ParticipantInfo */

const ROLE_ORDER = { mentor: 0, mentee: 1, observer: 2 };

/**
 * The raised hands in the order they went up.
 * @param {Iterable<ParticipantInfo>} people
 * @returns {Array<ParticipantInfo>}
 */
export function handQueue(people) {
  return Array.from(people)
    .filter((p) => p.hand_raised_at != null)
    .sort((a, b) => (a.hand_raised_at ?? 0) - (b.hand_raised_at ?? 0));
}

/**
 * What a mentor can do to a person (buttons' callbacks).
 * @typedef {Object} PersonActions
 * @property {(person: ParticipantInfo) => void} askToMute
 * @property {(person: ParticipantInfo) => void} lowerHand
 * @property {(person: ParticipantInfo) => void} remove
 */

/**
 * @param {string} text
 * @param {string} label
 * @param {() => void} onClick
 * @returns {HTMLButtonElement}
 */
function actionButton(text, label, onClick) {
  const button = el('button', { className: 'button small person-action', text, attrs: { type: 'button', 'aria-label': label } });
  button.addEventListener('click', onClick);
  return button;
}

/**
 * @param {ParticipantInfo} person
 * @param {boolean} isSelf
 * @param {number} place 1-based place in the hand queue (0: hand down).
 * @param {PersonActions|null} actions For a mentor viewing someone else.
 * @returns {HTMLLIElement}
 */
function personItem(person, isSelf, place, actions) {
  const name = person.display_name;
  const buttons = [];
  if (actions && !isSelf) {
    if (place > 0) buttons.push(actionButton('Lower hand', `Lower ${name}'s hand`, () => actions.lowerHand(person)));
    if (publishes(person.role) && !person.audio_muted) {
      buttons.push(actionButton('Mute', `Ask ${name} to mute`, () => actions.askToMute(person)));
    }
    if (person.role !== Role.MENTOR) buttons.push(actionButton('Remove', `Remove ${name}`, () => actions.remove(person)));
  }
  const item = el('li', {
    className: 'participant',
    children: [
      el('span', { className: 'participant-avatar', text: initials(name), attrs: { 'aria-hidden': 'true' } }),
      el('span', { className: 'participant-name', text: name }),
      isSelf ? el('span', { className: 'participant-you', text: '(you)' }) : null,
      place > 0
        ? el('span', {
            className: 'participant-hand',
            text: String(place),
            children: [icon('hand')],
            attrs: { role: 'img', 'aria-label': `Hand raised, ${place} in line`, title: `Hand raised (${place} in line)` },
          })
        : null,
      el('span', { className: 'participant-role role-badge', text: person.role, attrs: { 'data-role': person.role } }),
      person.audio_muted && publishes(person.role)
        ? el('span', {
            className: 'participant-muted',
            attrs: { role: 'img', 'aria-label': 'Microphone muted', title: 'Microphone muted' },
            children: [icon('micOff')],
          })
        : null,
      buttons.length > 0 ? el('span', { className: 'person-actions', children: buttons }) : null,
    ],
  });
  item.dataset.participantId = person.participant_id;
  item.dataset.role = person.role;
  if (isSelf) item.dataset.self = 'true';
  if (place > 0) item.dataset.hand = String(place);
  item.style.setProperty('--avatar-hue', String(hueFor(person.participant_id)));
  return item;
}

/**
 * Renders the People tab: raised hands first (in order), then by role and name.
 * @param {HTMLElement} list `#participant-list`.
 * @param {ParticipantInfo|null} self
 * @param {Iterable<ParticipantInfo>} others
 * @param {PersonActions|null} actions Set when the viewer is a mentor.
 */
export function renderParticipantList(list, self, others, actions) {
  const everyone = [...(self ? [self] : []), ...others];
  const queue = handQueue(everyone).map((p) => p.participant_id);
  everyone.sort((a, b) => {
    const handA = queue.indexOf(a.participant_id);
    const handB = queue.indexOf(b.participant_id);
    if (handA !== handB) return (handA < 0 ? 99 : handA) - (handB < 0 ? 99 : handB);
    const byRole =
      (/** @type {Record<string, number>} */ (ROLE_ORDER)[a.role] ?? 9) -
      (/** @type {Record<string, number>} */ (ROLE_ORDER)[b.role] ?? 9);
    return byRole || a.display_name.localeCompare(b.display_name);
  });
  list.replaceChildren(...everyone.map((person) =>
    personItem(person, person.participant_id === self?.participant_id,
      queue.indexOf(person.participant_id) + 1, actions)));
}
