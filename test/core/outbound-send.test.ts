import t, { type Test } from 'tap';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundError, OutboundPolicy, USER_AGENT, type OutboundRequest } from '../../src/core/outbound.js';
import { VERSION } from '../../src/version.js';
import { resolverOf } from '../helper.js';

// The policy's sender against real receivers on 127.0.0.1 (the only place tests send to): a bounded
// read of endless answers, a timeout that fires whatever phase hangs, no redirects, and the address
// checked where the socket connects (DNS rebinding), proven by receivers that count zero connections.

type Rx = { port: number; url: string; requests: IncomingMessage[]; connections: number; closed: Promise<void> };

async function rx(t: Test, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Rx> {
  const requests: IncomingMessage[] = [];
  let closedOne!: () => void;
  const closed = new Promise<void>((resolve) => (closedOne = resolve));
  const server = createServer((req, res) => {
    requests.push(req);
    res.on('close', closedOne);
    handler(req, res);
  });
  const r = { port: 0, url: '', requests, connections: 0, closed };
  server.on('connection', () => r.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  r.port = (server.address() as AddressInfo).port;
  r.url = `http://127.0.0.1:${r.port}`;
  return r;
}

const loopback = () => new OutboundPolicy({ allow: ['127.0.0.1'], resolver: resolverOf() });
const post = (url: string, extra: Partial<OutboundRequest> = {}): OutboundRequest =>
  ({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}', timeoutMs: 5_000, excerptChars: 500, ...extra });
const failure = async (p: Promise<unknown>): Promise<OutboundError> => {
  try {
    await p;
  } catch (err) {
    if (err instanceof OutboundError) return err;
    throw err;
  }
  throw new Error('the request succeeded');
};

t.test('a receiver sees the method, body, headers and User-Agent crm-bulk-emulator/<version>', async (t) => {
  const r = await rx(t, (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => res.end(`got ${body}`));
  });
  const answer = await loopback().send(post(`${r.url}/in`));
  t.same(answer, { status: 200, excerpt: 'got {"a":1}' });
  t.equal(USER_AGENT, `crm-bulk-emulator/${VERSION}`);
  t.match(r.requests[0]!, { method: 'POST', url: '/in', headers: { 'user-agent': USER_AGENT, 'content-type': 'application/json', 'content-length': '7' } });
});

t.test('an endless 200 body: the answer is its first 500 characters, and the connection is cut there', async (t) => {
  const r = await rx(t, (_req, res) => {
    res.writeHead(200);
    const chunk = 'é'.repeat(8192);
    const pump = () => { while (!res.destroyed && res.write(chunk)); };
    res.on('drain', pump);
    pump();
  });
  const answer = await loopback().send(post(r.url));
  t.equal(answer.status, 200);
  t.equal(answer.excerpt, 'é'.repeat(500), '500 characters, multi-byte ones whole');
  await r.closed;
  t.pass('the receiver saw its connection closed');
});

t.test('the timeout fires whatever hangs: no headers, or headers and a body that never ends', async (t) => {
  const silent = await rx(t, () => {});
  const trickle = await rx(t, (_req, res) => {
    res.writeHead(200);
    const timer = setInterval(() => res.write('.'), 20);
    res.on('close', () => clearInterval(timer));
  });
  for (const r of [silent, trickle]) {
    const err = await failure(loopback().send(post(r.url, { timeoutMs: 300 })));
    t.match(err, { kind: 'timeout', message: 'timed out after 300 ms' });
    await r.closed;
  }
});

t.test('a redirect is the answer, not followed: its Location gets no request', async (t) => {
  const target = await rx(t, (_req, res) => res.end('target'));
  const r = await rx(t, (_req, res) => {
    res.writeHead(301, { location: `${target.url}/elsewhere` });
    res.end('moved');
  });
  t.same(await loopback().send(post(r.url)), { status: 301, excerpt: 'moved' });
  t.equal(target.connections, 0);
});

t.test('DNS rebinding: a name is resolved and checked where the socket connects; refused, nothing connects', async (t) => {
  const r = await rx(t, (_req, res) => res.end('should not be reached'));
  const policy = new OutboundPolicy({ resolver: resolverOf({ 'evil.example': ['127.0.0.1'], 'mixed.example': ['10.0.0.5', '127.0.0.1'] }) });
  for (const host of ['evil.example', 'mixed.example', 'localhost']) {
    const err = await failure(policy.send(post(`http://${host}:${r.port}/`)));
    t.equal(err.kind, 'refused', host);
    t.match(err.message, /^refused by the outbound policy: .*127\.0\.0\.1|localhost names a loopback address/, host);
  }
  t.equal(r.connections, 0, 'the receiver was never connected to');
  // The connection goes where the checked lookup said: a listed name reaches the address it resolves to.
  const listed = new OutboundPolicy({ allow: ['evil.example'], resolver: resolverOf({ 'evil.example': ['127.0.0.1'] }) });
  t.same(await listed.send(post(`http://evil.example:${r.port}/`)), { status: 200, excerpt: 'should not be reached' });
  t.equal(r.connections, 1);
});

t.test("the emulator's own port is refused where it connects even when the allow-list names its host", async (t) => {
  const r = await rx(t, (_req, res) => res.end('own API'));
  const policy = new OutboundPolicy({ allow: ['127.0.0.1', 'self.example'], resolver: resolverOf({ 'self.example': ['127.0.0.1'] }) });
  policy.listening([{ address: '127.0.0.1', port: r.port }], {});
  for (const url of [`${r.url}/_mock/reset`, `http://self.example:${r.port}/_mock/reset`]) {
    t.match(await failure(policy.send(post(url))), { kind: 'refused', message: /own address and port/ }, url);
  }
  t.equal(r.connections, 0);
});

t.test('an aborted signal cancels the attempt', async (t) => {
  const r = await rx(t, () => {});
  const controller = new AbortController();
  const pending = loopback().send(post(r.url, { signal: controller.signal }));
  setTimeout(() => controller.abort(), 20);
  t.match(await failure(pending), { kind: 'cancelled' });
  t.match(await failure(loopback().send(post('ftp://127.0.0.1/'))), { kind: 'refused', message: /ftp: is not http or https/ });
});
