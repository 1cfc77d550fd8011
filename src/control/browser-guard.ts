import type { FastifyRequest } from 'fastify';
import { SQLITE_TYPE } from '../core/org-binary.js';
import { ApiError } from '../core/errors.js';
import { isWrite } from '../core/events.js';

// A web page anywhere can make the browser that shows it send a "simple" request (a form, or fetch with
// a text/plain body, no preflight) to any address, loopback included: without this guard any page a
// developer opened could reset the emulator on their machine. Browsers send Origin (and Sec-Fetch-Site)
// on every such request; curl, Node clients and app.inject send neither and pass. The guard holds with
// and without CONTROL_TOKEN (with a token it is a second lock: a page cannot know the token).

/**
 * Why a control call must be refused as a write from another site's page, or as a body that is not
 * JSON; null when it may go on. Reads (GET, HEAD, OPTIONS) always go on.
 */
export function browserGuard(request: FastifyRequest): ApiError | null {
  if (!isWrite(request.method)) return null;
  const headers = request.headers;
  const site = headerText(headers['sec-fetch-site']);
  if (site !== undefined && site.split(',').some((v) => v.trim().toLowerCase() === 'cross-site')) {
    return forbidden('Sec-Fetch-Site is cross-site');
  }
  const originText = headerText(headers.origin)?.trim();
  if (originText !== undefined) {
    const origin = parseOrigin(originText);
    if (!origin) {
      return forbidden(originText === 'null'
        ? 'Origin is null (a sandboxed page, a local file or a redirect)'
        : `Origin ${quote(originText)} is not an origin (scheme://host[:port])`);
    }
    const own = ownHost(headerText(headers.host), origin.protocol);
    if (origin.host !== own && !isLoopback(origin.hostname)) {
      return forbidden(`Origin ${origin.origin} is neither this emulator (${own ?? 'no Host header'}) nor loopback`);
    }
  }
  return contentTypeRefusal(request);
}

/** Control bodies are JSON (or a binary snapshot's database image); a call without a body (curl -X POST, no Content-Type) is fine. */
function contentTypeRefusal(request: FastifyRequest): ApiError | null {
  const type = headerText(request.headers['content-type']);
  if (type === undefined) {
    const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
    return hasBody ? unsupported('A control API body without a Content-Type is not accepted; send application/json') : null;
  }
  const media = type.split(';', 1)[0]!.trim().toLowerCase();
  // A database image (binary snapshot restore): not a type a page can send without a CORS preflight.
  if (media === 'application/json' || media === SQLITE_TYPE) return null;
  return unsupported(`Content-Type ${quote(media || type)} is not accepted: control API bodies are application/json`);
}

const forbidden = (why: string) => new ApiError(403, 'FORBIDDEN',
  `Control API writes from another site's page are refused: ${why}. Call it from this emulator's own pages, a loopback origin, or a client that sends no Origin (curl, Node)`);

const unsupported = (message: string) => new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', message);

const headerText = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(', ') : v);

const quote = (text: string) => JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);

/**
 * An Origin header's value as a URL, or null for anything but `http(s)://host[:port]` (`null`, junk,
 * a path, credentials). The WHATWG parser does the work: no pattern of our own to get wrong.
 */
export function parseOrigin(text: string): URL | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/' || text.endsWith('/')) return null;
  return url;
}

/** The request's Host as an origin's `host` would spell it (default port dropped), or null without one. */
function ownHost(host: string | undefined, protocol: string): string | null {
  if (!host) return null;
  return parseOrigin(`${protocol}//${host.trim()}`)?.host ?? null;
}

/** localhost, 127.0.0.0/8, [::1] and IPv4-mapped 127.x, as the URL parser normalises a hostname. */
export function isLoopback(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  const mapped = hostname.startsWith('[::ffff:') && hostname.endsWith(']') ? hostname.slice(8, -1).split(':') : null;
  if (mapped) return mapped.length === 2 && /^7f[0-9a-f]{2}$/.test(mapped[0]!);
  const parts = hostname.split('.');
  return parts.length === 4 && parts[0] === '127' && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}
