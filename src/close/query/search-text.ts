import type { ObjectType } from './fields.js';

// The text a `text` node searches, per object type, as SQL over a row aliased `t`. A lead's text is
// its name, description and url plus its contacts' names, titles and emails; a contact's is its name,
// title, emails and phones; an opportunity's is its note.
// Real API: searches many more fields (activities, custom fields, addresses); here: only these.
//
// Building a lead's text reads its contacts, so where several text nodes read the same rows it is built
// ONCE per query: that object type's text becomes a MATERIALIZED common table (id, text) of the
// organization's objects, scanned once and joined to its objects (compile.ts `scan`). A query of 50
// text nodes then costs one text build plus 50 matches per object, not 50 builds. A lone text node
// builds its text in place, only for the rows the rest of its query leaves.

const list = (col: string, key: string, e: string) =>
  `(SELECT group_concat(json_extract(${e}.value, '$.${key}'), ' ') FROM json_each(${col}) ${e})`;

/** The search text of the row aliased `t` of type `on`. */
export function textSql(on: ObjectType, t: string): string {
  if (on === 'lead') {
    // Without statistics SQLite prefers the primary key's org_id prefix (every contact of the
    // organization, per lead); the (org_id, lead_id) index makes this a lookup.
    const contacts = `(SELECT group_concat(concat_ws(' ', c.name, c.title, ${list('c.emails', 'email', 'e')}), ' ')
      FROM close_contacts c INDEXED BY close_contacts_lead WHERE c.org_id = ${t}.org_id AND c.lead_id = ${t}.id)`;
    return `concat_ws(' ', ${t}.name, ${t}.description, ${t}.url, ${contacts})`;
  }
  if (on === 'contact') return `concat_ws(' ', ${t}.name, ${t}.title, ${list(`${t}.emails`, 'email', 'e')}, ${list(`${t}.phones`, 'phone', 'p')})`;
  return `concat_ws(' ', ${t}.note)`;
}

const TABLE: Record<ObjectType, string> = { lead: 'close_leads', contact: 'close_contacts', opportunity: 'close_opportunities' };

/** The name of the common table holding `on`'s texts; `prefix` keeps two compiled queries in one statement apart. */
export const textTable = (prefix: string, on: ObjectType) => `${prefix}_text_${on}`;

/** `name AS MATERIALIZED (SELECT id, text …)` for a WITH clause; `check` is the per-row deadline term. */
export function textTableSql(prefix: string, on: ObjectType, check: string): string {
  return `${textTable(prefix, on)}(id, text) AS MATERIALIZED (SELECT t.id, ${textSql(on, 't')} FROM ${TABLE[on]} t WHERE t.org_id = @org AND ${check})`;
}
