// @ts-check
/**
 * The home page's goals: each with its status, a progress bar and (for the people of its
 * pair) a small form to change status and progress (PATCH /api/goals/{id}, with the
 * version seen, so a stale change is refused); and the "Add a goal" form
 * (POST /api/pairs/{id}/goals). All text via textContent.
 */

import { byId, el } from './dom.js';
import { GOAL_STATUSES, statusLabel } from './me_types.js';
import { programFetch } from './program_api.js';

/** @typedef {import('./me_types.js').HomeGoal} HomeGoal */
/** @typedef {import('./me_types.js').HomePair} HomePair */

/**
 * @param {HTMLElement} box
 * @param {unknown} problem
 */
function fail(box, problem) {
  box.textContent = problem instanceof Error ? problem.message : 'That did not work.';
  box.hidden = false;
}

/**
 * One goal, with its edit form.
 * @param {HomeGoal} goal
 * @param {boolean} editable
 * @param {() => void} reload
 * @returns {HTMLLIElement}
 */
function goalItem(goal, editable, reload) {
  const status = el('select', { attrs: { 'aria-label': `Status of ${goal.title}` } });
  for (const [key, label] of GOAL_STATUSES) status.append(new Option(label, key, false, key === goal.status));
  const progress = el('input', { attrs: { type: 'number', min: '0', max: '100', step: '5', value: String(goal.progress), 'aria-label': `Progress of ${goal.title} in percent` } });
  const error = el('p', { className: 'inline-error', attrs: { role: 'alert' } });
  error.hidden = true;
  const form = el('form', {
    className: 'goal-edit',
    children: [status, progress, el('span', { text: '%' }), el('button', { className: 'button small', text: 'Save', attrs: { type: 'submit' } }), error],
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    /** @type {Record<string, unknown>} */
    const body = { version: goal.version };
    if (status.value !== goal.status) body.status = status.value;
    if (Number(progress.value) !== goal.progress) body.progress = Number(progress.value);
    try {
      await programFetch('PATCH', `/api/goals/${encodeURIComponent(goal.goal_id)}`, body);
      reload();
    } catch (problem) {
      fail(error, problem);
    }
  });
  const bar = el('progress', { attrs: { max: '100', value: String(goal.progress), 'aria-label': `${goal.title}: ${goal.progress} %` } });
  return el('li', {
    className: 'me-item goal-item',
    children: [
      el('div', {
        className: 'me-item-main',
        children: [
          el('strong', { text: goal.title }),
          el('span', { className: `goal-status status-${goal.status}`, text: statusLabel(goal.status) }),
          el('span', { className: 'muted', text: `${goal.mentee_name ? `${goal.mentee_name} · ` : ''}by ${goal.target_date}` }),
        ],
      }),
      goal.measure ? el('p', { className: 'muted small', text: `Measured by: ${goal.measure}` }) : null,
      el('div', { className: 'goal-progress', children: [bar, el('span', { text: `${goal.progress} %` })] }),
      editable ? form : null,
    ],
  });
}

/**
 * Renders the goals and sets up the add form for the pairs the viewer belongs to.
 * @param {Array<HomeGoal>} goals
 * @param {Array<HomePair>} pairs
 * @param {boolean} editable Whether the viewer may change them (a member or their mentor).
 * @param {() => void} reload Reloads the home page's data.
 */
export function showGoals(goals, pairs, editable, reload) {
  byId('me-goals').replaceChildren(...goals.map((g) => goalItem(g, editable, reload)));
  byId('me-goals-empty').hidden = goals.length > 0;
  const form = byId('goal-form', HTMLFormElement);
  form.hidden = !editable || pairs.length === 0;
  const pairSelect = byId('goal-pair', HTMLSelectElement);
  pairSelect.replaceChildren(...pairs.map((p) => new Option(p.title, p.pair_id)));
  const menteeSelect = byId('goal-mentee', HTMLSelectElement);
  const fillMentees = () => {
    const pair = pairs.find((p) => p.pair_id === pairSelect.value);
    menteeSelect.replaceChildren(...(pair?.mentees ?? []).map((m) => new Option(m.name, m.person_id)));
    byId('goal-mentee-field').hidden = (pair?.mentees.length ?? 0) < 2;
  };
  pairSelect.onchange = fillMentees;
  fillMentees();
  form.onsubmit = async (event) => {
    event.preventDefault();
    const error = byId('goal-error');
    error.hidden = true;
    if (!form.reportValidity()) return;
    try {
      await programFetch('POST', `/api/pairs/${encodeURIComponent(pairSelect.value)}/goals`, {
        mentee_id: menteeSelect.value || undefined,
        title: byId('goal-title', HTMLInputElement).value.trim(),
        measure: byId('goal-measure', HTMLInputElement).value.trim(),
        target_date: byId('goal-target', HTMLInputElement).value,
      });
      form.reset();
      reload();
    } catch (problem) {
      fail(error, problem);
    }
  };
}
