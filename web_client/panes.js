// @ts-check
/**
 * The board's panes (timer, agenda) collapse to their heading (the timer keeps its
 * readout) and open again from a button in it; the choice is remembered per browser.
 * Collapsed panes give the chat, notes and people their room.
 */
import { byId, el } from './dom.js';

const KEY = 'mentorRooms.collapsed';

/**
 * @param {Array<string>} ids
 * @returns {Set<string>} Ids of the panes collapsed in this browser (on a phone, all of
 *   them until the person opens one: the chat and notes come first there).
 */
function remembered(ids) {
  const stored = localStorage.getItem(KEY);
  if (stored === null && window.matchMedia('(max-width: 800px)').matches) return new Set(ids);
  try {
    const value = JSON.parse(stored ?? '[]');
    return new Set(Array.isArray(value) ? value.filter((v) => typeof v === 'string') : []);
  } catch {
    return new Set();
  }
}

/**
 * Adds a collapse button to each pane's heading.
 * @param {Array<string>} ids Pane (section) ids, each with an `h2` heading.
 */
export function setupPanes(ids) {
  const collapsed = remembered(ids);
  for (const id of ids) {
    const pane = byId(id);
    const heading = pane.querySelector('h2');
    if (!heading) continue;
    const name = heading.textContent ?? '';
    const button = el('button', {
      className: 'pane-toggle',
      attrs: { type: 'button', 'aria-expanded': 'true', 'aria-label': `Hide the ${name.toLowerCase()}` },
      children: [el('span', { className: 'pane-chevron', attrs: { 'aria-hidden': 'true' } })],
    });
    /** @param {boolean} closed */
    const apply = (closed) => {
      pane.toggleAttribute('data-collapsed', closed);
      button.setAttribute('aria-expanded', String(!closed));
      button.setAttribute('aria-label', `${closed ? 'Show' : 'Hide'} the ${name.toLowerCase()}`);
    };
    button.addEventListener('click', () => {
      const closed = !pane.hasAttribute('data-collapsed');
      apply(closed);
      if (closed) collapsed.add(id);
      else collapsed.delete(id);
      localStorage.setItem(KEY, JSON.stringify(Array.from(collapsed)));
    });
    heading.after(button);
    apply(collapsed.has(id));
  }
}
