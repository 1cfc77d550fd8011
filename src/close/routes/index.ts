import type { FastifyInstance } from 'fastify';

/** Every Close route module; each is an encapsulated plugin under the Close prefix. */
export default async function registerRoutes(app: FastifyInstance) {
  const modules = [
    await import('./me.js'),
  ];
  for (const m of modules) await app.register(m.default);
}
