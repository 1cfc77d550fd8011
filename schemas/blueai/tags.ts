import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime } from '../common.js';
import { stringEnum } from './common.js';

// Tags and their assignments to deals, companies and contacts, as BlueAI's reference shows them.

export const TAG_RESOURCE_TYPES = ['deal', 'company', 'contact'] as const;
export type TagResourceType = (typeof TAG_RESOURCE_TYPES)[number];

/** Real API: limits are not documented; here: a name of 1–100 characters, at most 1,000 tags per organization. */
export const MAX_TAG_NAME = 100;
export const MAX_TAGS = 1000;

// `#RRGGBB`: a fixed-length pattern, no backtracking.
const Color = Type.String({ pattern: '^#[0-9A-Fa-f]{6}$', description: '#RRGGBB' });
const Name = Type.String({ minLength: 1, maxLength: MAX_TAG_NAME });

export const Tag = Type.Object({
  id: Type.String(),
  name: Type.String(),
  color: Type.String(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type TagT = Static<typeof Tag>;

export const TagList = Type.Object({ tags: Type.Array(Tag) });
export const TagAnswer = Type.Object({ tag: Tag });

export const TagCreate = Type.Object({ name: Name, color: Color });
export type TagCreateT = Static<typeof TagCreate>;
export const TagPatch = Type.Object({ name: Type.Optional(Name), color: Type.Optional(Color) }, { minProperties: 1 });
export type TagPatchT = Static<typeof TagPatch>;

export const TagAssignment = Type.Object({
  id: Type.String(),
  tag_id: Type.String(),
  resource_type: stringEnum(TAG_RESOURCE_TYPES),
  resource_id: Type.String(),
  tag_name: Type.String(),
  tag_color: Type.String(),
  created_at: IsoDateTime,
});
export type TagAssignmentT = Static<typeof TagAssignment>;
export const AssignmentAnswer = Type.Object({ assignment: TagAssignment });

export const AssignmentCreate = Type.Object({
  tag_id: Type.String({ minLength: 1 }),
  resource_type: stringEnum(TAG_RESOURCE_TYPES),
  resource_id: Type.String({ minLength: 1 }),
});
export type AssignmentCreateT = Static<typeof AssignmentCreate>;

export const TagIdParams = Type.Object({ tag_id: Type.String() });
export const AssignmentDeleteQuery = Type.Object({
  resource_type: stringEnum(TAG_RESOURCE_TYPES),
  resource_id: Type.String({ minLength: 1 }),
});
export type AssignmentDeleteQueryT = Static<typeof AssignmentDeleteQuery>;

/** Real API: deal, company and contact answers show no tags and the lists document no tag filter; here:
 * the three lists take `tag_id`, only the records carrying that tag (an unknown tag matches nothing). */
export const tagFilter = {
  tag_id: Type.Optional(Type.String({ description: 'Emulator extension: only records with this tag assigned' })),
};
