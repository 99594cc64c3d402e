// @ts-check
/**
 * The Timer panel: one countdown everyone sees in step, rendered only from the
 * server's state and the server clock (see clock.js): while running, the time left
 * at server time t is `remaining - (t - since)`. `#timer-display` shows m:ss (h:mm:ss
 * from an hour), "Time's up +m:ss" once at or below zero, and carries `data-state`:
 * idle | running | paused | warning (running, within `warning_seconds` of zero) |
 * expired (running, at or past zero). Only the mentor gets the controls.
 */
import { byId } from './dom.js';
import { Role, TimerAction, TimerStatus } from './protocol.js';
import { announce } from './room_view.js';

/** @typedef {import('./wire.js').TimerInfo} TimerInfo */
/** @typedef {import('./wire.js').AgendaInfo} AgendaInfo */
/** @typedef {import('./board.js').BoardLink} BoardLink */
/** @typedef {import('./board.js').Access} Access */
/** @typedef {'idle'|'running'|'paused'|'warning'|'expired'} DisplayState */

export const DEFAULT_WARNING_SECONDS = 120;
export const MAX_TIMER_MINUTES = 360;

/**
 * @param {number} seconds Whole seconds (negative counts as 0).
 * @returns {string} "m:ss", or "h:mm:ss" from an hour.
 */
export function clockText(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`;
}

/**
 * Milliseconds left at server time `nowMs` (negative: overrun).
 * @param {TimerInfo} timer
 * @param {number} nowMs Server epoch ms.
 * @returns {number}
 */
export function remainingMs(timer, nowMs) {
  const left = timer.remaining * 1000;
  if (timer.status === TimerStatus.RUNNING && timer.since != null) return left - (nowMs - timer.since * 1000);
  return left;
}

/**
 * What the display shows with `ms` left.
 * @param {TimerInfo} timer
 * @param {number} ms
 * @returns {{text: string, state: DisplayState}}
 */
export function timerView(timer, ms) {
  if (timer.status === TimerStatus.IDLE) return { text: clockText(Math.ceil(ms / 1000)), state: 'idle' };
  const paused = timer.status === TimerStatus.PAUSED;
  if (ms <= 0) return { text: `Time's up +${clockText(-ms / 1000)}`, state: paused ? 'paused' : 'expired' };
  const text = clockText(Math.ceil(ms / 1000));
  if (paused) return { text, state: 'paused' };
  const warning = timer.warning_seconds ?? DEFAULT_WARNING_SECONDS;
  return { text, state: ms <= warning * 1000 ? 'warning' : 'running' };
}

/** @type {Record<DisplayState, string>} */
const CAPTIONS = {
  idle: 'Not started',
  running: 'Running',
  paused: 'Paused',
  warning: 'Almost out of time',
  expired: 'Over time',
};

export class TimerPanel {
  /** @param {BoardLink} link */
  constructor(link) {
    this.link = link;
    /** @type {TimerInfo} */
    this.timer = { status: TimerStatus.IDLE, duration: 0, remaining: 0 };
    /** @type {Map<string, string>} Agenda titles by item id (for the caption). */
    this.titles = new Map();
    /** @type {DisplayState|''} */
    this.state = '';
    this.display = byId('timer-display');
    this.caption = byId('timer-caption');
    this.controls = byId('timer-form', HTMLFormElement);
    this.minutesInput = byId('timer-minutes-input', HTMLInputElement);
    this.follow = byId('timer-follow', HTMLInputElement);
    this.controls.addEventListener('submit', (event) => {
      event.preventDefault();
      this.start();
    });
    /** @type {Array<[string, string]>} */
    const buttons = [
      ['timer-pause', TimerAction.PAUSE],
      ['timer-resume', TimerAction.RESUME],
      ['timer-reset', TimerAction.RESET],
      ['timer-add-minute', TimerAction.ADD_MINUTE],
    ];
    for (const [id, action] of buttons) byId(id).addEventListener('click', () => this.control(action));
    this.showButtonsFor(TimerStatus.IDLE);
    this.follow.addEventListener('change', () => {
      this.link.send({ type: 'timer_follow', follow: this.follow.checked }, {
        onError: () => {
          this.follow.checked = Boolean(this.timer.follow_agenda);
          return false;
        },
      });
    });
  }

  /** @param {Access} access */
  setAccess(access) {
    this.controls.hidden = access.role !== Role.MENTOR;
  }

  /** @param {AgendaInfo} agenda */
  setAgenda(agenda) {
    this.titles = new Map(agenda.items.map((i) => [i.item_id, i.title]));
    this.renderCaption();
  }

  /**
   * Shows the timer as the server sent it.
   * @param {TimerInfo} timer
   */
  render(timer) {
    this.timer = timer;
    this.follow.checked = Boolean(timer.follow_agenda);
    this.showButtonsFor(timer.status);
    this.tick();
    this.renderCaption();
  }

  /**
   * Shows only the buttons that make sense now: Start while idle, Pause while
   * running, Resume while paused; Reset and +1 min once it has started.
   * @param {string} status A `TimerStatus` value.
   */
  showButtonsFor(status) {
    const idle = status === TimerStatus.IDLE;
    byId('timer-start').hidden = !idle;
    this.minutesInput.closest('label')?.toggleAttribute('hidden', !idle);
    byId('timer-pause').hidden = status !== TimerStatus.RUNNING;
    byId('timer-resume').hidden = status !== TimerStatus.PAUSED;
    byId('timer-reset').hidden = idle;
    byId('timer-add-minute').hidden = idle;
  }

  /** Recomputes the display from the server clock (every tick). */
  tick() {
    const { text, state } = timerView(this.timer, this.remainingMs());
    if (this.display.textContent !== text) this.display.textContent = text;
    if (state === this.state) return;
    const before = this.state;
    this.state = state;
    this.display.dataset.state = state;
    this.renderCaption();
    if (before && state === 'warning') {
      const minutes = Math.round((this.timer.warning_seconds ?? DEFAULT_WARNING_SECONDS) / 60);
      announce(`Timer: ${minutes} minute${minutes === 1 ? '' : 's'} left.`);
    } else if (before && state === 'expired') {
      announce("Timer: time's up.");
    }
  }

  renderCaption() {
    const parts = [CAPTIONS[this.state || 'idle']];
    const title = this.timer.item_id ? this.titles.get(this.timer.item_id) : undefined;
    if (title && this.timer.status !== TimerStatus.IDLE) parts.push(`for “${title}”`);
    if (this.timer.follow_agenda) parts.push('follows the agenda');
    const text = parts.join(' · ');
    if (this.caption.textContent !== text) this.caption.textContent = text;
  }

  /** @returns {number} Milliseconds left now (server clock). */
  remainingMs() {
    return remainingMs(this.timer, this.link.serverNow());
  }

  start() {
    const typed = this.minutesInput.value.trim();
    if (!typed) {
      if (this.timer.duration >= 1) this.control(TimerAction.START);
      else this.link.showError('Enter how many minutes the timer should run.');
      return;
    }
    const minutes = Number(typed);
    if (!Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_TIMER_MINUTES) {
      this.link.showError(`The timer runs for up to ${MAX_TIMER_MINUTES} minutes; enter a number of minutes.`);
      return;
    }
    this.control(TimerAction.START, Math.max(1, Math.round(minutes * 60)));
  }

  /**
   * @param {string} action A `TimerAction` value.
   * @param {number} [seconds] For `start`: the countdown length.
   */
  control(action, seconds) {
    // protocol.js types enum fields as the enum object, hence the cast of the value.
    const message = { type: /** @type {const} */ ('timer_control'), action: /** @type {any} */ (action) };
    this.link.send(seconds === undefined ? message : { ...message, seconds });
  }

  /** @returns {{status: string, remaining_ms: number, text: string, state: string}} */
  snapshot() {
    return {
      status: this.timer.status,
      remaining_ms: this.remainingMs(),
      text: this.display.textContent ?? '',
      state: this.display.dataset.state ?? '',
    };
  }
}
