// @ts-check
/**
 * The server's clock as this page sees it, so that every page shows the same timer
 * even when its own clock is off.
 *
 * A sample is one ping: `offset = server_time * 1000 - (sent + received) / 2` (local
 * times from `Date.now()`, so a page clock that is minutes off is compensated); the
 * sample with the smallest round trip is the most accurate. On `start` the clock
 * takes a first rough offset from the join snapshot's `server_time`, then sends a
 * burst of pings; it measures again with a fresh burst every 30 s and uses the best
 * sample of the latest burst. A lone ping every 10 s keeps the connection alive (and
 * is used too if its round trip beats the current sample).
 */

/** @typedef {import('./session_client.js').SessionClient} SessionClient */
/** @typedef {import('./wire.js').Pong} Pong */

export const BURST_PINGS = 5;
export const BURST_GAP_MS = 200;
export const REMEASURE_MS = 30_000;
export const KEEPALIVE_MS = 10_000;

/**
 * @typedef {Object} ClockSample
 * @property {number} rtt Round trip (ms).
 * @property {number} offset Server time minus local time (ms).
 */

export class ServerClock {
  /** @param {() => number} [localNow] Local epoch ms (default `Date.now()`). */
  constructor(localNow = () => Date.now()) {
    this.localNow = localNow;
    /** Server time minus local time (ms). */
    this.offsetMs = 0;
    /** @type {ClockSample|null} The sample in use. */
    this.best = null;
    /** @type {ClockSample|null} Best sample of the burst in progress. */
    this.burstBest = null;
    /** @type {Set<string>} Request ids of the burst in progress still unanswered. */
    this.burstIds = new Set();
    /** @type {Map<string, number>} Local send time of each unanswered ping, by id. */
    this.sent = new Map();
    /** @type {SessionClient|null} */
    this.client = null;
    /** @type {number[]} */
    this.intervals = [];
    /** @type {number[]} */
    this.timeouts = [];
  }

  /** @returns {number} Server epoch milliseconds now. */
  now() {
    return this.localNow() + this.offsetMs;
  }

  /**
   * Uses a new connection (call before it opens; pongs of others are ignored).
   * @param {SessionClient} client
   */
  attach(client) {
    this.client = client;
    this.sent.clear();
    this.burstIds.clear();
    client.on('pong', (msg) => this.onPong(client, msg));
  }

  /**
   * Starts measuring (after `joined`).
   * @param {number} [serverTime] The snapshot's `server_time` (epoch seconds).
   */
  start(serverTime) {
    this.stop();
    if (typeof serverTime === 'number' && Number.isFinite(serverTime) && serverTime > 0) {
      this.offsetMs = serverTime * 1000 - this.localNow(); // rough until the first pong
    }
    this.best = null;
    this.burst();
    this.intervals.push(
      window.setInterval(() => this.ping(), KEEPALIVE_MS),
      window.setInterval(() => this.burst(), REMEASURE_MS),
    );
  }

  /** Stops pinging (the offset is kept). */
  stop() {
    for (const id of this.intervals) window.clearInterval(id);
    for (const id of this.timeouts) window.clearTimeout(id);
    this.intervals = [];
    this.timeouts = [];
    this.sent.clear();
    this.burstIds.clear();
  }

  /** Sends `BURST_PINGS` pings `BURST_GAP_MS` apart. */
  burst() {
    for (const id of this.timeouts) window.clearTimeout(id);
    this.timeouts = [];
    this.burstIds.clear();
    this.burstBest = null;
    for (let i = 0; i < BURST_PINGS; i += 1) {
      const fire = () => {
        const id = this.ping();
        if (id !== null) this.burstIds.add(id);
      };
      if (i === 0) fire();
      else this.timeouts.push(window.setTimeout(fire, i * BURST_GAP_MS));
    }
  }

  /** @returns {string|null} The ping's request id (null when not connected). */
  ping() {
    const client = this.client;
    if (!client?.isOpen) return null;
    const sentAt = this.localNow();
    const id = client.send({ type: 'ping' });
    if (id !== null) this.sent.set(id, sentAt);
    return id;
  }

  /**
   * @param {SessionClient} client The connection the pong came on.
   * @param {Pong} msg
   */
  onPong(client, msg) {
    if (client !== this.client || msg.re == null) return;
    const sentAt = this.sent.get(msg.re);
    if (sentAt === undefined || typeof msg.server_time !== 'number') return;
    this.sent.delete(msg.re);
    const received = this.localNow();
    /** @type {ClockSample} */
    const sample = {
      rtt: Math.max(0, received - sentAt),
      offset: msg.server_time * 1000 - (sentAt + received) / 2,
    };
    if (this.burstIds.delete(msg.re)) {
      if (!this.burstBest || sample.rtt < this.burstBest.rtt) this.burstBest = sample;
      if (this.burstIds.size === 0 || !this.best) this.use(this.burstBest);
    } else if (this.best && sample.rtt < this.best.rtt) {
      this.use(sample);
    }
  }

  /** @param {ClockSample} sample */
  use(sample) {
    this.best = sample;
    this.offsetMs = sample.offset;
  }
}
