// The baseline server: bare Fastify (no plugins, no hooks, no schemas) answering a constant JSON body
// on the given path. Spawned by bench/run.ts as its own process, like the emulator.
//   BARE_PATH=/x BARE_BODY='{"a":1}' PORT=1234 node dist/bench/bare.js
import Fastify from 'fastify';

const app = Fastify();
const body = process.env.BARE_BODY ?? '{"status":"ok"}';
app.get(process.env.BARE_PATH ?? '/', async (_req, reply) => reply.type('application/json; charset=utf-8').send(body));
await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
