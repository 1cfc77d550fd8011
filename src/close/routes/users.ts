import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { IdParams, PAGE_LIMITS, pageQuery, closeErrors } from '../../../schemas/close/common.js';
import {
  OrganizationPartial, OrganizationQuery, OrganizationUpdate, USER_ORDER_BY, UserList, UserOneQuery, UserPartial,
} from '../../../schemas/close/users.js';
import { validationError } from '../../core/errors.js';
import { trimFields } from '../fields.js';
import { trimPage } from './trim.js';

const ListQuery = Type.Composite([pageQuery(PAGE_LIMITS.user), Type.Object({ _order_by: Type.Optional(USER_ORDER_BY) })]);

const EXPANDS = new Set(['memberships__user', 'inactive_memberships__user']);

/** `_expand=memberships__user,inactive_memberships__user` → which membership lists nest `user`. */
function expansions(expand: string | undefined): { active: boolean; inactive: boolean } {
  const names = (expand ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !EXPANDS.has(n));
  // Real API: undocumented expansions are ignored or refused (unknown); here: refused, naming `_expand`.
  if (unknown.length) throw validationError(`_expand: unknown expansion ${unknown.join(', ')}`, { _expand: `Only memberships__user and inactive_memberships__user can be expanded, not ${unknown.join(', ')}.` });
  return { active: names.includes('memberships__user'), inactive: names.includes('inactive_memberships__user') };
}

/** The organization's users, and the organization itself (name, statuses, memberships). */
export default async function userRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const users = app.closeStore.users;

  app.get('/user/', { schema: { querystring: ListQuery, response: { 200: UserList, ...closeErrors } } }, async (req) =>
    trimPage(users.list(req.closeOrg.id, req.query), req.query._fields));

  app.get('/user/:id/', { schema: { params: IdParams, querystring: UserOneQuery, response: { 200: UserPartial, ...closeErrors } } }, async (req) => {
    // Real API: the spec lists _order_by, _limit and _skip on this single-object GET too; here: refused, as they mean nothing.
    const meaningless = (['_order_by', '_limit', '_skip'] as const).filter((k) => req.query[k] !== undefined);
    if (meaningless.length) {
      throw validationError(`${meaningless.join(', ')}: not supported on a single user`,
        Object.fromEntries(meaningless.map((k) => [k, 'Only _fields applies to a single user.'])));
    }
    return trimFields(users.get(req.closeOrg.id, req.params.id), req.query._fields);
  });

  app.get('/organization/:id/', { schema: { params: IdParams, querystring: OrganizationQuery, response: { 200: OrganizationPartial, ...closeErrors } } }, async (req) =>
    trimFields(users.organization(req.closeOrg.id, req.params.id, expansions(req.query._expand)), req.query._fields));

  app.put('/organization/:id/', { schema: { params: IdParams, querystring: OrganizationQuery, body: OrganizationUpdate, response: { 200: OrganizationPartial, ...closeErrors } } }, async (req) => {
    const expand = expansions(req.query._expand);
    // Real API: `currency` and a reordered `lead_statuses` are writable too; here: only `name`, anything else is refused by name
    // — but `lead_statuses` in their current order (an organization sent back as it was read) is taken, as it changes nothing.
    const current = users.organization(req.closeOrg.id, req.params.id, expand);
    const order = (list: unknown) => Array.isArray(list) ? list.map((x) => (typeof x === 'object' && x !== null ? (x as { id?: unknown }).id : x)).join(' ') : null;
    const body = req.body as Record<string, unknown>;
    if (Object.hasOwn(body, 'lead_statuses') && order(body.lead_statuses) === order(current.lead_statuses)) delete body.lead_statuses;
    const others = Object.keys(req.body).filter((k) => k !== 'name');
    if (others.length) {
      throw validationError(`${others.join(', ')}: only name can be updated here`, Object.fromEntries(others.map((k) => [k, k === 'lead_statuses'
        ? 'Not supported by the emulator: lead statuses keep their order here.'
        : 'Only the organization\'s name can be updated in the emulator.'])));
    }
    if (req.body.name !== undefined) users.rename(req.closeOrg.id, req.params.id, req.body.name, req.closeUserId);
    return trimFields(users.organization(req.closeOrg.id, req.params.id, expand), req.query._fields);
  });
}
