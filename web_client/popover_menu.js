// @ts-check
/**
 * A small menu in a native popover (`popover` attribute): opened by its button,
 * placed next to it inside the window, focus on its first item, closed by Escape, a
 * click outside, a click on one of its buttons or a choice in one of its selects.
 */

/**
 * Wires `menu` (an element with the `popover` attribute) to `button`.
 * @param {HTMLButtonElement} button Gets `popovertarget`, `aria-haspopup`, `aria-expanded`.
 * @param {HTMLElement} menu
 */
export function attachMenu(button, menu) {
  if (!menu.id) menu.id = `menu-${Math.random().toString(36).slice(2)}`;
  button.setAttribute('popovertarget', menu.id);
  button.setAttribute('aria-haspopup', 'true');
  button.setAttribute('aria-expanded', 'false');
  menu.addEventListener('toggle', (event) => {
    const open = /** @type {ToggleEvent} */ (event).newState === 'open';
    button.setAttribute('aria-expanded', String(open));
    if (!open) return;
    const at = button.getBoundingClientRect();
    const below = at.bottom + menu.offsetHeight + 8 <= window.innerHeight;
    menu.style.left = `${Math.max(8, Math.min(at.left, window.innerWidth - menu.offsetWidth - 8))}px`;
    menu.style.top = `${below ? at.bottom + 4 : Math.max(8, at.top - menu.offsetHeight - 8)}px`;
    const first = menu.querySelector('button:not([hidden]):not(:disabled), select');
    if (first instanceof HTMLElement) first.focus();
  });
  menu.addEventListener('click', (event) => {
    if (event.target instanceof Element && event.target.closest('button')) menu.hidePopover();
  });
  menu.addEventListener('change', () => menu.hidePopover()); // a choice made in a select
}
