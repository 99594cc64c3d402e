// @ts-check
/**
 * Chat text with its web addresses as safe links: only `http:` and `https:` URLs
 * become links (opened in a new tab with `rel="noopener noreferrer"`); everything
 * else, `javascript:` included, stays text. Built with DOM nodes, never HTML.
 */
import { el } from './dom.js';

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/giu;
const TRAILING = /[.,;:!?)\]}]+$/u;

/**
 * The nodes that show `text` with its http(s) addresses as links.
 * @param {string} text
 * @returns {Array<Node>}
 */
export function linkify(text) {
  /** @type {Array<Node>} */
  const nodes = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    const raw = match[0].replace(TRAILING, '');
    let url;
    try {
      url = new URL(raw);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    if (start > last) nodes.push(document.createTextNode(text.slice(last, start)));
    nodes.push(el('a', {
      className: 'chat-link', text: raw,
      attrs: { href: url.href, target: '_blank', rel: 'noopener noreferrer' },
    }));
    last = start + raw.length;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}
