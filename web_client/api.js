// @ts-check
/**
 * The HTTP API of the server (sessions and invites).
 */

/**
 * A session as the REST API returns it.
 * @typedef {Object} SessionRecord
 * @property {string} session_id
 * @property {string} kind "one_on_one" or "circle".
 * @property {string} title
 * @property {number} capacity
 * @property {string|number|null} [scheduled_start]
 * @property {number|null} [planned_minutes]
 * @property {string|number} [created_at]
 */

/**
 * An invite link for one person.
 * @typedef {Object} Invite
 * @property {string} role
 * @property {string} token
 * @property {string} url Full link, with the token in the fragment.
 * @property {string} [short_code] The short link's code (older servers: none).
 * @property {string} [short_url] The short link to share (`/j/{code}`), revocable.
 * @property {string} expires_at ISO-8601.
 * @property {string} identity
 * @property {string|null} [display_name]
 */

/**
 * @typedef {Object} CreateSessionRequest
 * @property {string} kind
 * @property {string} title
 * @property {number} [capacity]
 * @property {string|null} [scheduled_start] ISO-8601 with a timezone offset.
 * @property {number|null} [planned_minutes]
 * @property {string} [mentor_name]
 * @property {Array<{title: string, planned_minutes?: number|null}>} [agenda] Prepared items.
 */

/**
 * @typedef {Object} CreateSessionResponse
 * @property {SessionRecord} session
 * @property {Invite} mentor_invite
 */

/** An HTTP error from the API, with the server's human message. */
export class ApiError extends Error {
  /**
   * @param {number} status HTTP status (0 when the server could not be reached).
   * @param {string} message
   */
  constructor(status, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

/**
 * Turns FastAPI's `detail` (a string, or a list of validation problems) into a sentence.
 * @param {unknown} detail
 * @returns {string}
 */
export function describeDetail(detail) {
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((item) => {
        if (!item || typeof item !== 'object') return String(item);
        const problem = /** @type {{loc?: unknown, msg?: unknown}} */ (item);
        const loc = Array.isArray(problem.loc)
          ? problem.loc.filter((part) => part !== 'body').join('.')
          : '';
        const msg = typeof problem.msg === 'string' ? problem.msg : 'is not valid';
        return loc ? `${loc}: ${msg}` : msg;
      })
      .join('; ');
  }
  return '';
}

/**
 * Sends a JSON request and returns the parsed JSON answer.
 * @param {string} method
 * @param {string} path
 * @param {{body?: unknown, token?: string}} [options]
 * @returns {Promise<unknown>}
 * @throws {ApiError}
 */
export async function request(method, path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  /** @type {Response} */
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, 'Could not reach the server. Check your connection and try again.');
  }
  /** @type {unknown} */
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const detail =
      payload && typeof payload === 'object' && 'detail' in payload
        ? describeDetail(/** @type {{detail: unknown}} */ (payload).detail)
        : '';
    throw new ApiError(response.status, detail || `The server answered ${response.status} ${response.statusText}.`);
  }
  return payload;
}

/**
 * Creates a session.
 * @param {CreateSessionRequest} body
 * @param {string} [credential] An admin or mentor credential (sent as a bearer token).
 * @returns {Promise<CreateSessionResponse>}
 * @throws {ApiError} 401/403 when the credential is missing or refused.
 */
export async function createSession(body, credential = '') {
  const options = { body, token: credential };
  return /** @type {CreateSessionResponse} */ (await request('POST', '/api/sessions', options));
}

/**
 * Creates an invite link (needs the mentor's token).
 * @param {string} sessionId
 * @param {string} mentorToken
 * @param {{role: string, display_name?: string}} body
 * @returns {Promise<Invite>}
 */
export async function createInvite(sessionId, mentorToken, body) {
  const path = `/api/sessions/${encodeURIComponent(sessionId)}/invites`;
  return /** @type {Invite} */ (await request('POST', path, { body, token: mentorToken }));
}

/**
 * A short invite link as the revoke route returns it.
 * @typedef {Object} ShortLinkRecord
 * @property {string} code
 * @property {string} session_id
 * @property {string} role
 * @property {string} display_name
 * @property {string} expires_at ISO-8601.
 * @property {string|null} revoked_at ISO-8601; null while it works.
 * @property {string} state "active", "expired", "revoked" or "unknown".
 */

/**
 * Revokes a short invite link (needs the mentor's token); revoking again is harmless.
 * @param {string} sessionId
 * @param {string} mentorToken
 * @param {string} code
 * @returns {Promise<ShortLinkRecord>}
 * @throws {ApiError} 401/403 when the token is refused, 404 for an unknown link.
 */
export async function revokeShortLink(sessionId, mentorToken, code) {
  const path = `/api/sessions/${encodeURIComponent(sessionId)}/short-links/${encodeURIComponent(code)}`;
  return /** @type {ShortLinkRecord} */ (await request('DELETE', path, { token: mentorToken }));
}

/**
 * Reads a session.
 * @param {string} sessionId
 * @returns {Promise<SessionRecord>}
 * @throws {ApiError} With status 404 when the session does not exist.
 */
export async function getSession(sessionId) {
  const path = `/api/sessions/${encodeURIComponent(sessionId)}`;
  return /** @type {SessionRecord} */ (await request('GET', path));
}

/**
 * GETs a path with a bearer token.
 * @param {string} path
 * @param {string} token
 * @returns {Promise<Response>} The (successful) response.
 * @throws {ApiError} With the server's explanation when it refuses.
 */
export async function fetchAuthorized(path, token) {
  /** @type {Response} */
  let response;
  try {
    response = await fetch(path, { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'Could not reach the server. Check your connection and try again.');
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    const detail = body && typeof body === 'object' && 'detail' in body ? describeDetail(body.detail) : '';
    throw new ApiError(response.status, detail || `The server answered ${response.status}.`);
  }
  return response;
}

/**
 * Downloads a file the server offers as an attachment (name from its
 * Content-Disposition, else `fallbackName`).
 * @param {string} path
 * @param {string} token
 * @param {string} fallbackName
 * @returns {Promise<void>}
 * @throws {ApiError}
 */
export async function downloadAuthorized(path, token, fallbackName) {
  const response = await fetchAuthorized(path, token);
  const disposition = response.headers.get('Content-Disposition') ?? '';
  const name = /filename="([^"]+)"/u.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = name;
  anchor.hidden = true;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * POSTs JSON with a bearer token.
 * @param {string} path
 * @param {string} token
 * @param {Object} [body]
 * @returns {Promise<any>} The parsed JSON reply.
 * @throws {ApiError} With the server's explanation when it refuses.
 */
export async function postAuthorized(path, token, body = {}) {
  return request('POST', path, { body, token });
}
