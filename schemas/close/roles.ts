import { Type, type Static } from '@sinclair/typebox';
import { Nullable, stringEnum } from '../common.js';
import { closeList } from './common.js';
import { Required, S } from './objects.js';

export const VISIBILITY_BEHAVIORS = ['require_assignment', 'allow_unassigned'] as const;

/**
 * A role. Real API: the response shape is undocumented (Close's OpenAPI: "Empty response body"); here:
 * the fields its create documents plus the usual ones; `is_builtin` marks the predefined roles.
 */
export const Role = Type.Object({
  id: S, name: S, organization_id: S, is_builtin: Type.Boolean(), permissions: Type.Array(S),
  visibility_user_lcf_ids: Type.Array(S), visibility_user_lcf_behavior: Nullable(stringEnum(VISIBILITY_BEHAVIORS)),
  date_created: Nullable(S), date_updated: Nullable(S),
});
export type RoleT = Static<typeof Role>;
export const RoleList = closeList(Type.Partial(Role));

const Writable = {
  permissions: Type.Optional(Type.Array(Required)),
  visibility_user_lcf_ids: Type.Optional(Nullable(Type.Array(Required))),
  visibility_user_lcf_behavior: Type.Optional(Nullable(stringEnum(VISIBILITY_BEHAVIORS))),
};
export const RoleCreate = Type.Object({ name: Required, ...Writable }, { additionalProperties: false });
export type RoleCreateT = Static<typeof RoleCreate>;
export const RoleUpdate = Type.Object({ name: Type.Optional(Required), ...Writable }, { additionalProperties: false });
export type RoleUpdateT = Static<typeof RoleUpdate>;
