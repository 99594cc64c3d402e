// @ts-check
/**
 * Automatic rejoin after the signaling socket drops while in a session.
 *
 * Only a drop counts (1006 abnormal closure, 1001 going away, 1011 server error, 1012
 * service restart, as uvicorn closes sockets when it restarts, 1013 try again later;
 * not a 44xx refusal, not a close this page asked for). The `Reconnector` then calls
 * `attempt` after 0.5 s, and after every failed attempt waits twice as long (at most
 * 5 s) before the next; an attempt that neither joins nor fails within 10 s is
 * abandoned. After about a minute without success it calls `giveUp`. A sticky notice
 * says "Reconnecting…" meanwhile. The room owns
 * the connection itself: it reports each failure with `retry()` and the rejoin with
 * `succeeded()`.
 */

import { hideNotice, showNotice } from './room_view.js';

/** @typedef {import('./session_client.js').CloseInfo} CloseInfo */

export const FIRST_DELAY_MS = 500;
export const MAX_DELAY_MS = 5000;
export const GIVE_UP_MS = 60_000;
export const ATTEMPT_TIMEOUT_MS = 10_000;

/** Close codes of a connection that dropped (rather than one that was closed on us). */
const DROP_CODES = new Set([1001, 1006, 1011, 1012, 1013]);

/**
 * True if a close of a joined socket is worth rejoining after.
 * @param {CloseInfo} info
 * @returns {boolean}
 */
export function isDrop(info) {
  return !info.byClient && !info.refused && DROP_CODES.has(info.code);
}

/**
 * The wait before attempt number `failures` (0 for the first).
 * @param {number} failures
 * @returns {number} Milliseconds.
 */
export function backoffDelay(failures) {
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failures));
}

/**
 * @typedef {Object} ReconnectActions
 * @property {() => void} attempt Open a new socket and send `join`.
 * @property {() => void} abandon Close the socket of an attempt that hangs.
 * @property {() => void} giveUp Stop trying and tell the user.
 */

export class Reconnector {
  /** @param {ReconnectActions} actions */
  constructor(actions) {
    this.actions = actions;
    this.active = false;
    this.failures = 0;
    this.deadline = 0;
    this.timer = 0;
    this.watchdog = 0;
    /** Successful automatic rejoins so far. */
    this.count = 0;
  }

  /** Starts trying to rejoin (the connection just dropped). */
  begin() {
    this.cancel();
    showNotice('Connection lost. Reconnecting…', { sticky: true });
    this.active = true;
    this.failures = 0;
    this.deadline = performance.now() + GIVE_UP_MS;
    this.schedule();
  }

  /** The latest attempt failed: try again later, or give up. */
  retry() {
    if (!this.active) return;
    window.clearTimeout(this.watchdog);
    window.clearTimeout(this.timer);
    this.failures += 1;
    if (performance.now() + backoffDelay(this.failures) > this.deadline) {
      this.cancel();
      this.actions.giveUp();
      return;
    }
    this.schedule();
  }

  /** The room is joined again. */
  succeeded() {
    if (!this.active) return;
    this.cancel();
    hideNotice();
    this.count += 1;
  }

  /** Stops trying (left, failed for another reason, or rejoined). */
  cancel() {
    this.active = false;
    window.clearTimeout(this.timer);
    window.clearTimeout(this.watchdog);
  }

  schedule() {
    this.timer = window.setTimeout(() => {
      if (!this.active) return;
      this.watchdog = window.setTimeout(() => {
        if (!this.active) return;
        this.actions.abandon();
        this.retry();
      }, ATTEMPT_TIMEOUT_MS);
      this.actions.attempt();
    }, backoffDelay(this.failures));
  }
}
