import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Empty, FieldsQuery, IdParams, PAGE_LIMITS, pageQuery, closeErrors } from '../../../schemas/close/common.js';
import {
  CustomField, CustomFieldCreate, CustomFieldList, CustomFieldPartial, CustomFieldSchemaResponse, CustomFieldUpdate,
  type AssociationType, type FieldObjectType,
} from '../../../schemas/close/custom-fields.js';
import { trimFields } from '../fields.js';
import { trimPage } from './trim.js';

/** URL word → stored object type: custom object fields live under `custom_object_type`. */
const KINDS: Record<string, FieldObjectType> = {
  lead: 'lead', contact: 'contact', opportunity: 'opportunity', activity: 'activity', shared: 'shared',
  custom_object_type: 'custom_object',
};
/** Real API: `/custom_field_schema/` also covers custom activity/object types; here: these three. */
const SCHEMA_KINDS: AssociationType[] = ['lead', 'contact', 'opportunity'];
const ListQuery = pageQuery(PAGE_LIMITS.custom_field);
/**
 * Real API: the plural legacy paths `/custom_fields/{lead,contact,opportunity,activity}/` are not in
 * Close's OpenAPI but still answered, and a maintained Singer tap reads custom fields there; here: each
 * answers as its singular path does, every method (docs/close.md "Endpoints", [U] seen in real clients).
 */
const PLURAL_ALIASES = new Set(['lead', 'contact', 'opportunity', 'activity']);

export default async function customFieldRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const fields = app.closeStore.customFields;
  const { events, eventKinds: k } = app.closeStore;

  const bases = Object.entries(KINDS).flatMap(([word, kind]) => [
    { base: `/custom_field/${word}/`, kind },
    ...(PLURAL_ALIASES.has(word) ? [{ base: `/custom_fields/${word}/`, kind }] : []),
  ]);
  for (const { base, kind } of bases) {
    const fk = k.customField(kind);
    app.get(base, { schema: { querystring: ListQuery, response: { 200: CustomFieldList, ...closeErrors } } }, async (req) =>
      trimPage(fields.list(req.closeOrg.id, kind, req.query), req.query._fields));

    app.post(base, { schema: { body: CustomFieldCreate, response: { 200: CustomField, ...closeErrors } } }, async (req) =>
      events.track(req.closeOrg.id, fk, null, () => fields.create(req.closeOrg.id, kind, req.body)));

    app.get(`${base}:id/`, { schema: { params: IdParams, querystring: FieldsQuery, response: { 200: CustomFieldPartial, ...closeErrors } } }, async (req) =>
      trimFields(fields.get(req.closeOrg.id, kind, req.params.id), req.query._fields));

    app.put(`${base}:id/`, { schema: { params: IdParams, body: CustomFieldUpdate, response: { 200: CustomField, ...closeErrors } } }, async (req) =>
      events.track(req.closeOrg.id, fk, req.params.id, () => fields.update(req.closeOrg.id, kind, req.params.id, req.body)));

    // Deleting a field deletes its values everywhere.
    app.delete(`${base}:id/`, { schema: { params: IdParams, response: { 200: Empty, ...closeErrors } } }, async (req) => {
      events.track(req.closeOrg.id, fk, req.params.id, () => fields.delete(req.closeOrg.id, kind, req.params.id));
      return {};
    });
  }

  for (const kind of SCHEMA_KINDS) {
    app.get(`/custom_field_schema/${kind}/`, { schema: { response: { 200: CustomFieldSchemaResponse, ...closeErrors } } }, async (req) =>
      ({ fields: fields.schemaFor(req.closeOrg.id, kind) }));
  }
}
