// @ts-check
/**
 * Devices during the call: the "Camera, microphone and speaker" dialog switches
 * without rejoining (the new track replaces the old one in our stream and in the send
 * connection's sender, `replaceTrack`; remote audio moves with `setSinkId`), with a
 * live microphone level; and a device unplugged mid-call falls back to another one,
 * saying so.
 */
import { DevicePicker, chosenDevices, describeMediaError, openTrack } from './devices.js';
import { byId } from './dom.js';
import { LevelMeter } from './prejoin.js';

/** @typedef {import('./media_client.js').Publisher} Publisher */
/** @typedef {import('./tile_grid.js').TileGrid} TileGrid */
/** @typedef {import('./tiles.js').Tile} Tile */

/**
 * What switching needs from the room.
 * @typedef {Object} CallDevicesDeps
 * @property {() => MediaStream|null} stream Our camera and microphone (sent as is).
 * @property {() => Publisher|null} publisher
 * @property {() => {audio: boolean, video: boolean}} muted
 * @property {() => Tile|null} selfTile
 * @property {TileGrid} grid
 * @property {(message: string) => void} notify
 */

const NAMES = { audio: 'microphone', video: 'camera' };

export class CallDevices {
  /** @param {CallDevicesDeps} deps */
  constructor(deps) {
    this.deps = deps;
    this.dialog = byId('devices-dialog', HTMLDialogElement);
    this.error = byId('devices-error');
    /** @type {LevelMeter|null} */
    this.meter = null;
    /** @type {Set<MediaStreamTrack>} Tracks whose end we watch. */
    this.watched = new Set();
    this.picker = new DevicePicker({
      videoinput: byId('call-camera', HTMLSelectElement),
      audioinput: byId('call-mic', HTMLSelectElement),
      audiooutput: byId('call-speaker', HTMLSelectElement),
    }, (kind, deviceId) => {
      if (kind === 'audiooutput') this.deps.grid.setSinkId(deviceId);
      else void this.switchTo(kind === 'audioinput' ? 'audio' : 'video', deviceId);
    });
    byId('devices-button').addEventListener('click', () => void this.open());
    byId('devices-close').addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', () => this.stopMeter());
    navigator.mediaDevices?.addEventListener?.('devicechange', () => {
      if (this.dialog.open) void this.picker.refresh(this.deps.stream());
    });
    const speaker = chosenDevices().audiooutput;
    if (speaker) this.deps.grid.setSinkId(speaker);
  }

  /** Shows the dialog with the devices in use and the microphone's level. */
  async open() {
    this.error.hidden = true;
    this.dialog.showModal();
    await this.picker.refresh(this.deps.stream());
    this.startMeter();
  }

  startMeter() {
    this.stopMeter();
    const stream = this.deps.stream();
    if (stream && stream.getAudioTracks().length > 0) this.meter = new LevelMeter(stream, byId('call-mic-level-fill'));
  }

  stopMeter() {
    this.meter?.stop();
    this.meter = null;
  }

  /**
   * Watches our tracks: one that ends (its device unplugged) is replaced by another.
   * Call after joining and after each switch.
   */
  watch() {
    for (const track of this.deps.stream()?.getTracks() ?? []) {
      if (this.watched.has(track)) continue;
      this.watched.add(track);
      track.addEventListener('ended', () => {
        this.watched.delete(track);
        const stream = this.deps.stream();
        if (!stream || !stream.getTracks().includes(track)) return; // replaced or left
        const kind = track.kind === 'audio' ? 'audio' : 'video';
        void this.switchTo(kind, undefined, true);
      });
    }
  }

  /**
   * Uses another camera or microphone now.
   * @param {'audio'|'video'} kind
   * @param {string|undefined} deviceId None: any other device of the kind.
   * @param {boolean} [lost] The previous device was unplugged (say so).
   */
  async switchTo(kind, deviceId, lost = false) {
    const stream = this.deps.stream();
    if (!stream) return;
    let track;
    try {
      track = await openTrack(kind, deviceId);
    } catch (error) {
      const message = lost ? `Your ${NAMES[kind]} was disconnected and no other one could be started.`
        : describeMediaError(error);
      this.error.textContent = message;
      this.error.hidden = !this.dialog.open;
      if (lost || !this.dialog.open) this.deps.notify(message);
      return;
    }
    for (const old of kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks()) {
      stream.removeTrack(old);
      old.stop();
    }
    track.enabled = !this.deps.muted()[kind];
    stream.addTrack(track);
    const publisher = this.deps.publisher();
    if (publisher) await publisher.setSending(kind, publisher.sending[kind]);
    this.deps.selfTile()?.setStream(stream);
    if (kind === 'audio' && this.dialog.open) this.startMeter();
    this.watch();
    if (lost) this.deps.notify(`Your ${NAMES[kind]} was disconnected. Switched to ${track.label || `another ${NAMES[kind]}`}.`);
  }
}
