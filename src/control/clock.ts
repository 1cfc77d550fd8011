import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Clock } from '../core/clock.js';
import { ClockAdvance, ClockResponse, ClockUpdate, type ClockResponseT, type ClockUpdateT } from '../../schemas/control/clock.js';
import { controlErrors, OrgParams } from '../../schemas/control/common.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "7d", "90m", "1h30m", "250ms" or a number of milliseconds → milliseconds (the schema checked the form). */
export function durationMs(by: string | number): number {
  if (typeof by === 'number') return by;
  let ms = 0;
  for (const [, n, unit] of by.matchAll(/(\d+)(ms|w|d|h|m|s)/g)) ms += Number(n) * UNIT_MS[unit!]!;
  return ms;
}

/** An organization's clock as the control API shows it. */
export function orgClock(app: FastifyInstance, orgId: string): ClockResponseT {
  return { ...app.clock.of(orgId).state(), source: app.clock.hasOwn(orgId) ? 'organization' : 'default' };
}

function update(clock: Clock, body: ClockUpdateT): void {
  const at = body.now !== undefined ? new Date(body.now) : clock.now();
  clock.set(at, body.frozen ?? clock.frozen);
}

/**
 * The process default clock (/clock) and each organization's own (/orgs/{org}/clock). An organization
 * gets a clock of its own, starting from the default's state, the first time one is set or advanced;
 * DELETE makes it follow the default again. Own clocks are stored, so they survive a restart.
 */
export default async function clockRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const defaultState = () => ({ ...app.clock.default.state(), source: 'default' as const });
  const own = (orgId: string, change: (c: Clock) => void) => {
    const clock = app.clock.ownClock(orgId);
    change(clock);
    app.tenants.saveClock(orgId, clock.stored());
    return orgClock(app, orgId);
  };

  app.get('/clock', { schema: { response: { 200: ClockResponse, ...controlErrors } } }, async () => defaultState());
  app.put('/clock', { schema: { body: ClockUpdate, response: { 200: ClockResponse, ...controlErrors } } }, async (req) => {
    update(app.clock.default, req.body);
    return defaultState();
  });
  app.post('/clock/advance', { schema: { body: ClockAdvance, response: { 200: ClockResponse, ...controlErrors } } }, async (req) => {
    app.clock.advance(durationMs(req.body.by));
    return defaultState();
  });

  app.get('/orgs/:org/clock', { schema: { params: OrgParams, response: { 200: ClockResponse, ...controlErrors } } }, async (req) =>
    orgClock(app, app.tenants.get(req.params.org).id));
  app.put('/orgs/:org/clock', { schema: { params: OrgParams, body: ClockUpdate, response: { 200: ClockResponse, ...controlErrors } } }, async (req) =>
    own(app.tenants.get(req.params.org).id, (c) => update(c, req.body)));
  app.post('/orgs/:org/clock/advance', { schema: { params: OrgParams, body: ClockAdvance, response: { 200: ClockResponse, ...controlErrors } } },
    async (req) => own(app.tenants.get(req.params.org).id, (c) => c.advance(durationMs(req.body.by))));
  app.delete('/orgs/:org/clock', { schema: { params: OrgParams, response: { 200: ClockResponse, ...controlErrors } } }, async (req) => {
    const { id } = app.tenants.get(req.params.org);
    app.clock.clearOwn(id);
    app.tenants.saveClock(id, null);
    return orgClock(app, id);
  });
}
