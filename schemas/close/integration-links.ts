import { Type, type Static } from '@sinclair/typebox';
import { Nullable, stringEnum } from '../common.js';
import { closeList } from './common.js';
import { Required, S } from './objects.js';

/** Close's IntegrationLinkType. */
export const INTEGRATION_LINK_TYPES = ['lead', 'contact', 'opportunity'] as const;
const NS = Nullable(S);

/** Close's IntegrationLink: a named URL template shown on leads, contacts or opportunities. */
export const IntegrationLink = Type.Object({
  id: S, name: S, type: stringEnum(INTEGRATION_LINK_TYPES), url: S, organization_id: S,
  created_by: NS, updated_by: NS, date_created: NS, date_updated: NS,
});
export type IntegrationLinkT = Static<typeof IntegrationLink>;
export const IntegrationLinkPartial = Type.Partial(IntegrationLink);
export const IntegrationLinkList = closeList(IntegrationLinkPartial);

/** Close's CreateIntegrationLink. */
export const IntegrationLinkCreate = Type.Object({ name: Required, type: stringEnum(INTEGRATION_LINK_TYPES), url: Required }, { additionalProperties: false });
export type IntegrationLinkCreateT = Static<typeof IntegrationLinkCreate>;
/** Close's UpdateIntegrationLink: every field nullable; null (or absent) keeps the value. */
export const IntegrationLinkUpdate = Type.Object({
  name: Type.Optional(Nullable(Required)), type: Type.Optional(Nullable(stringEnum(INTEGRATION_LINK_TYPES))), url: Type.Optional(Nullable(Required)),
}, { additionalProperties: false });
export type IntegrationLinkUpdateT = Static<typeof IntegrationLinkUpdate>;
