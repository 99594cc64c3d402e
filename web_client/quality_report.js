// @ts-check
/**
 * The `quality_report` the server scores our downlink with: every second while
 * joined (once the receive PeerConnection exists), what arrived on it in that
 * window, from `getStats()`.
 *
 * - packets_received / packets_lost / bytes_received: deltas over the window,
 *   summed over every inbound-rtp stream (a stream's lost delta clamps at 0).
 * - jitter_ms: the largest `jitter` (seconds, as ms) of the streams whose packets
 *   grew in this window and in the one before (a paused stream's jitter is stale
 *   and jumps when it resumes).
 * - rtt_ms: `currentRoundTripTime` of the receive connection's selected pair.
 * - available_outgoing_kbps: `availableOutgoingBitrate` of the publish
 *   connection's selected pair.
 * - device_busy: this computer looked short of CPU in the window: the Compute
 *   Pressure API says "serious" or "critical", the video encoder is limited by CPU
 *   (`qualityLimitationReason` "cpu"), or this report's own timer fired over
 *   BUSY_LATE_MS late while the page was visible (a starved browser's threads all
 *   run late, and its bandwidth estimate falls with no network cause).
 *
 * A new receive PeerConnection (a restart or a rejoin) starts a new baseline.
 */

/** @typedef {import('./protocol.js').QualityReport} QualityReport */

export const REPORT_EVERY_MS = 1000;
const MIN_WINDOW_MS = 200;
const MAX_WINDOW_MS = 60_000;
const MAX_MS = 60_000;
export const BUSY_LATE_MS = 300;

/**
 * What the publish connection's video encoder says: its limitation reason, and the
 * frame rates captured and encoded.
 * @typedef {Object} EncoderState
 * @property {string} reason `qualityLimitationReason` ('' if unknown).
 * @property {number} capturedFps The camera's frames per second (media-source).
 * @property {number} encodedFps Frames per second encoded and sent (outbound-rtp).
 * @property {number} cameraFps The frame rate the camera track is set to (0 if unknown).
 */

/**
 * @param {RTCStatsReport|null} report
 * @param {RTCPeerConnection|null} pc The publish connection (for the camera's settings).
 * @returns {EncoderState}
 */
export function encoderState(report, pc) {
  let cameraFps = 0;
  for (const sender of pc?.getSenders() ?? []) {
    if (sender.track?.kind === 'video') cameraFps = Math.max(cameraFps, sender.track.getSettings().frameRate ?? 0);
  }
  const out = { reason: '', capturedFps: 0, encodedFps: 0, cameraFps: Math.round(cameraFps) };
  report?.forEach((stat) => {
    if (stat.kind !== 'video') return;
    if (stat.type === 'outbound-rtp') {
      out.reason = stat.qualityLimitationReason ?? out.reason;
      out.encodedFps = Math.max(out.encodedFps, stat.framesPerSecond ?? 0);
    }
    if (stat.type === 'media-source') out.capturedFps = Math.max(out.capturedFps, stat.framesPerSecond ?? 0);
  });
  return out;
}

/**
 * Whether capture or encoding looks starved of CPU: the encoder says so, frames arrive
 * from the camera far below its set rate (bandwidth never slows capture), or far
 * fewer are encoded than captured while not limited by bandwidth (a starved
 * browser's reason often stays "none").
 * @param {EncoderState} encoder
 * @returns {boolean}
 */
export function encoderStarved(encoder) {
  if (encoder.reason === 'cpu') return true;
  if (encoder.cameraFps >= 10 && encoder.capturedFps > 0 && encoder.capturedFps < 0.6 * encoder.cameraFps) {
    return true;
  }
  return encoder.reason !== 'bandwidth' && encoder.capturedFps >= 10 && encoder.encodedFps < 0.7 * encoder.capturedFps;
}

/** The Compute Pressure API's last CPU state ('nominal' where unsupported). */
class CpuPressure {
  constructor() {
    this.state = 'nominal';
    /** @type {any} */
    const api = /** @type {any} */ (window).PressureObserver;
    if (typeof api !== 'function') return;
    try {
      const observer = new api((/** @type {any[]} */ records) => {
        const last = records[records.length - 1];
        if (last && typeof last.state === 'string') this.state = last.state;
      });
      observer.observe('cpu', { sampleInterval: REPORT_EVERY_MS }).catch(() => {});
    } catch {
      // not allowed here (permissions policy) or not supported: nominal
    }
  }

  /** @returns {boolean} */
  get busy() {
    return this.state === 'serious' || this.state === 'critical';
  }
}

/**
 * Cumulative counters of one inbound-rtp stream.
 * @typedef {Object} StreamReading
 * @property {number} packets
 * @property {number} lost
 * @property {number} bytes
 * @property {number} jitterMs
 * @property {boolean} grew Its packets grew in the window that ended at this reading.
 */

/**
 * @typedef {Object} Reading
 * @property {RTCPeerConnection} pc
 * @property {number} at When the stats were taken (ms).
 * @property {Map<string, StreamReading>} streams By stats id.
 */

/**
 * What the reporter reads and where it sends.
 * @typedef {Object} ReporterSource
 * @property {() => RTCPeerConnection|null} receivePc
 * @property {() => RTCPeerConnection|null} publishPc
 * @property {(report: QualityReport) => boolean} send True if it went out.
 * @property {(busy: boolean) => void} [busyChanged] Told each report whether this
 *   computer looked short of CPU.
 * @property {() => Record<string, number>} [tileHeights] How tall each remote video
 *   shows (CSS pixels), by participant id: a small tile needs no top layer.
 */

/**
 * The selected candidate pair of a stats report (the transport's selection, else a
 * nominated pair that succeeded).
 * @param {RTCStatsReport} report
 * @returns {any}
 */
export function selectedPair(report) {
  /** @type {any} */
  let nominated = null;
  /** @type {string|undefined} */
  let selectedId;
  report.forEach((stat) => {
    if (stat.type === 'transport' && stat.selectedCandidatePairId) selectedId = stat.selectedCandidatePairId;
    if (stat.type === 'candidate-pair' && stat.nominated && stat.state === 'succeeded' && !nominated) nominated = stat;
  });
  return (selectedId && report.get(selectedId)) || nominated;
}

/**
 * The inbound-rtp counters of a stats report.
 * @param {RTCStatsReport} report
 * @returns {Map<string, {packets: number, lost: number, bytes: number, jitterMs: number}>}
 */
export function inboundCounters(report) {
  const out = new Map();
  report.forEach((stat) => {
    if (stat.type !== 'inbound-rtp') return;
    out.set(stat.id, {
      packets: stat.packetsReceived ?? 0,
      lost: stat.packetsLost ?? 0,
      bytes: stat.bytesReceived ?? 0,
      jitterMs: (stat.jitter ?? 0) * 1000,
    });
  });
  return out;
}

/**
 * Folds one reading into the previous one: the window's deltas and the new reading.
 * @param {Map<string, StreamReading>|null} previous Null for the first reading.
 * @param {Map<string, {packets: number, lost: number, bytes: number, jitterMs: number}>} current
 * @returns {{streams: Map<string, StreamReading>, packets: number, lost: number, bytes: number, jitterMs: number}}
 */
export function foldWindow(previous, current) {
  /** @type {Map<string, StreamReading>} */
  const streams = new Map();
  let packets = 0;
  let lost = 0;
  let bytes = 0;
  let jitterMs = 0;
  for (const [id, now] of current) {
    const before = previous?.get(id);
    const dPackets = Math.max(0, now.packets - (before?.packets ?? 0));
    packets += dPackets;
    lost += Math.max(0, now.lost - (before?.lost ?? 0));
    bytes += Math.max(0, now.bytes - (before?.bytes ?? 0));
    const grew = dPackets > 0;
    if (grew && before?.grew) jitterMs = Math.max(jitterMs, now.jitterMs);
    streams.set(id, { ...now, grew });
  }
  return { streams, packets, lost, bytes, jitterMs };
}

/**
 * When a stats report was taken (its stats' timestamp; every report has at least
 * the peer-connection stats), so that the window is the one the counters cover.
 * @param {RTCStatsReport} report
 * @returns {number} Milliseconds.
 */
function snapshotTime(report) {
  /** @type {number|undefined} */
  let at;
  report.forEach((stat) => {
    if (at === undefined && typeof stat.timestamp === 'number') at = stat.timestamp;
  });
  return at ?? performance.now();
}

/**
 * @param {number} value
 * @param {number} low
 * @param {number} high
 * @returns {number}
 */
function clamp(value, low, high) {
  return Math.min(high, Math.max(low, value));
}

export class QualityReporter {
  /** @param {ReporterSource} source */
  constructor(source) {
    this.source = source;
    this.timer = 0;
    this.busy = false;
    /** @type {Reading|null} */
    this.previous = null;
    /** Reports sent since the page loaded. */
    this.sent = 0;
    /** Whether the latest report said this computer was short of CPU. */
    this.lastBusy = false;
    this.pressure = new CpuPressure();
    /** When the last tick fired (performance.now), 0 before the first. */
    this.lastTick = 0;
    /** The largest lateness of a tick since the last report (ms). */
    this.lateMs = 0;
    /** What the last report's `device_busy` was made of (for the test hook). */
    this.busySignals = {};
  }

  /** Starts reporting every second (restarts if running). */
  start() {
    this.stop();
    this.timer = window.setInterval(() => void this.tick(), REPORT_EVERY_MS);
  }

  /** Stops reporting and forgets the baseline. */
  stop() {
    window.clearInterval(this.timer);
    this.timer = 0;
    this.previous = null;
  }

  /**
   * Whether this computer looked short of CPU in the window.
   * @param {EncoderState} encoder
   * @returns {boolean}
   */
  deviceBusy(encoder) {
    const signals = { pressure: this.pressure.state, lateMs: Math.round(this.lateMs), ...encoder };
    this.busySignals = signals;
    return this.pressure.busy || encoderStarved(encoder) || this.lateMs > BUSY_LATE_MS;
  }

  /** Reads the stats and sends one report (skipped while the last read is pending). */
  async tick() {
    const now = performance.now();
    if (this.lastTick && document.visibilityState === 'visible') {
      this.lateMs = Math.max(this.lateMs, now - this.lastTick - REPORT_EVERY_MS);
    }
    this.lastTick = now;
    const pc = this.source.receivePc();
    if (!pc || pc.connectionState === 'closed') {
      this.previous = null;
      return;
    }
    if (this.busy) return;
    this.busy = true;
    const timer = this.timer;
    try {
      const publishPc = this.source.publishPc();
      const [report, publishStats] = await Promise.all([
        pc.getStats(),
        publishPc && publishPc.connectionState !== 'closed' ? publishPc.getStats() : Promise.resolve(null),
      ]);
      const at = snapshotTime(report);
      if (timer !== this.timer || this.timer === 0) return; // stopped or restarted meanwhile
      const previous = this.previous?.pc === pc ? this.previous : null;
      const window_ms = previous ? Math.round(at - previous.at) : 0;
      if (previous && window_ms < MIN_WINDOW_MS) return;
      const folded = foldWindow(previous?.streams ?? null, inboundCounters(report));
      this.previous = { pc, at, streams: folded.streams };
      if (!previous) return; // the first reading of this connection is the baseline
      const rtt = selectedPair(report)?.currentRoundTripTime;
      const outgoing = publishStats ? selectedPair(publishStats)?.availableOutgoingBitrate : undefined;
      const sent = this.source.send({
        type: 'quality_report',
        window_ms: clamp(window_ms, MIN_WINDOW_MS, MAX_WINDOW_MS),
        packets_received: folded.packets,
        packets_lost: folded.lost,
        bytes_received: folded.bytes,
        jitter_ms: clamp(folded.jitterMs, 0, MAX_MS),
        rtt_ms: typeof rtt === 'number' ? clamp(rtt * 1000, 0, MAX_MS) : null,
        available_outgoing_kbps: typeof outgoing === 'number' ? Math.max(0, outgoing / 1000) : null,
        device_busy: this.lastBusy = this.deviceBusy(encoderState(publishStats, publishPc)),
        tile_heights: this.source.tileHeights?.() ?? {},
      });
      this.lateMs = 0;
      if (sent) this.sent += 1;
      this.source.busyChanged?.(this.lastBusy);
    } catch (error) {
      this.previous = null; // closed while reading: start over
      const state = /** @type {string} */ (pc.connectionState); // it may have closed meanwhile
      if (state !== 'closed') console.warn('[mentor-rooms] quality stats failed', error);
    } finally {
      this.busy = false;
    }
  }
}
