import type { FastifyInstance } from 'fastify';
import { checkReadOnlyTable, dropReadOnly } from '../read-only.js';
import { refuseUnsupported } from '../refused.js';

const PREFIX = '/api/v1';

/** Every Close route module; each is an encapsulated plugin under the Close prefix. */
export default async function registerRoutes(app: FastifyInstance) {
  // Read-only fields sent back from a GET are dropped, and documented fields we cannot honour are
  // refused, here, in one place, before the body schema runs.
  app.addHook('preValidation', async (req) => {
    const url = req.routeOptions.url ?? '';
    const route = url.startsWith(PREFIX) ? url.slice(PREFIX.length) : url;
    const id = (req.params as { id?: string } | undefined)?.id;
    dropReadOnly(req.method, route, req.body, { orgId: req.closeOrg?.id ?? '', id });
    refuseUnsupported(req.method, route, req.body);
  });
  app.addHook('onRoute', (opts) => {
    const route = opts.url.startsWith(PREFIX) ? opts.url.slice(PREFIX.length) : opts.url;
    for (const method of [opts.method].flat()) checkReadOnlyTable(method, route, opts.schema?.body);
  });
  const modules = [
    await import('./me.js'),
    await import('./users.js'),
    await import('./api-keys.js'),
    await import('./search.js'),
    await import('./leads.js'),
    await import('./lead-merge.js'),
    await import('./contacts.js'),
    await import('./opportunities.js'),
    await import('./statuses.js'),
    await import('./pipelines.js'),
    await import('./custom-fields.js'),
    await import('./activities.js'),
    await import('./typed-activities.js'),
    await import('./custom-objects.js'),
    await import('./bulk-actions.js'),
    await import('./tasks.js'),
    await import('./sequences.js'),
    await import('./emails.js'),
    await import('./email-threads.js'),
    await import('./recorded-activities.js'),
    await import('./events.js'),
    await import('./webhooks.js'),
    await import('./comments.js'),
    await import('./saved-searches.js'),
    await import('./roles.js'),
    await import('./send-as.js'),
    await import('./dialers.js'),
    await import('./integration-links.js'),
  ];
  for (const m of modules) await app.register(m.default);
}
