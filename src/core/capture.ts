import { Transform, pipeline, type Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Journal, truncateBody, utf8Prefix } from './journal.js';
import { RouteIndex } from './routes.js';

// Root hooks that feed the journal: every request outside /_mock/, kept also when it is a 404 or a
// 401 (the hooks run before the vendors' own). Bodies are cut to the journal's byte limit as they
// stream through, never buffered whole.

declare module 'fastify' {
  interface FastifyInstance {
    journal: Journal;
    routeIndex: RouteIndex;
  }
  interface FastifyRequest {
    /** The organization a vendor's auth hook resolved; null until then, or when auth failed. */
    orgId: string | null;
  }
}

interface Capture {
  time: string;
  query: Record<string, string | string[]>;
  body: BodyTap | null;
  responseBody: BodyTap | { text: string; truncated: boolean } | null;
  nearest?: string | null;
  fault: string | null;
  done: boolean;
}

/** The first `limit` bytes of a stream that passes through unchanged. */
class BodyTap extends Transform {
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;
  truncated = false;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer | string, _enc: BufferEncoding, cb: (err: null, chunk: Buffer | string) => void): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const room = this.limit - this.keptBytes;
    if (buf.length > room) this.truncated = true;
    if (room > 0) {
      const part = buf.subarray(0, room);
      this.kept.push(part);
      this.keptBytes += part.length;
    }
    cb(null, chunk);
  }

  get text(): string {
    return utf8Prefix(Buffer.concat(this.kept));
  }
}

const captures = new WeakMap<FastifyRequest, Capture>();

const isControl = (url: string) => url === '/_mock' || url.startsWith('/_mock/') || url.startsWith('/_mock?');
// GET / (links to the dashboard, src/control/home.ts) is the emulator's own page: opening it is no vendor
// call. Any other method on / is a client with a wrong base URL, and is journaled as unmatched.
const isHome = (request: FastifyRequest) => (request.method === 'GET' || request.method === 'HEAD') && (request.url === '/' || request.url.startsWith('/?'));
const pathOf = (url: string) => url.split('?')[0]!;
const hasBody = (request: FastifyRequest) =>
  Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;

/** Installs the route index and the journal on the root instance, before any route is registered. */
export function installJournal(app: FastifyInstance, opts: { size: number; bodyLimit: number }): void {
  const routes = new RouteIndex(app.vendors);
  const journal = new Journal(opts.size, opts.bodyLimit);
  app.decorate('routeIndex', routes);
  app.decorate('journal', journal);
  app.decorateRequest('orgId', null);
  app.addHook('onRoute', (route) => routes.add(route.method, route.url ?? route.path));
  if (!journal.enabled) return;

  // Callback-style hooks: no promise per hook per request.
  app.addHook('onRequest', (request, _reply, done) => {
    if (isControl(request.url) || isHome(request)) return done();
    // Copied now: validation later coerces the query in place and fills in defaults.
    // fromEntries: `?__proto__=x` is recorded as a key like any other, not assigned to the prototype.
    const query: Record<string, string | string[]> = Object.fromEntries(Object.entries(request.query as Record<string, unknown>)
      .map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]));
    captures.set(request, { time: new Date().toISOString(), query, body: null, responseBody: null, fault: null, done: false });
    done();
  });

  app.addHook('preParsing', (request, _reply, payload, done) => {
    const cap = captures.get(request);
    if (!cap) return done(null, payload);
    // @fastify/multipart reads request.raw itself, past this stream: an upload is recorded without its body.
    if (!hasBody(request) || /^multipart\//i.test(request.headers['content-type'] ?? '')) return done(null, payload);
    const tap = new BodyTap(journal.bodyLimit);
    cap.body = tap;
    done(null, pipeline(payload, tap, () => {}));
  });

  app.addHook('onSend', (request, _reply, payload, done) => {
    const cap = captures.get(request);
    if (!cap) return done(null, payload);
    if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
      cap.responseBody = truncateBody(payload, journal.bodyLimit);
      return done(null, payload);
    }
    if (payload && typeof (payload as Readable).pipe === 'function') {
      const tap = new BodyTap(journal.bodyLimit);
      cap.responseBody = tap;
      return done(null, pipeline(payload as Readable, tap, () => {}));
    }
    cap.responseBody = { text: '', truncated: false };
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    finish(request, reply, reply.statusCode);
    done();
  });
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Top-level JSON keys the journal records as "[redacted]" in the route's request and response bodies (a password, a session token). */
    journalRedact?: readonly string[];
  }
}

const REDACTED = '[redacted]';

/** The body with the keys' values replaced; a body that is not a whole JSON object is not recorded at all. */
function redact(body: { text: string; truncated: boolean } | null, keys: readonly string[] | undefined): { text: string; truncated: boolean } | null {
  if (!body || !keys || body.text === '') return body;
  let doc: unknown;
  try {
    doc = body.truncated ? undefined : JSON.parse(body.text);
  } catch {
    doc = undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { text: REDACTED, truncated: false };
  const out = Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, keys.includes(k) ? REDACTED : v]));
  return { text: JSON.stringify(out), truncated: false };
}

/** Records the request's entry (once). `status` null: no answer was sent. */
export function finish(request: FastifyRequest, reply: FastifyReply, status: number | null): void {
  const cap = captures.get(request);
  if (!cap || cap.done) return;
  cap.done = true;
  const path = pathOf(request.url);
  const hide = request.routeOptions.config?.journalRedact;
  const requestBody = redact(cap.body, hide);
  const responseBody = redact(cap.responseBody, hide);
  request.server.journal.add({
    time: cap.time,
    org: request.orgId,
    vendor: request.server.vendors.of(path),
    method: request.method,
    path,
    query: cap.query,
    status,
    duration_ms: Math.round(reply.elapsedTime * 100) / 100,
    request_body: requestBody ? requestBody.text : hasBody(request) ? null : '',
    request_body_truncated: requestBody?.truncated ?? false,
    response_body: responseBody ? responseBody.text : null,
    response_body_truncated: responseBody?.truncated ?? false,
    nearest_route: request.is404 ? nearestRoute(request) : null,
    fault: cap.fault,
  });
}

/** The nearest known route to a request that hit none (computed once per request). */
export function nearestRoute(request: FastifyRequest): string | null {
  const cap = captures.get(request);
  if (cap?.nearest !== undefined) return cap.nearest;
  const nearest = request.server.routeIndex.nearest(request.method, pathOf(request.url).replace(/\/{2,}/g, '/'));
  if (cap) cap.nearest = nearest;
  return nearest;
}

/** Notes in the request's journal entry which fault rule changed its answer. */
export function noteFault(request: FastifyRequest, ruleId: string): void {
  const cap = captures.get(request);
  if (cap) cap.fault = ruleId;
}
