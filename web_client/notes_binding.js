// @ts-check
/**
 * Binds a `<textarea>` to a Yjs `Y.Text`, so several people can edit the shared
 * notes at once without losing keystrokes or making anyone's caret jump.
 *
 * - Local edits: on `input` the previous value is diffed against the new one (common
 *   prefix / common suffix) and the delete + insert go to the Y.Text as one
 *   transaction, with an origin object owned by the binding.
 * - Remote edits: every Y.Text transaction with another origin (for instance
 *   `REMOTE`, which the caller passes to `Y.applyUpdate`) is written into the
 *   textarea, and the selection is moved through the event's delta so the caret stays
 *   on the same character (text inserted before it shifts it right, text deleted
 *   before it shifts it left; text inserted exactly at the caret goes before it,
 *   except while the user is typing there, so two people typing at one spot do not
 *   split each other's words). Focus and scroll position are kept.
 * - IME: `input` is ignored between `compositionstart` and `compositionend`, and
 *   remote changes are held back meanwhile (rewriting the value would cancel the
 *   composition); at `compositionend` the composed text is diffed once, moved past
 *   the held-back remote changes, and the textarea is brought up to date.
 *
 * Indexes are UTF-16 code units on both sides, as in Yjs and in the DOM; a diff never
 * cuts a surrogate pair. The Y.Text is expected to hold plain text written by
 * textareas: no embeds, and line breaks as "\n" only (a textarea reports "\r\n" or
 * "\r" as "\n", which would put the two out of step).
 *
 * This module does not import Yjs itself: it uses only methods of the Y.Text and its
 * Y.Doc, so it works with whichever copy of `./vendor/yjs.js` the page loaded.
 * Nothing here uses innerHTML.
 */

/**
 * The origin to pass to `Y.applyUpdate(doc, update, REMOTE)` for updates that came
 * from the wire, so that the caller's `doc.on('update')` handler can skip them
 * instead of echoing them back. The binding renders every transaction that is not
 * its own local one, these included.
 */
export const REMOTE = Symbol('mentor-rooms.notes.remote');

/**
 * One operation of a Y.Text event delta (Quill delta format).
 * @typedef {Object} YDeltaOp
 * @property {string | object} [insert] Inserted text (or an embed, which counts as 1).
 * @property {number} [delete] Number of deleted characters.
 * @property {number} [retain] Number of characters kept.
 * @property {Object<string, unknown>} [attributes]
 */

/**
 * @typedef {Object} YTransactionLike
 * @property {unknown} origin
 */

/**
 * @typedef {Object} YTextEventLike
 * @property {YDeltaOp[]} delta Must be read during the observer call.
 * @property {YTransactionLike} transaction
 */

/**
 * @callback YTextObserver
 * @param {YTextEventLike} event
 * @param {YTransactionLike} transaction
 * @returns {void}
 */

/**
 * The part of `Y.Doc` the binding uses.
 * @typedef {Object} YDocLike
 * @property {(f: (transaction: any) => void, origin?: any) => any} transact
 */

/**
 * The part of `Y.Text` the binding uses (a real `Y.Text` fits).
 * @typedef {Object} YTextLike
 * @property {YDocLike | null} doc The Y.Doc the text belongs to.
 * @property {() => string} toString
 * @property {(index: number, text: string) => void} insert
 * @property {(index: number, length: number) => void} delete
 * @property {(f: YTextObserver) => void} observe
 * @property {(f: YTextObserver) => void} unobserve
 */

/**
 * @typedef {Object} BindOptions
 * @property {boolean} [readOnly] Make the textarea read-only and never write to the
 *   Y.Text; remote changes are still shown. Default false.
 */

/**
 * @typedef {Object} NotesBinding
 * @property {object} origin The origin of the binding's own transactions (local
 *   edits), e.g. for `new Y.UndoManager(ytext, { trackedOrigins: new Set([origin]) })`.
 * @property {() => void} destroy Removes the listeners and the observer, and gives
 *   the textarea back its former readOnly. Calling it again does nothing.
 */

/**
 * A single replacement: `deleteCount` characters at `index` give way to `insert`.
 * @typedef {Object} TextChange
 * @property {number} index
 * @property {number} deleteCount
 * @property {string} insert
 */

/**
 * What the user sees of the textarea besides its text.
 * @typedef {Object} ViewState
 * @property {number} start
 * @property {number} end
 * @property {'forward' | 'backward' | 'none'} direction
 * @property {number} scrollTop
 * @property {number} scrollLeft
 * @property {boolean} focused
 */

/**
 * Keeps `textarea` and `ytext` in sync until `destroy()`. The Y.Text is the source of
 * truth: the textarea's current value is replaced by the Y.Text's content at once.
 * @param {YTextLike} ytext A `Y.Text` that belongs to a `Y.Doc`.
 * @param {HTMLTextAreaElement} textarea
 * @param {BindOptions} [options]
 * @returns {NotesBinding}
 */
export function bindTextarea(ytext, textarea, options = {}) {
  const doc = ytext.doc;
  if (!doc) throw new TypeError('bindTextarea: the Y.Text must belong to a Y.Doc');
  const readOnly = options.readOnly === true;
  /** Origin of this binding's own transactions; each binding has its own. */
  const origin = Object.freeze({ binding: 'notes-textarea' });
  const formerReadOnly = textarea.readOnly;
  if (readOnly) textarea.readOnly = true;

  /** The text as of the last sync; equal to ytext.toString() between events. */
  let lastValue = '';
  let composing = false;
  /**
   * Where the caret was left by the last local edit (-1 if it has moved since): text
   * a remote user inserts right there goes after the caret, so that a word being
   * typed is not split by someone typing at the same spot.
   */
  let typingCaret = -1;
  /** @type {YDeltaOp[][]} Remote deltas held back during a composition. */
  let heldDeltas = [];
  let destroyed = false;

  /** @returns {ViewState} */
  const saveView = () => ({
    start: textarea.selectionStart,
    end: textarea.selectionEnd,
    direction: textarea.selectionDirection,
    scrollTop: textarea.scrollTop,
    scrollLeft: textarea.scrollLeft,
    focused: textarea.ownerDocument.activeElement === textarea,
  });

  /**
   * Shows `text` with the selection at [start, end), as the user had it otherwise.
   * @param {string} text
   * @param {ViewState} view
   * @param {number} start
   * @param {number} end
   */
  const render = (text, view, start, end) => {
    lastValue = text;
    if (textarea.value !== text) textarea.value = text;
    const s = clamp(start, 0, text.length);
    const e = clamp(end, s, text.length);
    textarea.setSelectionRange(s, e, view.direction);
    textarea.scrollTop = view.scrollTop;
    textarea.scrollLeft = view.scrollLeft;
    if (view.focused && textarea.ownerDocument.activeElement !== textarea) {
      textarea.focus({ preventScroll: true });
    }
  };

  /** Shows the Y.Text as it is, keeping the selection indexes where they fit. */
  const resetFromYText = () => {
    const view = saveView();
    render(ytext.toString(), view, view.start, view.end);
  };

  /** Sends the textarea's unsynced change (if any) to the Y.Text. */
  const flushLocal = () => {
    const value = textarea.value;
    if (value === lastValue) return;
    if (readOnly) {
      resetFromYText();
      return;
    }
    const change = diffText(lastValue, value, textarea.selectionEnd);
    lastValue = value;
    doc.transact(() => {
      if (change.deleteCount > 0) ytext.delete(change.index, change.deleteCount);
      if (change.insert.length > 0) ytext.insert(change.index, change.insert);
    }, origin);
    typingCaret = textarea.selectionStart === textarea.selectionEnd ? textarea.selectionEnd : -1;
    // Cheap guard against the two drifting apart (e.g. "\r" written by another kind
    // of client): the Y.Text wins.
    if (ytext.toString() !== value) resetFromYText();
  };

  /**
   * Remote deltas arrived while the textarea held an unsynced change (a composition):
   * applies that change to the Y.Text past the remote edits, then shows the result
   * with the caret at the end of the local insert.
   * @param {YDeltaOp[][]} deltas
   */
  const reconcile = (deltas) => {
    const view = saveView();
    const value = textarea.value;
    if (value === lastValue || readOnly) {
      showRemote(deltas, view);
      return;
    }
    const change = diffText(lastValue, value, view.end);
    /** @type {Array<[number, number]>} */
    let ranges = change.deleteCount > 0 ? [[change.index, change.index + change.deleteCount]] : [];
    let at = change.index;
    for (const delta of deltas) {
      ranges = mapRanges(delta, ranges);
      at = mapIndex(delta, at, true);
    }
    // Every range starts at or after `at`, so deleting them leaves `at` in place.
    doc.transact(() => {
      for (let i = ranges.length - 1; i >= 0; i -= 1) {
        const [from, to] = ranges[i];
        ytext.delete(from, to - from);
      }
      if (change.insert.length > 0) ytext.insert(at, change.insert);
    }, origin);
    const caret = at + change.insert.length;
    typingCaret = caret;
    render(ytext.toString(), view, caret, caret);
  };

  /**
   * Shows the Y.Text after remote `deltas`, moving the selection through them.
   * @param {YDeltaOp[][]} deltas
   * @param {ViewState} view
   */
  const showRemote = (deltas, view) => {
    let start = view.start;
    let end = view.end;
    const typing = start === end && start === typingCaret;
    for (const delta of deltas) {
      const collapsed = start === end;
      // A collapsed caret stays on the character after it, so text inserted right at
      // the caret goes before it, unless the user is typing there (then the caret
      // stays after what they typed). A selection does not grow over text inserted
      // at either end.
      start = mapIndex(delta, start, !typing);
      end = collapsed ? start : Math.max(start, mapIndex(delta, end, false));
    }
    typingCaret = typing ? start : -1;
    render(ytext.toString(), view, start, end);
  };

  /** @type {YTextObserver} */
  const onYText = (event, transaction) => {
    if (transaction.origin === origin || destroyed) return;
    const delta = event.delta; // Yjs only computes it during the observer call.
    if (composing) {
      heldDeltas.push(delta);
      return;
    }
    if (textarea.value !== lastValue) {
      reconcile([delta]);
      return;
    }
    showRemote([delta], saveView());
  };

  /** @param {Event} event */
  const onInput = (event) => {
    if (composing || (event instanceof InputEvent && event.isComposing)) return;
    flushLocal();
  };

  const onCompositionStart = () => {
    flushLocal();
    composing = true;
  };

  const onCompositionEnd = () => {
    if (!composing) return;
    composing = false;
    const deltas = heldDeltas;
    heldDeltas = [];
    if (deltas.length > 0) reconcile(deltas);
    else flushLocal();
  };

  // Start from the Y.Text's content.
  {
    const view = saveView();
    render(ytext.toString(), view, view.start, view.end);
  }
  ytext.observe(onYText);
  if (!readOnly) {
    textarea.addEventListener('input', onInput);
    textarea.addEventListener('compositionstart', onCompositionStart);
    textarea.addEventListener('compositionend', onCompositionEnd);
  }

  return {
    origin,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      ytext.unobserve(onYText);
      textarea.removeEventListener('input', onInput);
      textarea.removeEventListener('compositionstart', onCompositionStart);
      textarea.removeEventListener('compositionend', onCompositionEnd);
      textarea.readOnly = formerReadOnly;
      heldDeltas = [];
    },
  };
}

/**
 * The single replacement that turns `before` into `after`: common prefix and common
 * suffix are kept. `cursor` (the caret after the edit) settles ambiguous cases such
 * as typing "a" into "aa": the kept suffix never reaches before the caret, so the
 * insert is placed where it was typed. The split never falls inside a surrogate pair.
 * @param {string} before
 * @param {string} after
 * @param {number} cursor
 * @returns {TextChange}
 */
export function diffText(before, after, cursor) {
  const shorter = Math.min(before.length, after.length);
  const maxSuffix = Math.min(shorter, Math.max(0, after.length - cursor));
  let suffix = 0;
  while (
    suffix < maxSuffix &&
    before.charCodeAt(before.length - 1 - suffix) === after.charCodeAt(after.length - 1 - suffix)
  ) {
    suffix += 1;
  }
  const maxPrefix = shorter - suffix;
  let prefix = 0;
  while (prefix < maxPrefix && before.charCodeAt(prefix) === after.charCodeAt(prefix)) {
    prefix += 1;
  }
  if (prefix > 0 && isHighSurrogate(before.charCodeAt(prefix - 1))) prefix -= 1;
  if (suffix > 0 && isLowSurrogate(before.charCodeAt(before.length - suffix))) suffix -= 1;
  return {
    index: prefix,
    deleteCount: before.length - suffix - prefix,
    insert: after.slice(prefix, after.length - suffix),
  };
}

/**
 * Where index `index` of the text before `delta` is in the text after it. Inserted
 * text before the index shifts it right, deleted text before it shifts it left (an
 * index inside a deleted run goes to the run's start). Text inserted exactly at the
 * index goes before it when `assocRight`, after it otherwise.
 * @param {YDeltaOp[]} delta
 * @param {number} index
 * @param {boolean} assocRight
 * @returns {number}
 */
export function mapIndex(delta, index, assocRight) {
  let pos = 0; // position in the old text
  let result = index;
  for (const op of delta) {
    if (pos > index) break;
    if (typeof op.retain === 'number') {
      pos += op.retain;
    } else if (typeof op.delete === 'number') {
      if (pos < index) result -= Math.min(op.delete, index - pos);
      pos += op.delete;
    } else if (op.insert !== undefined) {
      if (pos < index || (pos === index && assocRight)) result += insertLength(op.insert);
    }
  }
  return result;
}

/**
 * Moves sorted, disjoint [from, to) ranges of the old text through `delta`: the
 * result covers the same surviving characters in the new text (characters the delta
 * deleted drop out; text it inserted inside a range is not covered).
 * @param {YDeltaOp[]} delta
 * @param {Array<[number, number]>} ranges
 * @returns {Array<[number, number]>}
 */
function mapRanges(delta, ranges) {
  /** @type {Array<[number, number]>} */
  const out = [];
  /**
   * Old [oldStart, oldStart + length) is kept, at newStart in the new text.
   * @param {number} oldStart
   * @param {number} length
   * @param {number} newStart
   */
  const kept = (oldStart, length, newStart) => {
    for (const [from, to] of ranges) {
      const lo = Math.max(from, oldStart);
      const hi = Math.min(to, oldStart + length);
      if (lo >= hi) continue;
      const s = newStart + (lo - oldStart);
      const e = newStart + (hi - oldStart);
      const last = out[out.length - 1];
      if (last && last[1] === s) last[1] = e;
      else out.push([s, e]);
    }
  };
  let oldPos = 0;
  let newPos = 0;
  for (const op of delta) {
    if (typeof op.retain === 'number') {
      kept(oldPos, op.retain, newPos);
      oldPos += op.retain;
      newPos += op.retain;
    } else if (typeof op.delete === 'number') {
      oldPos += op.delete;
    } else if (op.insert !== undefined) {
      newPos += insertLength(op.insert);
    }
  }
  kept(oldPos, Infinity, newPos); // a delta leaves its tail implicitly retained
  return out;
}

/**
 * @param {string | object} insert
 * @returns {number}
 */
function insertLength(insert) {
  return typeof insert === 'string' ? insert.length : 1;
}

/**
 * @param {number} value
 * @param {number} min
 * @param {number} max
 * @returns {number}
 */
function clamp(value, min, max) {
  return Math.min(Math.max(value, min), max);
}

/** @param {number} code */
function isHighSurrogate(code) {
  return code >= 0xd800 && code <= 0xdbff;
}

/** @param {number} code */
function isLowSurrogate(code) {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Bytes per String.fromCharCode call, well under engines' argument limits. */
const BASE64_CHUNK = 0x2000;

/**
 * Base64 (standard alphabet, padded) of `bytes`, as the wire carries Yjs updates.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function encodeBase64(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += BASE64_CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + BASE64_CHUNK));
  }
  return btoa(binary);
}

/**
 * The bytes of a base64 string (standard alphabet; padding optional).
 * @param {string} text
 * @returns {Uint8Array}
 * @throws {DOMException} InvalidCharacterError when `text` is not base64.
 */
export function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
