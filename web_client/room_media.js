// @ts-check
/**
 * The room's two PeerConnections (send and receive) and how their tracks reach
 * the tiles. Owned by room.js; `close()` ends both and may be called twice.
 */

import { CodecError, Publisher, Subscriber } from './media_client.js';

/** @typedef {import('./tiles.js').TileGrid} TileGrid */
/** @typedef {import('./wire.js').SubscribeOffer} SubscribeOffer */

/**
 * What the media side needs from the room.
 * @typedef {Object} RoomMediaHost
 * @property {(message: Object) => void} send Sends a client message on the socket.
 * @property {(message: string, sticky: boolean) => void} notify Shows a notice.
 * @property {TileGrid} grid The remote tiles.
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
  }

  /**
   * Starts sending ``stream`` (offer to the server; the answer comes later).
   * @param {MediaStream} stream
   * @param {Object} codecs The session's pinned codecs (from `joined`).
   * @returns {Promise<string|null>} An error message to keep, or null.
   */
  async publish(stream, codecs) {
    const publisher = new Publisher(this.config, stream, codecs);
    this.publisher = publisher;
    try {
      const sdp = await publisher.createOffer();
      if (this.publisher === publisher) this.host.send({ type: 'publish_offer', sdp });
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

  /** @param {string} sdp The server's answer to our publish offer. */
  acceptPublishAnswer(sdp) {
    this.publisher?.acceptAnswer(sdp).catch((error) => {
      console.error(error);
      this.host.notify('Your video could not be connected to the session.', false);
    });
  }

  /** @param {SubscribeOffer} offer The server's offer for the receive side. */
  handleSubscribeOffer(offer) {
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

  /** Puts the latest received tracks into each remote tile. */
  applyTracks() {
    const byParticipant = this.subscriber?.tracksByParticipant() ?? new Map();
    for (const id of this.host.grid.ids()) this.host.grid.get(id)?.setTracks(byParticipant.get(id) ?? []);
  }

  /** Closes both PeerConnections and clears the remote tiles. */
  close() {
    this.publisher?.close();
    this.publisher = null;
    this.subscriber?.close();
    this.subscriber = null;
    this.host.grid.clear();
  }
}
