import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime } from '../common.js';
import { listEnvelope, listQuery } from './common.js';

export const Member = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Type.String(),
  role: Type.String(),
  created_at: IsoDateTime,
});
export type MemberT = Static<typeof Member>;

export const MEMBER_SORT = ['created_at', 'name'] as const;
export const MemberListQuery = listQuery(MEMBER_SORT);
export type MemberListQueryT = Static<typeof MemberListQuery>;
export const MemberList = listEnvelope(Member);
