// @ts-check
/**
 * WebRTC for the room: the local camera/microphone, the send PeerConnection
 * (publish) and the receive PeerConnection (subscribe), both negotiated with the
 * server's aiortc relay. The server takes no trickled candidates, so every
 * description is sent once ICE gathering has completed.
 */

/** @typedef {import('./protocol.js').IceServerInfo} IceServerInfo */
/** @typedef {import('./protocol.js').CodecInfo} CodecInfo */
/** @typedef {import('./wire.js').SubscribeOffer} SubscribeOffer */
/** @typedef {import('./wire.js').TrackInfo} TrackInfo */

/** How long to wait for ICE gathering before sending what we have. */
export const ICE_GATHERING_TIMEOUT_MS = 5000;

/** Constraints of the local camera and microphone. */
export const MEDIA_CONSTRAINTS = Object.freeze({
  audio: true,
  video: { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 30 } },
});

/**
 * The camera's simulcast layers, highest first (a server that refuses simulcast
 * gets the first): 640x480 and 320x240, each with three temporal layers (full,
 * half and quarter frame rate), so the relay picks per viewer without transcoding.
 * (Chrome sends at most two simulcast layers of a 640x480 camera.)
 */
export const CAMERA_LAYERS = Object.freeze([
  { rid: 'f', maxBitrate: 900_000, scalabilityMode: 'L1T3' },
  { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 300_000, scalabilityMode: 'L1T3' },
]);

/** Raised when the browser cannot use the session's pinned codec. */
export class CodecError extends Error {
  /** @param {string} codec e.g. "video/VP8". */
  constructor(codec) {
    super("Your browser cannot use the session's codec");
    this.name = 'CodecError';
    this.codec = codec;
  }
}

/**
 * The RTCPeerConnection configuration for the session's ICE servers.
 * @param {Array<IceServerInfo>} iceServers From `joined.ice_servers`.
 * @param {boolean} [relayOnly] Only use TURN relays (`?relay` in the page URL: for
 *   networks that block direct UDP, and to check a TURN setup).
 * @returns {RTCConfiguration}
 */
export function peerConfig(iceServers, relayOnly = false) {
  return {
    iceTransportPolicy: relayOnly ? 'relay' : 'all',
    iceServers: iceServers.map((server) => {
      /** @type {RTCIceServer} */
      const entry = { urls: server.urls };
      if (server.username) entry.username = server.username;
      if (server.credential) entry.credential = server.credential;
      return entry;
    }),
    bundlePolicy: 'max-bundle',
  };
}

/**
 * Resolves when ICE gathering of `pc` is complete, or after a timeout.
 * @param {RTCPeerConnection} pc
 * @param {number} [timeoutMs]
 * @returns {Promise<void>}
 */
export function waitForIceGathering(pc, timeoutMs = ICE_GATHERING_TIMEOUT_MS) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', onChange);
      resolve();
    };
    const onChange = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', onChange);
  });
}

/**
 * Restricts a transceiver to the session's codec (plus RTX for video), where the
 * browser supports `setCodecPreferences`.
 * @param {RTCRtpTransceiver} transceiver
 * @param {'audio'|'video'} kind
 * @param {string} codecName e.g. "VP8" or "opus".
 * @throws {CodecError} If the browser lacks that codec.
 */
export function preferCodec(transceiver, kind, codecName) {
  if (typeof transceiver.setCodecPreferences !== 'function') return;
  const capabilities = RTCRtpReceiver.getCapabilities(kind);
  if (!capabilities) return;
  const wanted = `${kind}/${codecName}`.toLowerCase();
  const chosen = capabilities.codecs.filter((codec) => codec.mimeType.toLowerCase() === wanted);
  if (chosen.length === 0) throw new CodecError(wanted);
  const rtx = kind === 'video'
    ? capabilities.codecs.filter((codec) => codec.mimeType.toLowerCase() === 'video/rtx')
    : [];
  transceiver.setCodecPreferences([...chosen, ...rtx]);
}

/** The send PeerConnection: our camera and microphone to the relay. */
export class Publisher {
  /**
   * @param {RTCConfiguration} config
   * @param {MediaStream} stream Local stream (its first audio and video tracks are sent).
   * @param {CodecInfo} codecs Pinned codecs from `joined.codecs`.
   */
  constructor(config, stream, codecs) {
    this.pc = new RTCPeerConnection(config);
    this.stream = stream;
    this.codecs = codecs;
    /** @type {{audio: RTCRtpSender|null, video: RTCRtpSender|null}} */
    this.senders = { audio: null, video: null };
    /** Whether each kind is sent (false: the sender carries no track, no renegotiation). */
    this.sending = { audio: true, video: true };
  }

  /**
   * Starts or stops sending one kind by swapping the sender's track (the camera or
   * microphone keeps running for the preview; the transceiver stays negotiated).
   * @param {'audio'|'video'} kind
   * @param {boolean} on
   * @returns {Promise<void>}
   */
  async setSending(kind, on) {
    this.sending[kind] = on;
    const sender = this.senders[kind];
    if (!sender || this.pc.signalingState === 'closed') return;
    const local = kind === 'audio' ? this.stream.getAudioTracks()[0] : this.stream.getVideoTracks()[0];
    const track = on ? local ?? null : null;
    if (sender.track === track) return;
    try {
      await sender.replaceTrack(track);
    } catch (error) {
      const state = /** @type {string} */ (this.pc.signalingState); // it may have closed meanwhile
      if (state !== 'closed') console.warn('[mentor-rooms] replaceTrack failed', error);
    }
  }

  /**
   * Sends the camera's top layer or spares it (a busy computer then encodes only the
   * low layer: its video steps down instead of stuttering). Idempotent.
   * @param {boolean} on
   * @returns {Promise<void>}
   */
  async setTopLayer(on) {
    const sender = this.senders.video;
    if (!sender || this.pc.signalingState === 'closed') return;
    const parameters = sender.getParameters();
    const top = parameters.encodings?.find((encoding) => encoding.rid === CAMERA_LAYERS[0].rid);
    if (!top || top.active === on) return;
    top.active = on;
    try {
      await sender.setParameters(parameters);
    } catch (error) {
      console.warn('[mentor-rooms] setParameters failed', error);
    }
  }

  /**
   * Adds the transceivers and builds the offer, with all ICE candidates in it.
   * @returns {Promise<string>} The offer SDP to send as `publish_offer`.
   * @throws {CodecError} If the pinned codec is unavailable.
   */
  async createOffer() {
    const audio = this.stream.getAudioTracks()[0];
    const video = this.stream.getVideoTracks()[0];
    if (audio) {
      const transceiver = this.pc.addTransceiver(audio, { direction: 'sendonly', streams: [this.stream] });
      preferCodec(transceiver, 'audio', this.codecs.audio ?? 'opus');
      this.senders.audio = transceiver.sender;
    }
    if (video) {
      const transceiver = this.pc.addTransceiver(video, {
        direction: 'sendonly', streams: [this.stream], sendEncodings: CAMERA_LAYERS.map((l) => ({ ...l })),
      });
      preferCodec(transceiver, 'video', this.codecs.video ?? 'VP8');
      this.senders.video = transceiver.sender;
    }
    if (!this.sending.audio) await this.setSending('audio', false);
    if (!this.sending.video) await this.setSending('video', false);
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    await waitForIceGathering(this.pc);
    const description = this.pc.localDescription;
    if (!description) throw new Error('no local description');
    return description.sdp;
  }

  /**
   * Applies the server's answer.
   * @param {string} sdp
   */
  async acceptAnswer(sdp) {
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
  }

  close() {
    this.pc.close();
  }
}

/**
 * The DTLS fingerprint of an SDP: it names the server's connection (a new receive
 * connection after a media restart has a new certificate).
 * @param {string} sdp
 * @returns {string}
 */
export function sdpFingerprint(sdp) {
  return /^a=fingerprint:(.+)$/mu.exec(sdp)?.[1]?.trim() ?? '';
}

/**
 * @typedef {Object} SubscriberHooks
 * @property {(revision: number, sdp: string) => void} sendAnswer Sends `subscribe_answer`.
 * @property {() => void} tracksChanged Called after each offer is applied.
 * @property {(error: unknown) => void} failed Called when an offer cannot be applied.
 */

/** The receive PeerConnection: everyone else's media from the relay. */
export class Subscriber {
  /**
   * @param {RTCConfiguration} config
   * @param {SubscriberHooks} hooks
   */
  constructor(config, hooks) {
    this.config = config;
    this.hooks = hooks;
    /** @type {RTCPeerConnection|null} Created on the first offer. */
    this.pc = null;
    /** @type {Array<TrackInfo>} What each mid carries, from the latest offer. */
    this.tracks = [];
    /** @type {Promise<void>} Offers are applied strictly one at a time. */
    this.queue = Promise.resolve();
    this.closed = false;
    /** Fingerprint of the server connection this one answers ('' until the first offer). */
    this.fingerprint = '';
  }

  /**
   * Queues a `subscribe_offer`; it is answered after the ones before it.
   * @param {SubscribeOffer} offer
   * @returns {Promise<void>} Settles when this offer has been handled.
   */
  handleOffer(offer) {
    if (!this.fingerprint) this.fingerprint = sdpFingerprint(offer.sdp);
    this.queue = this.queue.then(() => this.apply(offer)).catch((error) => {
      if (this.closed) return;
      if (!/^m=/mu.test(offer.sdp)) {
        // An offer without media (nobody publishing yet) can be refused by the
        // browser (max-bundle needs a BUNDLE group); nothing is lost.
        console.warn('[mentor-rooms] could not apply an offer without media', error);
        return;
      }
      this.hooks.failed(error);
    });
    return this.queue;
  }

  /**
   * @param {SubscribeOffer} offer
   * @returns {Promise<void>}
   */
  async apply(offer) {
    if (this.closed) return;
    if (!this.pc) this.pc = new RTCPeerConnection(this.config);
    const pc = this.pc;
    await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    if (/^m=/mu.test(offer.sdp)) await waitForIceGathering(pc);
    if (this.closed) return;
    const description = pc.localDescription;
    if (!description) throw new Error('no local description');
    this.tracks = offer.tracks.slice();
    this.hooks.sendAnswer(offer.revision, description.sdp);
    this.hooks.tracksChanged();
  }

  /**
   * The received tracks of each participant, rebuilt from the latest `tracks` list.
   * @returns {Map<string, Array<MediaStreamTrack>>}
   */
  tracksByParticipant() {
    /** @type {Map<string, Array<MediaStreamTrack>>} */
    const result = new Map();
    if (!this.pc) return result;
    /** @type {Map<string, MediaStreamTrack>} */
    const byMid = new Map();
    for (const transceiver of this.pc.getTransceivers()) {
      if (transceiver.mid !== null) byMid.set(transceiver.mid, transceiver.receiver.track);
    }
    for (const info of this.tracks) {
      const track = byMid.get(info.mid);
      if (!track || info.kind === 'screen') continue;
      const list = result.get(info.participant_id) ?? [];
      list.push(track);
      result.set(info.participant_id, list);
    }
    return result;
  }

  /**
   * The shared screen we receive, if anyone shares.
   * @returns {MediaStreamTrack|null}
   */
  screenTrack() {
    const info = this.tracks.find((t) => t.kind === 'screen');
    const transceiver = info && this.pc?.getTransceivers().find((t) => t.mid === info.mid);
    return transceiver?.receiver.track ?? null;
  }

  /**
   * Which participant an inbound-rtp stats report belongs to.
   * @param {{mid?: string, trackIdentifier?: string}} report
   * @returns {string|undefined}
   */
  participantForReport(report) {
    if (report.mid !== undefined) {
      return this.tracks.find((info) => info.mid === report.mid)?.participant_id;
    }
    if (report.trackIdentifier && this.pc) {
      const transceiver = this.pc
        .getTransceivers()
        .find((t) => t.receiver.track.id === report.trackIdentifier);
      if (transceiver && transceiver.mid !== null) {
        return this.tracks.find((info) => info.mid === transceiver.mid)?.participant_id;
      }
    }
    return undefined;
  }

  /** @returns {Promise<RTCStatsReport|null>} */
  async getStats() {
    return this.pc ? this.pc.getStats() : null;
  }

  close() {
    this.closed = true;
    this.pc?.close();
  }
}
