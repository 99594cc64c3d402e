// @ts-check
/**
 * Keyboard shortcuts of the room (as in Google Meet), listed in a help dialog:
 * Ctrl+D microphone, Ctrl+E camera, Ctrl+Alt+H hand, Ctrl+Alt+C chat, Ctrl+Alt+P
 * people, Ctrl+/ (or ? outside a text field) this list. On a Mac, Cmd stands for Ctrl.
 */
import { byId, el } from './dom.js';

/**
 * @typedef {Object} Shortcut
 * @property {string} keys As shown to people.
 * @property {string} what What it does.
 * @property {(event: KeyboardEvent) => boolean} matches
 * @property {() => void} run
 */

/**
 * @param {KeyboardEvent} event
 * @returns {boolean} Ctrl (or Cmd) is held.
 */
function primary(event) {
  return event.ctrlKey || event.metaKey;
}

/**
 * @param {KeyboardEvent} event
 * @returns {boolean} The focus is in a text field (plain keys type there).
 */
function typing(event) {
  const target = event.target;
  return target instanceof HTMLElement
    && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

/**
 * @typedef {Object} ShortcutActions
 * @property {() => boolean} active True while in the call.
 * @property {() => void} mic
 * @property {() => void} camera
 * @property {() => void} hand
 * @property {() => void} chat
 * @property {() => void} people
 */

export class Shortcuts {
  /** @param {ShortcutActions} actions */
  constructor(actions) {
    this.dialog = byId('shortcuts-dialog', HTMLDialogElement);
    /** @type {Array<Shortcut>} */
    this.list = [
      { keys: 'Ctrl + D', what: 'Mute or unmute your microphone', matches: (e) => primary(e) && !e.altKey && e.key.toLowerCase() === 'd', run: actions.mic },
      { keys: 'Ctrl + E', what: 'Turn your camera off or on', matches: (e) => primary(e) && !e.altKey && e.key.toLowerCase() === 'e', run: actions.camera },
      { keys: 'Ctrl + Alt + H', what: 'Raise or lower your hand', matches: (e) => primary(e) && e.altKey && e.code === 'KeyH', run: actions.hand },
      { keys: 'Ctrl + Alt + C', what: 'Open the chat', matches: (e) => primary(e) && e.altKey && e.code === 'KeyC', run: actions.chat },
      { keys: 'Ctrl + Alt + P', what: 'Open the people list', matches: (e) => primary(e) && e.altKey && e.code === 'KeyP', run: actions.people },
      {
        keys: 'Ctrl + /  or  ?', what: 'Show these shortcuts',
        matches: (e) => (primary(e) && e.key === '/') || (e.key === '?' && !typing(e)),
        run: () => this.show(),
      },
    ];
    byId('shortcuts-list').replaceChildren(...this.list.map((shortcut) => el('div', {
      className: 'shortcut',
      children: [el('dt', { children: [el('kbd', { text: shortcut.keys })] }), el('dd', { text: shortcut.what })],
    })));
    byId('shortcuts-close').addEventListener('click', () => this.dialog.close());
    byId('shortcuts-button').addEventListener('click', () => this.show());
    document.addEventListener('keydown', (event) => {
      if (!actions.active() || event.repeat) return;
      const shortcut = this.list.find((s) => s.matches(event));
      if (!shortcut) return;
      event.preventDefault();
      shortcut.run();
    });
  }

  show() {
    if (!this.dialog.open) this.dialog.showModal();
  }
}
