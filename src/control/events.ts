import type { FastifyInstance } from 'fastify';
import { ApiError } from '../core/errors.js';
import { TOPICS, type Topic } from '../core/events.js';
import { controlErrors } from '../../schemas/control/common.js';
import { EventStream } from '../../schemas/control/ui.js';

/** Watchers at once: a dashboard tab holds one stream; beyond this a forgotten loop is more likely than a team. */
export const MAX_WATCHERS = 32;
const PING_MS = 15_000;
/** A client this far behind (bytes queued in its socket) is gone or stuck: drop it rather than buffer. */
const MAX_QUEUED = 64 * 1024;

/**
 * GET /_mock/events: live change notifications as Server-Sent Events (the dashboard's live updates).
 * Each stream is one watcher of app.changes; it holds a socket and a 15 s ping timer, and nothing once it
 * closes. With no stream open the feed does no work at all.
 */
export default async function eventRoutes(app: FastifyInstance) {
  const open = new Set<() => void>();
  // Open streams would keep app.close() waiting for their sockets: end them first.
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get('/events', {
    schema: { response: { 200: { description: 'An event stream', content: { 'text/event-stream': { schema: EventStream } } }, 503: controlErrors['5xx'], ...controlErrors } },
  }, async (request, reply) => {
    // HEAD (Fastify adds it for every GET): the headers a stream would have, and no stream.
    if (request.method === 'HEAD') return reply.type('text/event-stream; charset=utf-8').header('cache-control', 'no-store').send('');
    if (app.changes.size >= MAX_WATCHERS) {
      throw new ApiError(503, 'SERVICE_UNAVAILABLE', `${MAX_WATCHERS} event streams are open already; close one (a dashboard tab) first`);
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let ended = false;
    const write = (chunk: string) => {
      if (ended) return;
      if (res.writableLength > MAX_QUEUED) return end();
      res.write(chunk);
    };
    const send = (event: string, topics: readonly Topic[]) => write(`event: ${event}\ndata: ${JSON.stringify({ topics })}\n\n`);
    const unwatch = app.changes.watch((topics) => send('change', topics));
    const ping = setInterval(() => write(': ping\n\n'), PING_MS);
    ping.unref();
    function end() {
      if (ended) return;
      ended = true;
      unwatch();
      clearInterval(ping);
      open.delete(end);
      res.end();
    }
    open.add(end);
    // The response's close is the client going away (a request's own close fires once its body is read).
    res.on('close', end);
    // A reconnecting client waits 2 s; `hello` names every topic, so it refetches everything it shows.
    write('retry: 2000\n\n');
    send('hello', TOPICS);
  });
}
