import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { build, listening } from '../helper.js';
import { MAX_WATCHERS } from '../../src/control/events.js';
import { ctl, digest, isControlError } from './helper.js';

// GET /_mock/events over real HTTP (a stream never ends, so app.inject cannot read it).

interface Message { event: string; data: unknown }

/** Opens the stream and reads its messages (comments and `retry:` skipped). */
async function open(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(`${url}/_mock/events`, { headers, signal: controller.signal });
  const messages: Message[] = [];
  const wake: { fn: (() => void) | null } = { fn: null };
  let raw = '';
  const reading = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        raw += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = raw.indexOf('\n\n')) >= 0) {
          const block = raw.slice(0, end);
          raw = raw.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event) messages.push({ event, data: data ? JSON.parse(data) : null });
          wake.fn?.();
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    res,
    messages,
    /** Waits until a message satisfies `pred` (or fails after 3 s). */
    async until(pred: (m: Message) => boolean): Promise<Message> {
      const deadline = Date.now() + 3000;
      for (;;) {
        const found = messages.find(pred);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no such message; got ${JSON.stringify(messages)}`);
        await new Promise<void>((resolve) => {
          wake.fn = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
    async close() {
      controller.abort();
      await reading;
    },
  };
}

const topics = (m: Message) => (m.data as { topics: string[] }).topics;

async function waitFor(cond: () => boolean, what: string) {
  for (let i = 0; i < 200 && !cond(); i++) await sleep(10);
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

t.test('a stream starts with hello and then names what changed: requests, vendor writes, control calls, job steps', async (t) => {
  const { app, url } = await listening(t, { batchSize: 1 });
  const s = await open(url);
  t.equal(s.res.status, 200);
  t.match(s.res.headers.get('content-type'), /^text\/event-stream/);
  t.equal(s.res.headers.get('cache-control'), 'no-store');
  t.same((await s.until((m) => m.event === 'hello')).data, { topics: ['requests', 'jobs', 'data', 'faults', 'control'] });
  t.equal(app.changes.size, 1, 'one watcher while the stream is open');

  await fetch(`${url}/api/v1/crm/deals`, { headers: { authorization: 'Bearer sse' } });
  const read = await s.until((m) => m.event === 'change');
  t.same(topics(read), ['requests'], 'a vendor read is a request, not a data change');

  s.messages.length = 0;
  const create = await fetch(`${url}/api/v1/crm/companies`, {
    method: 'POST', headers: { authorization: 'Bearer sse', 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Streamed KK' }),
  });
  t.equal(create.status, 201);
  const write = await s.until((m) => m.event === 'change');
  t.same(topics(write).sort(), ['data', 'requests']);

  s.messages.length = 0;
  t.equal((await fetch(`${url}/_mock/ticker`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"running": false}' })).status, 200);
  t.same(topics(await s.until((m) => m.event === 'change')), ['control']);

  // A vendor call a fault rule answers: its counters changed.
  s.messages.length = 0;
  t.equal((await fetch(`${url}/_mock/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: '/api/v1/crm/pipelines', status: 503 }) })).status, 201);
  // The rule's creation is announced in its own window; once heard, the next change opens a new one.
  t.same(topics(await s.until((m) => m.event === 'change')), ['control']);
  s.messages.length = 0;
  t.equal((await fetch(`${url}/api/v1/crm/pipelines`, { headers: { authorization: 'Bearer sse' } })).status, 503);
  t.same(topics(await s.until((m) => m.event === 'change')).sort(), ['faults', 'requests']);

  // A bulk edit created, then moved by the background runner (not through HTTP): a jobs change.
  s.messages.length = 0;
  const edit = await fetch(`${url}/api/v1/bulk_action/edit/`, {
    method: 'POST', headers: { authorization: 'Bearer sse', 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'clear_custom_field', custom_field_name: 'Industry', s_query: { type: 'object_type', object_type: 'lead' } }),
  });
  t.equal(edit.status, 200);
  t.same(topics(await s.until((m) => m.event === 'change')).sort(), ['data', 'requests'], 'the create is a vendor write');
  s.messages.length = 0;
  app.closeJobs.tick();
  t.same(topics(await s.until((m) => m.event === 'change')), ['jobs'], 'a runner step is a jobs change');

  await s.close();
  await waitFor(() => app.changes.size === 0, 'the watcher to leave');
  t.equal(app.changes.size, 0, 'a closed stream leaves no watcher behind');
});

t.test('with the journal off (JOURNAL_SIZE=0) vendor calls are still announced', async (t) => {
  const { app, url } = await listening(t, { journalSize: 0 });
  const s = await open(url);
  await s.until((m) => m.event === 'hello');
  const res = await fetch(`${url}/api/v1/crm/companies`, {
    method: 'POST', headers: { authorization: 'Bearer quiet', 'content-type': 'application/json' }, body: JSON.stringify({ name: 'No Journal KK' }),
  });
  t.equal(res.status, 201);
  t.same(topics(await s.until((m) => m.event === 'change')).sort(), ['data', 'requests']);
  t.same((await ctl(app, 'GET', '/requests')).json().data, [], 'nothing was journaled');
  await s.close();
});

t.test('with CONTROL_TOKEN the stream needs the token (401 in the control envelope); a bad one changes nothing', async (t) => {
  const { app, url } = await listening(t, { controlToken: 'sse-secret' });
  const denied = await fetch(`${url}/_mock/events`);
  t.equal(denied.status, 401);
  t.match(await denied.json(), { error: { code: 'UNAUTHORIZED', message: /CONTROL_TOKEN/ } });
  const wrong = await fetch(`${url}/_mock/events`, { headers: { authorization: 'Bearer nope' } });
  t.equal(wrong.status, 401);
  t.equal(app.changes.size, 0, 'no watcher was added');
  const s = await open(url, { authorization: 'Bearer sse-secret' });
  t.equal(s.res.status, 200);
  await s.until((m) => m.event === 'hello');
  await s.close();
});

t.test(`more than ${MAX_WATCHERS} streams at once: 503 in the control envelope, the open ones unharmed`, async (t) => {
  const { app, url } = await listening(t);
  const streams = [];
  for (let i = 0; i < MAX_WATCHERS; i++) streams.push(await open(url));
  await waitFor(() => app.changes.size === MAX_WATCHERS, 'all streams');
  const before = digest(app);
  const over = await fetch(`${url}/_mock/events`);
  t.equal(over.status, 503);
  const body = await over.json() as { error: { code: string; message: string } };
  t.same(Object.keys(body), ['error']);
  t.equal(body.error.code, 'SERVICE_UNAVAILABLE');
  t.match(body.error.message, /close one/);
  t.equal(app.changes.size, MAX_WATCHERS);
  t.equal(digest(app), before);
  await fetch(`${url}/_mock/ticker`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"batch_size": 7}' });
  await streams[0]!.until((m) => m.event === 'change');
  await Promise.all(streams.map((s) => s.close()));
  await waitFor(() => app.changes.size === 0, 'every watcher to leave');
});

t.test('closing the app ends open streams instead of waiting on them', async (t) => {
  const { app, url } = await listening(t);
  const s = await open(url);
  await s.until((m) => m.event === 'hello');
  const started = Date.now();
  await app.close();
  t.ok(Date.now() - started < 2000, `closed in ${Date.now() - started} ms`);
  t.equal(app.changes.size, 0);
  await s.close();
});

t.test('HEAD /_mock/events answers the headers and ends: no stream, no watcher', async (t) => {
  const app = await build(t);
  const res = await app.inject({ method: 'HEAD', url: '/_mock/events' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/event-stream/);
  t.equal(res.body, '');
  t.equal(app.changes.size, 0);
});

t.test('the stream is in the control OpenAPI as text/event-stream; unknown control paths stay 404', async (t) => {
  const app = await build(t);
  const doc = (await ctl(app, 'GET', '/openapi/control.json')).json();
  t.ok(doc.paths['/_mock/events']?.get?.responses?.['200']?.content?.['text/event-stream'], 'documented');
  t.notOk(doc.paths['/_mock/ui'], 'the page itself is not an API route');
  isControlError(t, await ctl(app, 'GET', '/event'), 404, 'NOT_FOUND');
  isControlError(t, await ctl(app, 'POST', '/events'), 404, 'NOT_FOUND');
});
