import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TObject } from '@sinclair/typebox';
import { BulkEditAction, BulkEditCreate } from '../../../schemas/close/bulk-edit.js';
import {
  BulkActionUpdate, BulkDeleteAction, BulkDeleteCreate, BulkEmailAction, BulkEmailCreate, BulkSequenceAction, BulkSequenceCreate,
  type BulkKindName,
} from '../../../schemas/close/bulk-actions.js';
import { FieldsQuery, IdParams, PAGE_LIMITS, pageQuery, closeErrors } from '../../../schemas/close/common.js';
import { Nullable } from '../../../schemas/common.js';
import { trimFields } from '../fields.js';
import { trimPage } from './trim.js';

/** Each kind under /bulk_action/{kind}/: its body, its object, and list filters Close documents for it. */
const KINDS: { kind: BulkKindName; create: TObject; action: TObject; listFilters?: TObject }[] = [
  { kind: 'edit', create: BulkEditCreate, action: BulkEditAction },
  { kind: 'delete', create: BulkDeleteCreate, action: BulkDeleteAction },
  { kind: 'email', create: BulkEmailCreate, action: BulkEmailAction, listFilters: Type.Object({ template_id: Type.Optional(Nullable(Type.String())) }) },
  { kind: 'sequence_subscription', create: BulkSequenceCreate, action: BulkSequenceAction },
];

/** The four bulk actions: one set of routes, one store, one engine; the kind is the URL segment. */
export default async function bulkActionRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const actions = () => app.closeStore.bulkActions;

  for (const { kind, create, action, listFilters } of KINDS) {
    const base = `/bulk_action/${kind}/`;
    // What the routes serialise with: the same keys, none required, so `_fields` can trim them.
    const fields = Type.Partial(action);
    const list = Type.Object({ data: Type.Array(fields), has_more: Type.Boolean() });
    const listQuery = listFilters ? Type.Composite([pageQuery(PAGE_LIMITS.bulk_action, 100), listFilters]) : pageQuery(PAGE_LIMITS.bulk_action, 100);

    app.post(base, { schema: { body: create, response: { 200: fields, ...closeErrors } } }, async (req) => {
      const tz = req.headers['x-tz-offset'];
      return actions().create(kind, req.closeOrg.id, req.closeUserId, req.body as Record<string, unknown>, Array.isArray(tz) ? tz[0] : tz);
    });

    app.get(base, { schema: { querystring: listQuery, response: { 200: list, ...closeErrors } } }, async (req) => {
      const q = req.query as { _fields?: string; template_id?: string | null } & Parameters<ReturnType<typeof actions>['list']>[2];
      const params = q.template_id !== undefined ? { template_id: q.template_id } : undefined;
      return trimPage(actions().list(kind, req.closeOrg.id, q, params ? { params } : {}), q._fields);
    });

    app.get(`${base}:id/`, { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: fields, ...closeErrors } } }, async (req) =>
      trimFields(actions().get(kind, req.closeOrg.id, req.params.id), req.query._fields));

    // Real API: the docs describe pausing and resuming but not the call (and document no PUT for the
    // kinds besides edit); here: PUT with {"status": …} for every kind.
    app.put(`${base}:id/`, { schema: { params: IdParams, body: BulkActionUpdate, response: { 200: fields, ...closeErrors } } }, async (req) =>
      actions().setStatus(kind, req.closeOrg.id, req.closeUserId, req.params.id, req.body.status));
  }
}
