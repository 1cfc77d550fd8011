import { createServer } from 'node:net';
import t from 'tap';
import { EmulatorClient, EmulatorError, EmulatorUnreachableError, startEmulator } from '../src/index.js';
import { seed } from './helper.js';

// The client's errors name the operation and the URL, against a closed port and a real listening
// emulator; waitUntilReady polls /_mock/health until a starting server answers.

/** A port nothing listens on: the system picks it, the listener is closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

t.test('a call to a closed port names the operation, the method and the URL, and why, instead of "fetch failed"', async (t) => {
  const port = await closedPort();
  const client = new EmulatorClient(`http://127.0.0.1:${port}/`);
  const err = await client.resetAll().then(() => null, (e: unknown) => e);
  t.ok(err instanceof EmulatorUnreachableError);
  const e = err as EmulatorUnreachableError;
  t.equal(e.message, `EmulatorClient.resetAll: POST http://127.0.0.1:${port}/_mock/reset failed: connect ECONNREFUSED 127.0.0.1:${port}`);
  t.match(e, { name: 'EmulatorUnreachableError', operation: 'EmulatorClient.resetAll', method: 'POST', url: `http://127.0.0.1:${port}/_mock/reset` });
  t.match((e.cause as Error).message, /fetch failed/, 'the network error is the cause');
  const nested = await client.orgs.clock('k').advance('1d').then(() => null, (x: Error) => x.message);
  t.equal(nested, `EmulatorClient.orgs.clock.advance: POST http://127.0.0.1:${port}/_mock/orgs/k/clock/advance failed: connect ECONNREFUSED 127.0.0.1:${port}`);
  const query = await client.jobs.get('bulk_x', { org: 'o' }).then(() => null, (x: Error) => x.message);
  t.match(query, `EmulatorClient.jobs.get: GET http://127.0.0.1:${port}/_mock/jobs/bulk_x?org=o failed: `, 'the URL with its query');
});

t.test('an error answer of a real emulator names the operation and the full URL', async (t) => {
  const emulator = await startEmulator({ seed, tickMs: 0 });
  t.teardown(() => emulator.close());
  const err = await emulator.client.orgs.get('nobody').then(() => null, (e: unknown) => e);
  t.ok(err instanceof EmulatorError);
  t.match((err as EmulatorError).message, new RegExp(`^EmulatorClient\\.orgs\\.get: GET ${emulator.url.replace(/\./g, '\\.')}/_mock/orgs/nobody → 404: No organization has the id or credential "nobody"$`));
  t.equal((err as EmulatorError).status, 404);
  const raw = await emulator.client.request('GET', '/nowhere').then(() => null, (e: Error) => e.message);
  t.match(raw, /^EmulatorClient\.request: GET http:\/\/127\.0\.0\.1:\d+\/_mock\/nowhere → 404/, 'request() called directly names itself');
});

t.test('waitUntilReady resolves with the health of a listening emulator, also one that starts while it waits', async (t) => {
  const running = await startEmulator({ seed, tickMs: 0 });
  t.teardown(() => running.close());
  t.match(await running.client.waitUntilReady(), { status: 'ok' });

  const port = await closedPort();
  const waiting = new EmulatorClient(`http://127.0.0.1:${port}`).waitUntilReady({ timeoutMs: 30_000, intervalMs: 20 });
  await new Promise((r) => setTimeout(r, 200));
  const late = await startEmulator({ seed, tickMs: 0, port });
  t.teardown(() => late.close());
  t.match(await waiting, { status: 'ok' });
});

t.test('waitUntilReady on a closed port rejects after timeoutMs, naming the URL and the last problem', async (t) => {
  const port = await closedPort();
  const started = Date.now();
  const message = await new EmulatorClient(`http://127.0.0.1:${port}`).waitUntilReady({ timeoutMs: 300, intervalMs: 50 }).then(() => null, (e: Error) => e.message);
  const took = Date.now() - started;
  t.equal(message, `EmulatorClient.waitUntilReady: http://127.0.0.1:${port} was not ready within 300 ms; last: EmulatorClient.waitUntilReady: GET http://127.0.0.1:${port}/_mock/health failed: connect ECONNREFUSED 127.0.0.1:${port}`);
  t.ok(took >= 250 && took < 5000, `gave up after ${took} ms`);
});
