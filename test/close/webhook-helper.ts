import type { Test } from 'tap';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { call } from './helper.js';
import type { WebhookEvent } from '../../src/close/store/webhooks.js';

// A real webhook receiver for the delivery tests: it checks every signature with its own code.

/** App options that let deliveries reach the receivers below: loopback is refused unless WEBHOOK_HOSTS lists it. */
export const LOOPBACK_RECEIVERS = { webhookHosts: ['127.0.0.1'] };

export interface Received { path: string; raw: string; body: { subscription_id: string; event: WebhookEvent }; timestamp: string; signatureOk: boolean; userAgent: string | undefined }
export type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** A real receiver on 127.0.0.1 that checks every signature on its own (hex key, timestamp + raw body, HMAC-SHA256). */
export async function receiver(t: Test, handler: Handler = (_q, res) => res.end('ok')) {
  const keys = new Map<string, string>();
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = JSON.parse(raw) as Received['body'];
      const timestamp = String(req.headers['close-sig-timestamp']);
      const expected = createHmac('sha256', Buffer.from(keys.get(body.subscription_id) ?? '', 'hex')).update(timestamp + raw).digest();
      const given = Buffer.from(String(req.headers['close-sig-hash']), 'hex');
      const signatureOk = req.headers['content-type'] === 'application/json' && /^[0-9a-f]{64}$/.test(String(req.headers['close-sig-hash']))
        && given.length === expected.length && timingSafeEqual(given, expected);
      got.push({ path: req.url ?? '', raw, body, timestamp, signatureOk, userAgent: req.headers['user-agent'] });
      handler(req, res, got.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, got, keys };
}

export async function subscribe(app: FastifyInstance, rx: { url: string; keys: Map<string, string> }, events: unknown[], path = '/hook') {
  const res = await call(app, { method: 'POST', path: '/webhook/', payload: { url: rx.url + path, events } });
  if (res.statusCode !== 201) throw new Error(res.body);
  const sub = res.json() as { id: string; signature_key: string };
  rx.keys.set(sub.id, sub.signature_key);
  return sub.id;
}

