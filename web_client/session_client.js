// @ts-check
/**
 * The signaling WebSocket: typed messages out (with an incrementing string `id`),
 * server messages in (dispatched by `type`), and close reporting.
 */

/** @typedef {import('./protocol.js').ClientMessage} ClientMessage */

/** @typedef {import('./wire.js').ServerMessageMap} ServerMessageMap */

/**
 * How the socket closed.
 * @typedef {Object} CloseInfo
 * @property {number} code WebSocket close code (1006 when the connection dropped).
 * @property {string} reason Close reason sent by the server (human readable).
 * @property {boolean} refused True for the server's 44xx codes.
 * @property {boolean} byClient True when this client called `close()`.
 */

/**
 * The WebSocket URL of a session, on the page's own host.
 * @param {string} sessionId
 * @param {Location} [loc]
 * @returns {string}
 */
export function sessionSocketUrl(sessionId, loc = window.location) {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/ws/sessions/${encodeURIComponent(sessionId)}`;
}

/** One signaling connection to a session. */
export class SessionClient {
  /** @param {string} url WebSocket URL (see {@link sessionSocketUrl}). */
  constructor(url) {
    this.url = url;
    /** @type {WebSocket|null} */
    this.socket = null;
    this.nextId = 0;
    this.closedByClient = false;
    /** @type {Map<string, Array<(message: any) => void>>} */
    this.handlers = new Map();
    /** @type {Array<(info: CloseInfo) => void>} */
    this.closeHandlers = [];
  }

  /**
   * Opens the socket.
   * @returns {Promise<void>} Resolves when open; rejects if it closes first.
   */
  open() {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.url);
      this.socket = socket;
      let opened = false;
      socket.addEventListener('open', () => {
        opened = true;
        resolve();
      });
      socket.addEventListener('message', (event) => this.dispatch(event.data));
      socket.addEventListener('close', (event) => {
        if (!opened) reject(new Error(`WebSocket closed before opening (code ${event.code})`));
        if (event.code >= 4400) console.info(`[mentor-rooms] refused: ${event.code} ${event.reason}`);
        /** @type {CloseInfo} */
        const info = {
          code: event.code,
          reason: event.reason,
          refused: event.code >= 4400,
          byClient: this.closedByClient,
        };
        for (const handler of this.closeHandlers) handler(info);
      });
    });
  }

  /** @returns {boolean} True while the socket is open. */
  get isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  /**
   * Registers a handler for one server message type.
   * @template {keyof ServerMessageMap} K
   * @param {K} type
   * @param {(message: ServerMessageMap[K]) => void} handler
   * @returns {this}
   */
  on(type, handler) {
    const list = this.handlers.get(type) ?? [];
    list.push(handler);
    this.handlers.set(type, list);
    return this;
  }

  /**
   * Registers a handler called once when the socket closes.
   * @param {(info: CloseInfo) => void} handler
   * @returns {this}
   */
  onClose(handler) {
    this.closeHandlers.push(handler);
    return this;
  }

  /**
   * Sends a client message, stamping it with a fresh `id`.
   * @param {ClientMessage} message Message without `id` (any given id is replaced).
   * @returns {string|null} The id sent, or null if the socket is not open.
   */
  send(message) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) {
      console.warn('[mentor-rooms] not connected; dropped', message.type);
      return null;
    }
    this.nextId += 1;
    const id = String(this.nextId);
    this.socket.send(JSON.stringify({ ...message, id }));
    return id;
  }

  /**
   * Closes the socket from our side.
   * @param {number} [code]
   * @param {string} [reason]
   */
  close(code = 1000, reason = '') {
    this.closedByClient = true;
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) this.socket.close(code, reason);
  }

  /**
   * Parses one frame and calls the handlers of its type.
   * @param {unknown} data
   */
  dispatch(data) {
    if (typeof data !== 'string') return;
    /** @type {unknown} */
    let parsed;
    try {
      parsed = JSON.parse(data);
    } catch {
      console.warn('[mentor-rooms] ignored a frame that is not JSON');
      return;
    }
    if (!parsed || typeof parsed !== 'object' || typeof (/** @type {any} */ (parsed).type) !== 'string') {
      console.warn('[mentor-rooms] ignored a message without a type');
      return;
    }
    const message = /** @type {{type: string}} */ (parsed);
    const list = this.handlers.get(message.type);
    if (!list) return; // Unknown or unhandled types are ignored (forward compatible).
    for (const handler of list) {
      try {
        handler(message);
      } catch (error) {
        console.error(`[mentor-rooms] handler for ${message.type} failed`, error);
      }
    }
  }
}
