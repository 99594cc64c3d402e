// @ts-check
/**
 * Reading invite tokens on the client. The claims are decoded only to prefill the
 * UI (name, role) and to warn early about an expired link: the server verifies the
 * signature and stays the authority.
 */

/**
 * Claims of an invite token (all optional: nothing here is trusted).
 * @typedef {Object} InviteClaims
 * @property {string} [sid] Session id.
 * @property {string} [role]
 * @property {string} [sub] Identity.
 * @property {string} [name] Suggested display name.
 * @property {number} [exp] Expiry, unix seconds.
 */

/**
 * Reads `token` from a URL fragment such as `#token=eyJ...`.
 * @param {string} hash `location.hash`, with or without the leading `#`.
 * @returns {string|null}
 */
export function tokenFromHash(hash) {
  const params = new URLSearchParams(hash.replace(/^#/u, ''));
  const token = params.get('token');
  return token && token.trim() ? token.trim() : null;
}

/**
 * Reads the session id from a room path `/s/{session_id}`.
 * @param {string} pathname
 * @returns {string|null}
 */
export function sessionIdFromPath(pathname) {
  const match = /^\/s\/([^/]+)\/?$/u.exec(pathname);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}

/**
 * Decodes the payload (middle part) of a JWT without verifying it.
 * @param {string} token
 * @returns {InviteClaims|null} Null when it is not a readable JWT.
 */
export function decodeClaims(token) {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/gu, '+').replace(/_/gu, '/');
    const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
    const binary = atob(padded);
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    const payload = JSON.parse(new TextDecoder().decode(bytes));
    if (!payload || typeof payload !== 'object') return null;
    /** @type {InviteClaims} */
    const claims = {};
    if (typeof payload.sid === 'string') claims.sid = payload.sid;
    if (typeof payload.role === 'string') claims.role = payload.role;
    if (typeof payload.sub === 'string') claims.sub = payload.sub;
    if (typeof payload.name === 'string') claims.name = payload.name;
    if (typeof payload.exp === 'number') claims.exp = payload.exp;
    return claims;
  } catch {
    return null;
  }
}

/**
 * True when the claims carry an expiry that has passed.
 * @param {InviteClaims|null} claims
 * @param {number} [nowMs] Current time in milliseconds.
 * @returns {boolean}
 */
export function isExpired(claims, nowMs = Date.now()) {
  return Boolean(claims && typeof claims.exp === 'number' && claims.exp * 1000 <= nowMs);
}
