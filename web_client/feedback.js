// @ts-check
/**
 * The optional feedback form shown after leaving: a 1–5 rating and a comment,
 * sent with the person's invite token (sending again replaces it).
 */

import { byId } from './dom.js';

/**
 * Wires the feedback form.
 * @param {() => string} sessionId
 * @param {() => string} token
 */
export function setupFeedback(sessionId, token) {
  const form = /** @type {HTMLFormElement} */ (byId('feedback-form'));
  const status = byId('feedback-status');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const choice = /** @type {HTMLInputElement|null} */ (form.querySelector('input[name="rating"]:checked'));
    if (!choice) {
      status.textContent = 'Please choose a rating from 1 to 5.';
      return;
    }
    const comment = /** @type {HTMLTextAreaElement} */ (byId('feedback-comment')).value.trim();
    status.textContent = 'Sending…';
    try {
      const response = await fetch(`/api/sessions/${encodeURIComponent(sessionId())}/feedback`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token()}` },
        body: JSON.stringify({ rating: Number(choice.value), comment }),
      });
      status.textContent = response.ok ? 'Thank you for your feedback.' : 'Your feedback could not be saved.';
    } catch {
      status.textContent = 'Your feedback could not be sent. Check your connection and try again.';
    }
  });
}
