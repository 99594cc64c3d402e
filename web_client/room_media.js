// @ts-check
/**
 * The room's two PeerConnections (send and receive) and how their tracks reach
 * the tiles. Owned by room.js; `close()` ends both and may be called twice;
 * `restart()` replaces both without leaving the room (the server is told with
 * `media_restart` and a new `publish_offer`).
 */

import { CodecError, Publisher, Subscriber, sdpFingerprint } from './media_client.js';

/** @typedef {import('./tile_grid.js').TileGrid} TileGrid */
/** @typedef {import('./wire.js').SubscribeOffer} SubscribeOffer */
/** @typedef {import('./wire.js').PublishAnswer} PublishAnswer */

/**
 * What the media side needs from the room.
 * @typedef {Object} RoomMediaHost
 * @property {(message: Object) => (string|null|undefined)} send Sends a client message on
 *   the socket; returns its id (null when the socket is not open).
 * @property {(message: string, sticky: boolean) => void} notify Shows a notice.
 * @property {TileGrid} grid The remote tiles.
 * @property {(track: MediaStreamTrack|null) => void} [showScreen] Shows a shared screen.
 */

export class RoomMedia {
  /** @param {RoomMediaHost} host */
  constructor(host) {
    this.host = host;
    /** @type {RTCConfiguration} */
    this.config = {};
    /** @type {Publisher|null} */
    this.publisher = null;
    /** @type {Subscriber|null} */
    this.subscriber = null;
    /** @type {MediaStream|null} What we publish (kept for a restart). */
    this.stream = null;
    /** @type {Object} The session's pinned codecs. */
    this.codecs = {};
    /** @type {string|null} Id of our outstanding `publish_offer` (other answers are ignored). */
    this.offerId = null;
    /** Whether each kind is sent now (the server's link decision and our own choice). */
    this.sending = { audio: true, video: true };
  }

  /**
   * Starts sending ``stream`` (offer to the server; the answer comes later).
   * @param {MediaStream} stream
   * @param {Object} codecs The session's pinned codecs (from `joined`).
   * @returns {Promise<string|null>} An error message to keep, or null.
   */
  async publish(stream, codecs) {
    this.stream = stream;
    this.codecs = codecs;
    return this.startPublisher();
  }

  /** @returns {Promise<string|null>} */
  async startPublisher() {
    const stream = this.stream;
    if (!stream || stream.getTracks().length === 0) return null;
    const publisher = new Publisher(this.config, stream, this.codecs);
    publisher.sending = { ...this.sending };
    this.publisher = publisher;
    this.offerId = null;
    try {
      const sdp = await publisher.createOffer();
      if (this.publisher === publisher) this.offerId = this.host.send({ type: 'publish_offer', sdp }) ?? null;
      return null;
    } catch (error) {
      if (this.publisher !== publisher) return null;
      console.error(error);
      const message = error instanceof CodecError
        ? "Your browser cannot use the session's codec, so others cannot see or hear you. Try a recent Chrome, Edge or Firefox."
        : 'Your camera and microphone could not be connected to the session.';
      this.host.notify(message, true);
      return message;
    }
  }

  /** @param {PublishAnswer} msg The server's answer to our publish offer. */
  acceptPublishAnswer(msg) {
    // Only the answer to our latest offer (one for a replaced publisher would connect
    // the new PeerConnection to a closed server connection).
    if (this.offerId === null || (msg.re && msg.re !== this.offerId)) return;
    this.publisher?.acceptAnswer(msg.sdp).catch((error) => {
      console.error(error);
      this.host.notify('Your video could not be connected to the session.', false);
    });
  }

  /** @param {SubscribeOffer} offer The server's offer for the receive side. */
  handleSubscribeOffer(offer) {
    const fingerprint = sdpFingerprint(offer.sdp);
    if (this.subscriber && this.subscriber.fingerprint && fingerprint && fingerprint !== this.subscriber.fingerprint) {
      // A new server connection (after a media restart): it needs a new PeerConnection.
      this.subscriber.close();
      this.subscriber = null;
      this.host.grid.clearTracks();
    }
    if (!this.subscriber) {
      this.subscriber = new Subscriber(this.config, {
        sendAnswer: (revision, sdp) => this.host.send({ type: 'subscribe_answer', revision, sdp }),
        tracksChanged: () => this.applyTracks(),
        failed: (error) => {
          console.error(error);
          this.host.notify("Others' video could not be connected. Try leaving and rejoining.", false);
        },
      });
    }
    void this.subscriber.handleOffer(offer);
  }

  /**
   * Sends or stops sending one kind (no renegotiation; a restart keeps the choice).
   * @param {'audio'|'video'} kind
   * @param {boolean} on
   */
  setSending(kind, on) {
    if (this.sending[kind] === on) return;
    this.sending[kind] = on;
    void this.publisher?.setSending(kind, on);
  }

  /** @returns {Array<RTCPeerConnection>} The live PeerConnections (publish first). */
  peers() {
    const out = [];
    if (this.publisher) out.push(this.publisher.pc);
    if (this.subscriber?.pc) out.push(this.subscriber.pc);
    return out;
  }

  /**
   * Replaces both PeerConnections: the server makes a new receive connection (its
   * offer arrives as a `subscribe_offer` with a new fingerprint) and replaces our
   * publish connection on the new `publish_offer`.
   * @returns {Promise<string|null>} As `publish`.
   */
  async restart() {
    this.publisher?.close();
    this.publisher = null;
    this.subscriber?.close();
    this.subscriber = null;
    this.offerId = null;
    this.host.grid.clearTracks();
    this.host.send({ type: 'media_restart' });
    return this.startPublisher();
  }

  /** Puts the latest received tracks into each remote tile. */
  applyTracks() {
    const byParticipant = this.subscriber?.tracksByParticipant() ?? new Map();
    for (const id of this.host.grid.ids()) this.host.grid.get(id)?.setTracks(byParticipant.get(id) ?? []);
    this.host.showScreen?.(this.subscriber?.screenTrack() ?? null);
  }

  /** Closes both PeerConnections and clears the remote tiles. */
  close() {
    this.publisher?.close();
    this.publisher = null;
    this.subscriber?.close();
    this.subscriber = null;
    this.offerId = null;
    this.host.grid.clear();
  }
}
