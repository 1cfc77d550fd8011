import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime, MAX_COUNT, Nullable } from '../common.js';
import { listEnvelope, stringEnum } from './common.js';

// Activities as BlueAI's reference shows them: a note, call, email or meeting on a deal or a contact.

export const ACTIVITY_TYPES = ['note', 'call', 'email', 'meeting'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** Real API: no length limit is documented; here: 10,000 characters, so one write's cost is bounded. */
export const MAX_ACTIVITY_CONTENT = 10_000;

const NStr = Nullable(Type.String());
const Content = Type.String({ minLength: 1, maxLength: MAX_ACTIVITY_CONTENT });

export const Activity = Type.Object({
  id: Type.String(),
  type: stringEnum(ACTIVITY_TYPES),
  content: Type.String(),
  deal_id: NStr,
  contact_id: NStr,
  // Real API: created_by is always a member; here: null on the stage changes the emulator records itself.
  created_by: NStr,
  created_at: IsoDateTime,
});
export type ActivityT = Static<typeof Activity>;
export const ActivityList = listEnvelope(Activity);

const paging = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: MAX_COUNT, default: 0 }),
};

/** `GET /deals/{id}/activities`: paging only, newest first. */
export const ActivityPageQuery = Type.Object(paging);
export type ActivityPageQueryT = Static<typeof ActivityPageQuery>;

/** `GET /activities`: the documented filters and paging, newest first. */
export const ActivityListQuery = Type.Object({
  type: Type.Optional(stringEnum(ACTIVITY_TYPES)),
  deal_id: Type.Optional(Type.String()),
  contact_id: Type.Optional(Type.String()),
  ...paging,
});
export type ActivityListQueryT = Static<typeof ActivityListQuery>;

export const ActivityCreate = Type.Object({
  type: stringEnum(ACTIVITY_TYPES),
  content: Content,
  deal_id: Type.Optional(NStr),
  contact_id: Type.Optional(NStr),
});
export type ActivityCreateT = Static<typeof ActivityCreate>;

export const ActivityPatch = Type.Object(
  {
    type: Type.Optional(stringEnum(ACTIVITY_TYPES)),
    content: Type.Optional(Content),
    deal_id: Type.Optional(NStr),
    contact_id: Type.Optional(NStr),
  },
  { minProperties: 1 },
);
export type ActivityPatchT = Static<typeof ActivityPatch>;
