// @ts-check
/**
 * The room's layout choice: the active speaker large (default in a circle) or a grid
 * of equal tiles, remembered per browser.
 */
import { byId, setIcon } from './dom.js';
import { setupPanes } from './panes.js';
import { hideNotice } from './room_view.js';
import { attachMenu } from './popover_menu.js';

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

/** The "More" menu of the call controls. */
export function setupMoreMenu() {
  attachMenu(byId('more-button', HTMLButtonElement), byId('more-menu'));
}

/**
 * The room page's fixed parts: control icons, the More menu, foldable panes, the
 * layout choice, reload buttons, the notice's close and autoplay retries.
 * @param {TileGrid} grid
 */
export function setupRoomChrome(grid) {
  byId('error-action').addEventListener('click', () => window.location.reload());
  byId('rejoin-button').addEventListener('click', () => window.location.reload());
  byId('notice-close').addEventListener('click', () => hideNotice());
  setIcon(byId('leave-button'), 'leave');
  setIcon(byId('raise-hand'), 'hand');
  setIcon(byId('more-button'), 'more');
  setIcon(byId('share-screen-button'), 'share');
  setupMoreMenu();
  setupPanes(['timer-panel', 'agenda-panel', 'goals-panel']);
  setupLayoutChoice(grid);
  document.addEventListener('pointerdown', () => grid.playAll());
}
