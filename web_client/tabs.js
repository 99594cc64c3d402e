// @ts-check
/**
 * Accessible tabs (WAI-ARIA tabs pattern): buttons with role="tab" in a tablist,
 * each controlling one role="tabpanel". The selected tab is the only one in the Tab
 * order; arrow keys, Home and End move between tabs. Hidden panels stay in the DOM.
 */
import { byId } from './dom.js';

export class Tabs {
  /**
   * @param {Record<string, {tab: string, panel: string}>} tabs Ids by tab name.
   * @param {string} initial Name of the tab shown first.
   * @param {(name: string) => void} [onChange] Called after another tab is shown.
   */
  constructor(tabs, initial, onChange) {
    this.names = Object.keys(tabs);
    /** @type {Map<string, {tab: HTMLButtonElement, panel: HTMLElement}>} */
    this.parts = new Map();
    this.onChange = onChange;
    this.current = '';
    for (const [name, ids] of Object.entries(tabs)) {
      const tab = byId(ids.tab, HTMLButtonElement);
      const panel = byId(ids.panel);
      this.parts.set(name, { tab, panel });
      tab.addEventListener('click', () => this.select(name));
      tab.addEventListener('keydown', (event) => this.onKey(event, name));
    }
    this.select(initial);
  }

  /**
   * Shows one tab's panel.
   * @param {string} name
   * @param {{focus?: boolean}} [options]
   */
  select(name, options = {}) {
    if (!this.parts.has(name)) return;
    const changed = name !== this.current;
    this.current = name;
    for (const [other, { tab, panel }] of this.parts) {
      const selected = other === name;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      panel.hidden = !selected;
    }
    if (options.focus) this.parts.get(name)?.tab.focus();
    if (changed) this.onChange?.(name);
  }

  /**
   * @param {KeyboardEvent} event
   * @param {string} name The focused tab.
   */
  onKey(event, name) {
    const index = this.names.indexOf(name);
    const last = this.names.length - 1;
    let next = -1;
    if (event.key === 'ArrowRight') next = index === last ? 0 : index + 1;
    else if (event.key === 'ArrowLeft') next = index === 0 ? last : index - 1;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = last;
    if (next < 0) return;
    event.preventDefault();
    this.select(this.names[next], { focus: true });
  }
}
