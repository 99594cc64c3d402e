// @ts-check
/**
 * Rebuilds the media without reloading when a PeerConnection fails.
 *
 * Every second it looks at the publish and receive PeerConnections. One that is
 * `failed`, or `disconnected` for more than 5 s, starts a recovery: a sticky
 * "Reconnecting media…" notice and a rebuild (both connections replaced, see
 * `RoomMedia.restart`). A rebuild that does not connect within 20 s, or fails
 * again, is retried after 1, 2, 4 and then every 8 s (a network that comes back is
 * found within 8 s). The notice goes once every
 * connection is `connected`; failures count towards the backoff until media has
 * stayed up for 30 s. The room starts it on `joined` and stops it whenever the
 * socket or the session ends (a socket rejoin rebuilds the media anyway).
 */

export const CHECK_EVERY_MS = 1000;
export const DISCONNECTED_GRACE_MS = 5000;
export const ATTEMPT_TIMEOUT_MS = 20_000;
export const STABLE_MS = 30_000;
export const MAX_RETRY_DELAY_MS = 8_000;
export const MEDIA_NOTICE = 'Reconnecting media…';

/**
 * The wait before rebuilding after the `failures`-th failure in a row: at once
 * for the first, then 2, 4, 8 and at most 15 seconds.
 * @param {number} failures
 * @returns {number} Milliseconds.
 */
export function retryDelay(failures) {
  if (failures <= 1) return 0;
  return Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** (failures - 1));
}

/**
 * What recovery needs from the room.
 * @typedef {Object} RecoveryHost
 * @property {() => Array<RTCPeerConnection>} peers The current PeerConnections.
 * @property {() => boolean} active True while joined with an open socket.
 * @property {() => void} rebuild Replaces both PeerConnections.
 * @property {(message: string|null) => void} notify Shows (or, with null, clears) the notice.
 */

export class MediaRecovery {
  /** @param {RecoveryHost} host */
  constructor(host) {
    this.host = host;
    /** @type {'ok'|'waiting'|'attempt'} */
    this.state = 'ok';
    this.failures = 0;
    this.okSince = 0;
    this.attemptAt = 0;
    this.timer = 0;
    this.retryTimer = 0;
    /** Rebuilds so far (for tests and logs). */
    this.rebuilds = 0;
    /** @type {WeakMap<RTCPeerConnection, number>} When each one went `disconnected`. */
    this.disconnectedSince = new WeakMap();
  }

  /** Starts watching (on `joined`). */
  start() {
    this.stop();
    this.okSince = performance.now();
    this.timer = window.setInterval(() => this.tick(), CHECK_EVERY_MS);
  }

  /** Stops watching and cancels a pending rebuild (clears its notice). */
  stop() {
    window.clearInterval(this.timer);
    window.clearTimeout(this.retryTimer);
    this.timer = 0;
    if (this.state !== 'ok') this.host.notify(null);
    this.state = 'ok';
    this.failures = 0;
  }

  /** Rebuilds now (the test hook and a manual retry), outside the backoff. */
  restartNow() {
    if (!this.timer) return;
    this.schedule(0);
  }

  /**
   * True if a connection is gone for good (failed, or disconnected too long).
   * @param {RTCPeerConnection} pc
   * @param {number} now
   * @returns {boolean}
   */
  broken(pc, now) {
    if (pc.connectionState === 'failed') return true;
    if (pc.connectionState !== 'disconnected') {
      this.disconnectedSince.delete(pc);
      return false;
    }
    const since = this.disconnectedSince.get(pc);
    if (since === undefined) {
      this.disconnectedSince.set(pc, now);
      return false;
    }
    return now - since > DISCONNECTED_GRACE_MS;
  }

  tick() {
    if (!this.host.active() || this.state === 'waiting') return;
    const now = performance.now();
    const peers = this.host.peers();
    const broken = peers.some((pc) => this.broken(pc, now));
    if (this.state === 'ok') {
      if (broken) {
        this.failures += 1;
        this.schedule(retryDelay(this.failures));
      } else if (this.failures > 0 && now - this.okSince >= STABLE_MS) {
        this.failures = 0;
      }
      return;
    }
    const connected = peers.every((pc) => pc.connectionState === 'connected');
    if (!broken && connected && (peers.length > 0 || now - this.attemptAt > CHECK_EVERY_MS)) {
      this.state = 'ok';
      this.okSince = now;
      this.host.notify(null);
    } else if (broken || now - this.attemptAt > ATTEMPT_TIMEOUT_MS) {
      this.failures += 1;
      this.schedule(retryDelay(this.failures));
    }
  }

  /** @param {number} delay Milliseconds before the rebuild. */
  schedule(delay) {
    window.clearTimeout(this.retryTimer);
    this.state = 'waiting';
    this.host.notify(MEDIA_NOTICE);
    this.retryTimer = window.setTimeout(() => {
      if (!this.timer) return;
      if (!this.host.active()) {
        this.state = 'ok'; // the socket dropped: a rejoin rebuilds the media
        return;
      }
      this.state = 'attempt';
      this.attemptAt = performance.now();
      this.rebuilds += 1;
      this.host.rebuild();
    }, delay);
  }
}
