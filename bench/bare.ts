// The baseline server: bare Fastify (no plugins, no hooks, no schemas) answering a constant JSON body
// on the given path. Spawned by bench/run.ts as its own process, like the emulator.
//   BARE_PATH=/x BARE_BODY='{"a":1}' PORT=1234 node dist/bench/bare.js
// BARE_ROUTES_FILE=routes.json adds more: [{"method": "POST", "path": "/x", "body": "<response text>"}]
// (a file, since a snapshot is larger than an environment variable may be). POST/PUT bodies are parsed
// as JSON by Fastify's own parser, then the constant is sent.
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const app = Fastify({ bodyLimit: 256 * 1024 * 1024 });
const body = process.env.BARE_BODY ?? '{"status":"ok"}';
const json = 'application/json; charset=utf-8';
app.get(process.env.BARE_PATH ?? '/', async (_req, reply) => reply.type(json).send(body));
const file = process.env.BARE_ROUTES_FILE;
if (file) {
  for (const r of JSON.parse(readFileSync(file, 'utf8')) as { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string; body: string; status?: number }[]) {
    app.route({ method: r.method, url: r.path, handler: async (_req, reply) => reply.status(r.status ?? 200).type(json).send(r.body) });
  }
}
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
