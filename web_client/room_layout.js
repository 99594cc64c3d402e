// @ts-check
/**
 * The room's layout choice: the active speaker large (default in a circle) or a grid
 * of equal tiles, remembered per browser.
 */
import { byId } from './dom.js';

/** @typedef {import('./tile_grid.js').TileGrid} TileGrid */

const LAYOUT_KEY = 'mentorRooms.layout';

/**
 * The speaker/grid choice of a circle, remembered in this browser.
 * @param {TileGrid} grid
 */
export function setupLayoutChoice(grid) {
  const button = byId('layout-button');
  /** @param {'speaker'|'grid'} mode */
  const apply = (mode) => {
    grid.setMode(mode);
    button.setAttribute('aria-pressed', String(mode === 'grid'));
    byId('layout-label').textContent = mode === 'grid' ? 'Speaker view' : 'Grid view';
    button.title = mode === 'grid' ? 'Show the active speaker large' : 'Show everyone alike';
  };
  apply(localStorage.getItem(LAYOUT_KEY) === 'grid' ? 'grid' : 'speaker');
  button.addEventListener('click', () => {
    const mode = grid.mode === 'grid' ? 'speaker' : 'grid';
    localStorage.setItem(LAYOUT_KEY, mode);
    apply(mode);
  });
}

/** The "More" menu (a popover): placed above its button, and says when it is open. */
export function setupMoreMenu() {
  const button = byId('more-button');
  const menu = byId('more-menu');
  menu.addEventListener('toggle', (event) => {
    const open = /** @type {ToggleEvent} */ (event).newState === 'open';
    button.setAttribute('aria-expanded', String(open));
    if (!open) return;
    const at = button.getBoundingClientRect();
    menu.style.left = `${Math.max(8, Math.min(at.left, window.innerWidth - menu.offsetWidth - 8))}px`;
    menu.style.top = `${Math.max(8, at.top - menu.offsetHeight - 8)}px`;
    const first = menu.querySelector('button:not([hidden]), select');
    if (first instanceof HTMLElement) first.focus();
  });
  for (const item of menu.querySelectorAll('button')) {
    item.addEventListener('click', () => menu.hidePopover());
  }
}
