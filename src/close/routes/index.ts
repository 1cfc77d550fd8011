import type { FastifyInstance } from 'fastify';

/** Every Close route module; each is an encapsulated plugin under the Close prefix. */
export default async function registerRoutes(app: FastifyInstance) {
  const modules = [
    await import('./me.js'),
    await import('./users.js'),
    await import('./search.js'),
    await import('./leads.js'),
    await import('./contacts.js'),
    await import('./opportunities.js'),
    await import('./statuses.js'),
    await import('./custom-fields.js'),
    await import('./activities.js'),
    await import('./custom-objects.js'),
    await import('./bulk-edits.js'),
  ];
  for (const m of modules) await app.register(m.default);
}
