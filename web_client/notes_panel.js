// @ts-check
/**
 * The Notes pane: `#notes-text` bound to the shared Yjs document, and "Download
 * summary" (the agenda with outcomes plus the notes, as Markdown).
 *
 * One `Y.Doc` lives as long as the page, across reconnects. Local edits go out as
 * `notes_update` (base64 Yjs updates); updates from the wire are applied with the
 * `REMOTE` origin so they are not sent back. Edits made while disconnected stay in
 * the document; after a rejoin the page sends what the server's snapshot lacks, so
 * they merge instead of being lost. Observers get a read-only textarea.
 */
import { downloadAuthorized } from './api.js';
import { byId } from './dom.js';
import { REMOTE, bindTextarea, decodeBase64, encodeBase64 } from './notes_binding.js';
import { ErrorCode, Role } from './protocol.js';
import * as Y from './vendor/yjs.js';

/** @typedef {import('./board.js').BoardLink} BoardLink */
/** @typedef {import('./board.js').Access} Access */
/** @typedef {import('./notes_binding.js').NotesBinding} NotesBinding */

/**
 * The parts of Yjs used here (the vendored bundle is not type-checked).
 * @typedef {Object} YjsApi
 * @property {new () => YDoc} Doc
 * @property {(doc: YDoc, update: Uint8Array, origin?: unknown) => void} applyUpdate
 * @property {(doc: YDoc, stateVector?: Uint8Array) => Uint8Array} encodeStateAsUpdate
 * @property {(update: Uint8Array) => Uint8Array} encodeStateVectorFromUpdate
 */
/**
 * @typedef {Object} YDoc
 * @property {(name: string) => import('./notes_binding.js').YTextLike & {length: number}} getText
 * @property {(event: 'update', handler: (update: Uint8Array, origin: unknown) => void) => void} on
 */

const Yjs = /** @type {YjsApi} */ (/** @type {unknown} */ (Y));

/** Wait before sending the whole document after an update was refused. */
const RESYNC_MS = 1000;

export class NotesPanel {
  /**
   * @param {BoardLink} link
   * @param {{token: () => string, sessionId: () => string}} session
   */
  constructor(link, session) {
    this.link = link;
    this.session = session;
    this.doc = new Yjs.Doc();
    this.text = this.doc.getText('notes');
    /** @type {NotesBinding|null} */
    this.binding = null;
    this.readOnly = true;
    /** True when a local edit could not be sent (offline or refused). */
    this.unsent = false;
    this.resyncTimer = 0;
    this.textarea = byId('notes-text', HTMLTextAreaElement);
    this.status = byId('notes-status');
    this.downloadButton = byId('notes-download', HTMLButtonElement);
    this.downloadButton.addEventListener('click', () => void this.download());
    this.doc.on('update', (update, origin) => {
      if (origin !== REMOTE) this.sendUpdate(update);
    });
  }

  /**
   * After (re)joining: merges the server's document, then sends what it lacks.
   * @param {string} snapshot Base64 Yjs update of the whole notes document.
   * @param {Access} access
   * @param {boolean} rejoin
   */
  joined(snapshot, access, rejoin) {
    const hadContent = this.text.length > 0 || this.unsent;
    /** @type {Uint8Array} */
    let server = new Uint8Array([0, 0]); // an empty update
    try {
      server = decodeBase64(snapshot);
      Yjs.applyUpdate(this.doc, server, REMOTE);
    } catch (error) {
      console.error('[mentor-rooms] notes snapshot rejected', error);
      this.link.showError('The shared notes could not be loaded.');
    }
    if (rejoin && hadContent) {
      this.unsent = false;
      let missing;
      try {
        missing = Yjs.encodeStateAsUpdate(this.doc, Yjs.encodeStateVectorFromUpdate(server));
      } catch {
        missing = Yjs.encodeStateAsUpdate(this.doc);
      }
      this.sendUpdate(missing);
    }
    const readOnly = access.role === Role.OBSERVER;
    if (!this.binding || readOnly !== this.readOnly) {
      this.binding?.destroy();
      this.readOnly = readOnly;
      this.binding = bindTextarea(this.text, this.textarea, { readOnly });
    }
    this.setOnline(true);
  }

  /**
   * Someone else's edit.
   * @param {string} update Base64 Yjs update.
   */
  receive(update) {
    try {
      Yjs.applyUpdate(this.doc, decodeBase64(update), REMOTE);
    } catch (error) {
      console.error('[mentor-rooms] notes update rejected', error);
    }
  }

  /** @param {Uint8Array} update */
  sendUpdate(update) {
    if (this.readOnly) return;
    if (!this.link.online()) {
      this.unsent = true;
      return;
    }
    const sent = this.link.send(
      { type: 'notes_update', update: encodeBase64(update) },
      { quiet: true, onError: (code) => this.refused(code) },
    );
    if (sent === null) this.unsent = true;
  }

  /**
   * An update was refused: the server may now lack part of the document, so send it
   * whole (merging is idempotent) a moment later.
   * @param {string} code
   * @returns {boolean} False to let the board explain errors other than rate limits.
   */
  refused(code) {
    window.clearTimeout(this.resyncTimer);
    this.resyncTimer = window.setTimeout(() => this.sendUpdate(Yjs.encodeStateAsUpdate(this.doc)), RESYNC_MS);
    return code === ErrorCode.RATE_LIMITED;
  }

  /** @param {boolean} online */
  setOnline(online) {
    this.status.textContent = online
      ? this.readOnly ? 'Read only: observers can read the notes.' : 'Everyone in the session can edit these notes.'
      : 'Offline: edits are kept and shared once you are reconnected.';
    this.status.toggleAttribute('data-offline', !online);
  }

  /** Fetches the summary and saves it as a file. */
  async download() {
    const sessionId = this.session.sessionId();
    this.downloadButton.disabled = true;
    try {
      await downloadAuthorized(
        `/api/sessions/${encodeURIComponent(sessionId)}/summary.md`,
        this.session.token(),
        `${sessionId}-summary.md`,
      );
    } catch (error) {
      this.link.showError(`The summary could not be downloaded: ${error instanceof Error ? error.message : 'unknown error'}.`);
    } finally {
      this.downloadButton.disabled = false;
    }
  }

  /** @returns {string} The notes' text. */
  snapshot() {
    return this.text.toString();
  }
}
