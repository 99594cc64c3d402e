// @ts-check
/**
 * Calls to the program's REST routes as the signed-in person: the session cookie goes by
 * itself (same origin); every state-changing request echoes the CSRF cookie in
 * `X-CSRF-Token`, as the server requires.
 */

import { ApiError } from './api.js';

/** @returns {string} The CSRF token of this browser's sign-in ('' if signed out). */
export function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === 'mr_csrf') return decodeURIComponent(value.join('='));
  }
  return '';
}

/**
 * Sends a request and returns the parsed JSON answer (null for 204).
 * @param {string} method
 * @param {string} url
 * @param {unknown} [body] Sent as JSON (a string is sent as is, as text/csv).
 * @returns {Promise<any>}
 * @throws {ApiError} With the server's message (status 0 if it could not be reached).
 */
export async function programFetch(method, url, body) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') headers['X-CSRF-Token'] = csrfToken();
  /** @type {BodyInit|undefined} */
  let payload;
  if (typeof body === 'string') {
    headers['Content-Type'] = 'text/csv';
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'The server could not be reached. Check your connection.');
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = data && typeof data.detail === 'string' ? data.detail
      : data && Array.isArray(data.detail) ? data.detail.map((/** @type {any} */ d) => d.msg).join('; ')
        : `The server answered ${response.status}.`;
    throw new ApiError(response.status, detail);
  }
  return data;
}
