// @ts-check
/**
 * The home page (/me): who is signed in, their upcoming sessions (Join turns live 10 min
 * before), messages per pair, goals, progress charts, past sessions and, for a mentor or
 * an admin, their mentees. `?person_id=` shows a mentee's home (their mentor or an
 * admin). Nobody signed in: a plain hint to open the personal sign-in link.
 */

import { ApiError } from './api.js';
import { byId, roleLabel } from './dom.js';
import { showProgress } from './me_charts.js';
import { showGoals } from './me_goals.js';
import { showMentor } from './me_mentor.js';
import { showMessages } from './me_messages.js';
import { showPast, showUpcoming } from './me_sessions.js';
import { programFetch } from './program_api.js';

/** @typedef {import('./me_types.js').Home} Home */

/** @param {Home} home */
function render(home) {
  const { person, viewer } = home;
  byId('me-content').hidden = false;
  byId('me-heading').textContent = viewer.is_self ? `Hello, ${person.name}` : `${person.name}'s mentoring`;
  const viewing = byId('me-viewing');
  viewing.hidden = viewer.is_self;
  viewing.textContent = viewer.is_self ? '' : `You are viewing ${person.name}'s home page.`;
  showUpcoming(byId('me-upcoming'), byId('me-upcoming-empty'), home.upcoming, viewer.is_self);
  showMessages(byId('me-messages'), byId('me-messages-empty'), home.pairs, viewer.person_id, viewer.is_self);
  showGoals(home.goals, home.pairs, true, () => void load());
  showProgress(home.progress);
  showPast(byId('me-past'), byId('me-past-empty'), home.past);
  const manages = viewer.is_self && (person.role === 'mentor' || person.role === 'admin');
  byId('mentees-heading').textContent = person.role === 'admin' ? 'Everyone' : 'My mentees';
  if (manages) showMentor(home.mentees, person.person_id, () => void load());
  else byId('me-mentor').hidden = true;
}

/**
 * Shows the signed-in person in the header.
 * @param {{name: string, role: string}} me
 */
function header(me) {
  byId('me-name').textContent = me.name;
  const role = byId('me-role');
  role.textContent = roleLabel(me.role);
  role.hidden = false;
  byId('me-signout').hidden = false;
}

async function load() {
  const error = byId('me-error');
  error.hidden = true;
  const wanted = new URLSearchParams(window.location.search).get('person_id');
  try {
    const me = await programFetch('GET', '/api/me/person');
    header(me);
    const url = wanted ? `/api/me/home?person_id=${encodeURIComponent(wanted)}` : '/api/me/home';
    render(/** @type {Home} */ (await programFetch('GET', url)));
  } catch (problem) {
    if (problem instanceof ApiError && problem.status === 401) {
      byId('me-signed-out').hidden = false;
      byId('me-content').hidden = true;
      return;
    }
    error.textContent = problem instanceof Error ? problem.message : 'Could not load your page.';
    error.hidden = false;
  }
}

function main() {
  byId('me-signout').addEventListener('click', async () => {
    try {
      await programFetch('POST', '/api/signout');
    } finally {
      window.location.assign('/me');
    }
  });
  void load();
}

main();
