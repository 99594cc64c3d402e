// @ts-check
/**
 * The room page: pre-join, join over the signaling socket, publish our media,
 * receive everyone else's, and keep tiles and the participant list in sync.
 */
import { ApiError, getSession } from './api.js';
import { Board } from './board.js';
import { ServerClock } from './clock.js';
import { byId, roleLabel } from './dom.js';
import { decodeClaims, isExpired, sessionIdFromPath, tokenFromHash } from './invite_token.js';
import { peerConfig } from './media_client.js';
import { explainClose, explainJoinError } from './messages.js';
import { setupFeedback } from './feedback.js';
import { PreJoin } from './prejoin.js';
import { RoomLink } from './room_link.js';
import { RoomMedia } from './room_media.js';
import { ScreenShareControl } from './screen_share.js';
import { Reconnector, isDrop } from './reconnect.js';
import { CloseCode, ErrorCode, LeaveReason, PROTOCOL_VERSION, Role } from './protocol.js';
import {
  announce, focusFirstControl, hideNotice, renderControls, showByeScreen, showErrorScreen, showLeftScreen, showNotice,
  showOwnRole, showScreen, showSessionHeader,
} from './room_view.js';
import { SessionClient, sessionSocketUrl } from './session_client.js';
import { installTestHook } from './test_hook.js';
import { Tile, publishes } from './tiles.js';
import { TileGrid } from './tile_grid.js';
import { Roster } from './roster.js';
import { CallActions } from './call_actions.js';
import { Shortcuts } from './shortcuts.js';
import { setupRoomChrome } from './room_layout.js';
import { CallDevices } from './call_devices.js';
import { SessionKind } from './protocol.js';
import { showPreviousSession } from './previous_session.js';

/** @typedef {import('./wire.js').ParticipantInfo} ParticipantInfo */
/** @typedef {import('./wire.js').Joined} Joined */
/** @typedef {import('./messages.js').ErrorAction} ErrorAction */
/** @typedef {'prejoin'|'joining'|'joined'|'reconnecting'|'left'|'error'} Phase */

const app = {
  /** @type {Phase} */
  phase: 'prejoin',
  /** @type {string|null} */
  error: null,
  sessionId: '',
  token: '',
  displayName: '',
  /** @type {SessionClient|null} */
  client: null,
  /** @type {string|null} */
  joinId: null,
  /** @type {string|null} A `bye` received before `joined` (the refusal's reason). */
  byeMessage: null,
  /** @type {ParticipantInfo|null} */
  self: null,
  /** @type {Map<string, ParticipantInfo>} Everyone present except us. */
  participants: new Map(),
  /** @type {MediaStream|null} */
  stream: null,
  audioMuted: false,
  videoMuted: false,
  /** @type {PreJoin|null} */
  prejoin: null,
  /** @type {Tile|null} */
  selfTile: null,
  grid: new TileGrid(byId('tiles'), byId('stage')),
  clock: new ServerClock(),
  /** @type {string|null} The owning node's socket, after a `redirect`. */
  socketUrl: null,
  redirects: 0,
};
const screenShare = new ScreenShareControl({
  send: (message) => app.client?.send(/** @type {any} */ (message)),
  notify: (message) => showNotice(message),
  self: () => app.self,
  others: () => app.participants.values(),
  config: () => media.config,
});
const media = new RoomMedia({
  send: (message) => app.client?.send(/** @type {any} */ (message)),
  notify: (message, sticky) => showNotice(message, { sticky }),
  grid: app.grid,
  showScreen: (track) => screenShare.showRemote(track),
});
const link = new RoomLink(media, app.grid, () => app.phase === 'joined' && app.client?.isOpen === true);
const board = new Board(app.clock, { token: () => app.token, sessionId: () => app.sessionId });
const calls = new CallActions({
  send: (message) => app.client?.send(/** @type {any} */ (message)),
  self: () => app.self,
  others: () => app.participants.values(),
  notify: (message) => showNotice(message),
  announce,
  muteSelf: () => { if (!app.audioMuted) toggle('audio'); },
  leave: () => leave(),
});
const devices = new CallDevices({
  stream: () => app.stream,
  publisher: () => media.publisher,
  muted: () => ({ audio: app.audioMuted, video: app.videoMuted }),
  selfTile: () => app.selfTile,
  grid: app.grid,
  notify: (message) => showNotice(message),
});
const roster = new Roster(app, { calls, link, media, screenShare });
const reconnector = new Reconnector({
  // a rejoin asks the page's own node again: the owner may have died meanwhile
  attempt: () => { app.socketUrl = null; app.redirects = 0; void connect(); },
  abandon: () => app.client?.close(),
  giveUp: () => fail(explainClose(1006, '', true).message, 'rejoin'),
});

// ------------------------------------------------------------------ failures

/**
 * Ends everything and shows a blocking error.
 * @param {string} message
 * @param {ErrorAction} [action]
 */
function fail(message, action = 'none') {
  app.phase = 'error';
  app.error = message;
  teardown();
  hideNotice();
  showErrorScreen(message, action);
}

/**
 * Stops media, peer connections, the ping timer and (unless kept) the socket.
 * @param {{keepSocket?: boolean}} [options]
 */
function teardown(options = {}) {
  app.clock.stop();
  reconnector.cancel();
  closePeers();
  app.prejoin?.hide();
  for (const track of app.stream?.getTracks() ?? []) track.stop();
  app.stream = null;
  app.selfTile?.destroy();
  app.selfTile = null;
  if (!options.keepSocket) app.client?.close();
}

/** Closes both PeerConnections and the remote tiles; stops quality reports and media recovery. */
function closePeers() {
  link.stop();
  screenShare.stop(false); // the server ends a share whose sharer left or dropped
  media.close();
}

/** The socket dropped while joined: keep the page (camera, board), rejoin in the background. */
function startReconnecting() {
  app.phase = 'reconnecting';
  closePeers();
  board.disconnected();
  reconnector.begin();
}

// ------------------------------------------------------------------ joining

async function join() {
  if (app.phase !== 'prejoin' || !app.prejoin) return;
  const choice = app.prejoin.choice();
  if (!choice) return;
  app.phase = 'joining';
  app.prejoin.setBusy(true);
  app.stream = choice.stream;
  app.audioMuted = choice.audioMuted;
  app.videoMuted = choice.videoMuted;
  app.displayName = choice.displayName;
  await connect();
}

/** Opens a socket and sends `join` (the first join and every automatic rejoin). */
async function connect() {
  const client = new SessionClient(app.socketUrl ?? sessionSocketUrl(app.sessionId));
  app.client = client;
  app.clock.attach(client);
  board.attach(client);
  client
    .on('joined', onJoined)
    .on('participant_joined', (msg) => roster.upsert(msg.participant, true))
    .on('participant_updated', (msg) => roster.upsert(msg.participant, false))
    .on('participant_left', (msg) => roster.remove(msg.participant_id, msg.reason))
    .on('mute_requested', (msg) => calls.muteRequested(msg))
    .on('speakers', (msg) => {
      app.grid.setSpeakers(msg.active ?? null, msg.speaking ?? []);
      app.selfTile?.setSpeaking((msg.speaking ?? []).includes(app.self?.participant_id ?? ''));
    })
    .on('publish_answer', (msg) => screenShare.acceptAnswer(msg) || media.acceptPublishAnswer(msg))
    .on('subscribe_offer', (msg) => media.handleSubscribeOffer(msg))
    .on('error', onServerError)
    .on('bye', onBye)
    .on('redirect', (msg) => { app.socketUrl = msg.url; })
    .onClose((info) => {
      if (client !== app.client) return; // an earlier socket
      app.clock.stop();
      // another node owns the session: join there (a few hops at most)
      if (info.code === CloseCode.REDIRECT && app.socketUrl && ++app.redirects <= 3) return void connect();
      if (app.phase === 'left' || app.phase === 'error' || info.byClient) return;
      if (app.phase === 'reconnecting' && !info.refused) return reconnector.retry();
      if (app.phase === 'joined' && isDrop(info)) return startReconnecting();
      const explained = explainClose(info.code, info.reason, app.phase === 'joined');
      if (!info.refused && app.byeMessage) explained.message = app.byeMessage;
      fail(explained.message, explained.action);
    });
  try {
    await client.open();
  } catch {
    return; // The close handler has shown why.
  }
  app.joinId = client.send({
    type: 'join',
    protocol_version: PROTOCOL_VERSION,
    token: app.token,
    display_name: app.displayName,
  });
}

/** @param {Joined} msg */
function onJoined(msg) {
  if (app.phase !== 'joining' && app.phase !== 'reconnecting') return;
  const rejoin = app.phase === 'reconnecting';
  app.phase = 'joined';
  if (rejoin) reconnector.succeeded();
  app.participants = new Map(
    msg.participants
      .filter((p) => p.participant_id !== msg.you.participant_id)
      .map((p) => [p.participant_id, p]),
  );
  media.config = peerConfig(msg.ice_servers, new URLSearchParams(location.search).has('relay'));
  app.prejoin?.hide();
  showSessionHeader(msg.session);
  showOwnRole(msg.you.role);
  showScreen('room');
  byId('layout-button').hidden = msg.session.kind !== SessionKind.CIRCLE;

  const publishing = publishes(msg.you.role);
  if (!publishing && app.stream) {
    for (const track of app.stream.getTracks()) track.stop();
    app.stream = null;
  }
  app.self = { ...msg.you, audio_muted: app.audioMuted, video_muted: app.videoMuted };
  for (const participant of app.participants.values()) {
    if (publishes(participant.role)) app.grid.upsert(participant);
  }
  byId('self-tile').hidden = !publishing;
  app.selfTile?.destroy();
  if (publishing) {
    app.selfTile = new Tile(app.self, { self: true });
    app.selfTile.setStream(app.stream);
  }
  app.grid.layout();
  roster.render();
  renderOwnControls();
  if (publishing && (app.audioMuted || app.videoMuted)) sendMediaState();
  devices.watch();
  if (publishing && app.stream && app.stream.getTracks().length > 0) {
    void media.publish(app.stream, msg.codecs ?? {}).then((error) => { if (error) app.error = error; });
  }
  link.joined(msg.you);
  app.clock.start(msg.server_time);
  board.joined(msg, rejoin);
  if (!rejoin) void showPreviousSession(byId('previous-session'), app.sessionId, app.token);
  announce(rejoin ? 'Reconnected.' : `You joined ${msg.session.title}.`);
  if (!rejoin) focusFirstControl();
}

// ------------------------------------------------------------------ server notices

/** @param {import('./wire.js').ErrorMessage} msg */
function onServerError(msg) {
  if (board.handleError(msg) || screenShare.handleError(msg)) return;
  const joining = app.phase === 'joining' || app.phase === 'reconnecting';
  if (joining && (msg.re == null || msg.re === app.joinId)) {
    const explained = explainJoinError(msg.code, msg.message);
    fail(explained.message, explained.action);
    return;
  }
  if (msg.code === ErrorCode.STALE_ANSWER) return; // A newer subscribe_offer follows.
  showNotice(msg.message || 'The server refused that request.');
}

/** @param {import('./wire.js').Bye} msg */
function onBye(msg) {
  if (msg.reason === LeaveReason.REPLACED) {
    const explained = explainClose(CloseCode.REPLACED, '', true);
    fail(explained.message, explained.action);
    return;
  }
  if (app.phase === 'joining' || app.phase === 'reconnecting') {
    app.byeMessage = msg.message; // Refused: the close code that follows says more.
    return;
  }
  const wasLeaving = app.phase === 'left';
  app.phase = 'left';
  teardown();
  hideNotice();
  calls.closeDialogs();
  if (!wasLeaving) showByeScreen(msg); // else the left screen shows already
}

// ------------------------------------------------------------------ controls

function sendMediaState() {
  app.client?.send({ type: 'set_media_state', audio_muted: app.audioMuted, video_muted: app.videoMuted });
}

function renderOwnControls() {
  renderControls({
    audioMuted: app.audioMuted,
    videoMuted: app.videoMuted,
    hasAudio: (app.stream?.getAudioTracks().length ?? 0) > 0,
    hasVideo: (app.stream?.getVideoTracks().length ?? 0) > 0,
    publishing: publishes(app.self?.role ?? Role.OBSERVER),
  });
}

/** @param {'audio'|'video'} kind */
function toggle(kind) {
  if (app.phase !== 'joined' || !app.stream || !app.self) return;
  if (kind === 'audio') app.audioMuted = !app.audioMuted;
  else app.videoMuted = !app.videoMuted;
  for (const track of app.stream.getAudioTracks()) track.enabled = !app.audioMuted;
  for (const track of app.stream.getVideoTracks()) track.enabled = !app.videoMuted;
  app.self = { ...app.self, audio_muted: app.audioMuted, video_muted: app.videoMuted };
  app.selfTile?.update(app.self);
  renderOwnControls();
  roster.render();
  sendMediaState();
}

function leave() {
  if (app.phase !== 'joined' && app.phase !== 'joining' && app.phase !== 'reconnecting') return;
  const client = app.client;
  client?.send({ type: 'leave' });
  app.phase = 'left';
  teardown({ keepSocket: true }); // The server answers with bye and closes.
  hideNotice();
  showLeftScreen('You left the session', 'You can rejoin with the same link while it is valid.', true);
  window.setTimeout(() => client?.close(), 2000);
}

// ------------------------------------------------------------------ start-up

async function loadSessionInfo() {
  try {
    showSessionHeader(await getSession(app.sessionId));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      fail('This session does not exist.');
    } else if (app.phase === 'prejoin') {
      showNotice(error instanceof Error ? error.message : 'Could not load the session.');
    }
  }
}

function main() {
  setupFeedback(() => app.sessionId, () => app.token);
  installTestHook({
    phase: () => app.phase,
    selfId: () => app.self?.participant_id ?? null,
    participants: () => app.participants.values(),
    error: () => app.error,
    subscriber: () => media.subscriber,
    publishPc: () => media.publisher?.pc ?? null,
    grid: app.grid,
    board: () => board.snapshot(),
    link: () => link,
    selfHand: () => app.self?.hand_raised_at != null,
  });
  setupRoomChrome(app.grid);
  byId('toggle-mic').addEventListener('click', () => toggle('audio'));
  byId('toggle-camera').addEventListener('click', () => toggle('video'));
  new Shortcuts({
    active: () => app.phase === 'joined',
    mic: () => toggle('audio'),
    camera: () => toggle('video'),
    hand: () => calls.toggleHand(),
    chat: () => { board.tabs.select('chat'); byId('chat-input').focus(); },
    people: () => { board.tabs.select('people'); byId('tab-people').focus(); },
  });
  window.addEventListener('pagehide', () => {
    if (app.phase === 'joined') app.client?.send({ type: 'leave' });
  });

  const sessionId = sessionIdFromPath(window.location.pathname);
  if (!sessionId) return fail('This is not a session link.');
  app.sessionId = sessionId;
  const token = tokenFromHash(window.location.hash);
  void loadSessionInfo();
  if (!token) return fail('This link has no invite token. Open the full invite link your mentor sent you.');
  app.token = token;
  const claims = decodeClaims(token);
  if (isExpired(claims)) return fail('This invite has expired. Ask your mentor for a new link.');

  const role = claims?.role ?? '';
  app.prejoin = new PreJoin({
    observer: role === Role.OBSERVER,
    suggestedName: claims?.name ?? '',
    roleText: role ? `You are joining as ${roleLabel(role).toLowerCase()}.` : '',
  });
  showScreen('prejoin');
  byId('prejoin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void join();
  });
  void app.prejoin.start().then(() => {
    // The session may have failed to load while the camera was starting.
    if (app.phase === 'error') for (const track of app.prejoin?.stream?.getTracks() ?? []) track.stop();
  });
}

main();
