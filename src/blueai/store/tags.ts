import { cached, type Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import { conflict, notFound, validationError } from '../../core/errors.js';
import {
  MAX_TAGS, type AssignmentCreateT, type TagAssignmentT, type TagCreateT, type TagPatchT, type TagResourceType, type TagT,
} from '../../../schemas/blueai/tags.js';
import { Refs } from './refs.js';

const TABLE_OF = new Map<TagResourceType, 'blueai_deals' | 'blueai_companies' | 'blueai_contacts'>([
  ['deal', 'blueai_deals'], ['company', 'blueai_companies'], ['contact', 'blueai_contacts'],
]);

const TAG_COLUMNS = 'id, name, color, created_at, updated_at';
const ASSIGNMENT_SELECT = `SELECT a.id, a.tag_id, a.resource_type, a.resource_id, t.name AS tag_name, t.color AS tag_color, a.created_at
  FROM blueai_tag_assignments a JOIN blueai_tags t ON t.org_id = a.org_id AND t.id = a.tag_id`;

/** The key a name is unique by: case-insensitive (Unicode lower case, not only ASCII). */
export const tagNameKey = (name: string) => name.toLowerCase();

/** Tags of the organization and their assignments to deals, companies and contacts. */
export class TagStore {
  private readonly refs: Refs;

  constructor(private readonly db: Db, private readonly ids: Ids, private readonly clock: Clocks) {
    this.refs = new Refs(db);
  }

  /** Real API: the order is not documented; here: by name, case-insensitively (ties by id). */
  list(orgId: string): TagT[] {
    return cached(this.db, `SELECT ${TAG_COLUMNS} FROM blueai_tags WHERE org_id = ? ORDER BY name_key, id`).all(orgId) as TagT[];
  }

  get(orgId: string, id: string): TagT {
    const tag = cached(this.db, `SELECT ${TAG_COLUMNS} FROM blueai_tags WHERE org_id = ? AND id = ?`).get(orgId, id) as TagT | undefined;
    if (!tag) throw notFound(`Tag ${id} not found`);
    return tag;
  }

  create(orgId: string, input: TagCreateT): TagT {
    const name = cleanName(input.name);
    const now = this.clock.iso(orgId);
    const tag: TagT = { id: this.ids.hex('tag_'), name, color: input.color, created_at: now, updated_at: now };
    this.db.transaction(() => {
      const n = cached(this.db, `SELECT count(*) FROM blueai_tags WHERE org_id = ?`).pluck().get(orgId) as number;
      if (n >= MAX_TAGS) throw validationError(`An organization has at most ${MAX_TAGS} tags`, { name: `at most ${MAX_TAGS} tags` });
      this.checkUnique(orgId, name, null);
      cached(this.db, `INSERT INTO blueai_tags (org_id, id, name, name_key, color, created_at, updated_at)
        VALUES (@org_id, @id, @name, @name_key, @color, @created_at, @updated_at)`).run({ ...tag, org_id: orgId, name_key: tagNameKey(name) });
    })();
    return tag;
  }

  update(orgId: string, id: string, patch: TagPatchT): TagT {
    const current = this.get(orgId, id);
    const next: TagT = {
      ...current,
      name: patch.name === undefined ? current.name : cleanName(patch.name),
      color: patch.color ?? current.color,
      updated_at: this.clock.iso(orgId),
    };
    this.db.transaction(() => {
      this.checkUnique(orgId, next.name, id);
      cached(this.db, `UPDATE blueai_tags SET name = @name, name_key = @name_key, color = @color, updated_at = @updated_at
        WHERE org_id = @org_id AND id = @id`).run({ ...next, org_id: orgId, name_key: tagNameKey(next.name) });
    })();
    return next;
  }

  /** Deletes a tag and its assignments in one transaction. */
  delete(orgId: string, id: string): void {
    const gone = this.db.transaction(() => {
      if (cached(this.db, `DELETE FROM blueai_tags WHERE org_id = ? AND id = ?`).run(orgId, id).changes === 0) return false;
      cached(this.db, `DELETE FROM blueai_tag_assignments WHERE org_id = ? AND tag_id = ?`).run(orgId, id);
      return true;
    })();
    if (!gone) throw notFound(`Tag ${id} not found`);
  }

  /**
   * Assigns a tag to a deal, company or contact of the organization. Real API: a repeated assignment
   * is not documented; here: idempotent — the existing assignment comes back and `created` is false.
   */
  assign(orgId: string, input: AssignmentCreateT): { assignment: TagAssignmentT; created: boolean } {
    this.refs.require('tag_id', 'blueai_tags', orgId, input.tag_id);
    this.refs.require('resource_id', TABLE_OF.get(input.resource_type)!, orgId, input.resource_id);
    return this.db.transaction(() => {
      const existing = this.findAssignment(orgId, input.tag_id, input.resource_type, input.resource_id);
      if (existing) return { assignment: existing, created: false };
      const id = this.ids.hex('taga_');
      cached(this.db, `INSERT INTO blueai_tag_assignments (org_id, id, tag_id, resource_type, resource_id, created_at)
        VALUES (?, ?, ?, ?, ?, ?)`).run(orgId, id, input.tag_id, input.resource_type, input.resource_id, this.clock.iso(orgId));
      return { assignment: this.findAssignment(orgId, input.tag_id, input.resource_type, input.resource_id)!, created: true };
    })();
  }

  /** Removes one assignment; an unknown tag, or a tag not assigned to that record, is a 404. */
  unassign(orgId: string, tagId: string, resourceType: TagResourceType, resourceId: string): void {
    this.get(orgId, tagId);
    const gone = this.db.transaction(() =>
      cached(this.db, `DELETE FROM blueai_tag_assignments WHERE org_id = ? AND tag_id = ? AND resource_type = ? AND resource_id = ?`)
        .run(orgId, tagId, resourceType, resourceId).changes > 0)();
    if (!gone) throw notFound(`Tag ${tagId} is not assigned to ${resourceType} ${resourceId}`);
  }

  private findAssignment(orgId: string, tagId: string, type: TagResourceType, resourceId: string): TagAssignmentT | undefined {
    return cached(this.db, `${ASSIGNMENT_SELECT} WHERE a.org_id = ? AND a.tag_id = ? AND a.resource_type = ? AND a.resource_id = ?`)
      .get(orgId, tagId, type, resourceId) as TagAssignmentT | undefined;
  }

  /** 409 when another tag of the organization has this name, ignoring case. */
  private checkUnique(orgId: string, name: string, self: string | null): void {
    const other = cached(this.db, `SELECT id FROM blueai_tags WHERE org_id = ? AND name_key = ?`).pluck().get(orgId, tagNameKey(name)) as string | undefined;
    if (other !== undefined && other !== self) {
      throw conflict(`A tag named "${name}" already exists (${other}); tag names are unique, ignoring case`, { tag_id: other, fields: { name: 'already exists' } });
    }
  }
}

/** Real API: not documented; here: surrounding spaces are dropped and a blank name is a 400. */
function cleanName(name: string): string {
  const trimmed = name.trim();
  if (trimmed === '') throw validationError('name must not be blank', { name: 'must not be blank' });
  return trimmed;
}
