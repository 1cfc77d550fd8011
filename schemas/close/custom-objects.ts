import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../common.js';
import { closeList } from './common.js';
import { listQuery, Required, S, withCustom, type CustomKeys } from './objects.js';

const NS = Nullable(Type.String());

export const CustomObject = withCustom({
  id: S, custom_object_type_id: S, lead_id: S, name: NS, organization_id: S, date_created: S, date_updated: S,
});
export type CustomObjectT = Static<typeof CustomObject> & CustomKeys;
export const CustomObjectPartial = Type.Partial(CustomObject);
export const CustomObjectList = closeList(CustomObjectPartial);
export const CustomObjectListQuery = listQuery({
  lead_id: Type.Optional(Type.String()),
  custom_object_type_id: Type.Optional(Type.String()),
});
export const CustomObjectCreate = withCustom({ custom_object_type_id: Required, lead_id: Required, name: Type.Optional(NS) });
export type CustomObjectCreateT = Static<typeof CustomObjectCreate> & CustomKeys;
export const CustomObjectUpdate = withCustom({ name: Type.Optional(NS) });
export type CustomObjectUpdateT = Static<typeof CustomObjectUpdate> & CustomKeys;

export const CustomObjectType = Type.Object({ id: S, name: S, organization_id: S });
export type CustomObjectTypeT = Static<typeof CustomObjectType>;
export const CustomObjectTypeList = closeList(Type.Partial(CustomObjectType));
