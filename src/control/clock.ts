import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { LATEST_ISO, reachable, type Clock } from '../core/clock.js';
import { badField } from '../core/errors.js';
import { ClockAdvance, ClockResponse, ClockUpdate, type ClockResponseT, type ClockUpdateT } from '../../schemas/control/clock.js';
import { controlErrors, OrgParams } from '../../schemas/control/common.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "7d", "90m", "1h30m", "250ms" or a number of milliseconds → milliseconds (the schema checked the form). */
export function durationMs(by: string | number): number {
  if (typeof by === 'number') return by;
  let ms = 0;
  // Sticky (y): each match starts where the last ended and a failed one ends the loop. Without it a
  // run of digits with no unit ("1" × n) would be retried from each of its digits, O(n²).
  for (const [, n, unit] of by.matchAll(/(\d+)(ms|w|d|h|m|s)/gy)) ms += Number(n) * UNIT_MS[unit!]!;
  return ms;
}

/** An organization's clock as the control API shows it. */
export function orgClock(app: FastifyInstance, orgId: string): ClockResponseT {
  return { ...app.clock.of(orgId).state(), source: app.clock.hasOwn(orgId) ? 'organization' : 'default' };
}

/** The instant a PUT would jump to, refused (400 on `now`) past the latest a clock can show. */
function target(clock: Clock, body: ClockUpdateT): Date {
  const at = body.now !== undefined ? new Date(body.now) : clock.now();
  if (!reachable(at.getTime())) throw badField('now', `must be before ${LATEST_ISO}, the latest instant the clock can show`);
  return at;
}

/** How far an advance moves `clock`, refused (400 on `by`) when it would pass the latest instant. */
function step(clock: Clock, by: string | number): number {
  const ms = durationMs(by);
  if (!reachable(clock.nowMs() + ms)) {
    throw badField('by', `would move the clock to after ${LATEST_ISO}, the latest instant it can show (it is at ${clock.iso()})`);
  }
  return ms;
}

/**
 * The process default clock (/clock) and each organization's own (/orgs/{org}/clock). An organization
 * gets a clock of its own, starting from the default's state, the first time one is set or advanced;
 * DELETE makes it follow the default again. Own clocks are stored, so they survive a restart.
 */
export default async function clockRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const defaultState = () => ({ ...app.clock.default.state(), source: 'default' as const });
  // `check` runs on the clock the organization reads now, before an own clock is made, so a refused
  // move leaves the organization following the default.
  const own = <T>(orgId: string, check: (c: Clock) => T, change: (c: Clock, checked: T) => void) => {
    const checked = check(app.clock.of(orgId));
    const clock = app.clock.ownClock(orgId);
    change(clock, checked);
    app.tenants.saveClock(orgId, clock.stored());
    return orgClock(app, orgId);
  };

  app.get('/clock', { schema: { response: { 200: ClockResponse, ...controlErrors } } }, async () => defaultState());
  app.put('/clock', { schema: { body: ClockUpdate, response: { 200: ClockResponse, ...controlErrors } } }, async (req) => {
    const clock = app.clock.default;
    clock.set(target(clock, req.body), req.body.frozen ?? clock.frozen);
    return defaultState();
  });
  app.post('/clock/advance', { schema: { body: ClockAdvance, response: { 200: ClockResponse, ...controlErrors } } }, async (req) => {
    app.clock.advance(step(app.clock.default, req.body.by));
    return defaultState();
  });

  app.get('/orgs/:org/clock', { schema: { params: OrgParams, response: { 200: ClockResponse, ...controlErrors } } }, async (req) =>
    orgClock(app, app.tenants.get(req.params.org).id));
  app.put('/orgs/:org/clock', { schema: { params: OrgParams, body: ClockUpdate, response: { 200: ClockResponse, ...controlErrors } } }, async (req) =>
    own(app.tenants.get(req.params.org).id, (c) => target(c, req.body), (c, at) => c.set(at, req.body.frozen ?? c.frozen)));
  app.post('/orgs/:org/clock/advance', { schema: { params: OrgParams, body: ClockAdvance, response: { 200: ClockResponse, ...controlErrors } } },
    async (req) => own(app.tenants.get(req.params.org).id, (c) => step(c, req.body.by), (c, ms) => c.advance(ms)));
  app.delete('/orgs/:org/clock', { schema: { params: OrgParams, response: { 200: ClockResponse, ...controlErrors } } }, async (req) => {
    const { id } = app.tenants.get(req.params.org);
    app.clock.clearOwn(id);
    app.tenants.saveClock(id, null);
    return orgClock(app, id);
  });
}
