import { cached, type Db } from '../../core/db.js';
import { isObject, own } from '../../core/own.js';
import type { Fail } from './moments.js';

// What a field of an s_query is: where its value lives (a column, a JSON list on the row, or
// close_custom_values), what kind of value it holds, and so which conditions apply to it.

export type ObjectType = 'lead' | 'contact' | 'opportunity';
export const OBJECT_TYPES: readonly ObjectType[] = ['lead', 'contact', 'opportunity'];
/**
 * What a query node may be evaluated on: an object type a query selects, or a kind reachable only
 * inside a has_related node (a lead's addresses, a contact's sequence subscriptions).
 */
export type Scope = ObjectType | 'address' | 'sequence_subscription';
export const SCOPES: readonly Scope[] = [...OBJECT_TYPES, 'address', 'sequence_subscription'];
export const isObjectType = (s: Scope): s is ObjectType => (OBJECT_TYPES as readonly string[]).includes(s);
/** `a lead`, `an address` (`A lead`, `An address` with `capital`), for messages. */
export const article = (word: string, capital = false) => `${capital ? 'A' : 'a'}${'aeiou'.includes(word[0] ?? '') ? 'n' : ''} ${word}`;
export const TABLES: Record<ObjectType, string> = { lead: 'close_leads', contact: 'close_contacts', opportunity: 'close_opportunities' };

/** instant = a timestamp; day = a date YYYY-MM-DD; enum = one of a fixed set (choices, status type). */
export type Kind = 'text' | 'ref' | 'instant' | 'day' | 'number' | 'enum';

export const CONDITIONS: Record<Kind, readonly string[]> = {
  text: ['text', 'term', 'exists', 'boolean'],
  ref: ['reference', 'term', 'exists', 'boolean'],
  instant: ['moment_range', 'exists', 'boolean'],
  day: ['moment_range', 'term', 'exists', 'boolean'],
  number: ['number_range', 'term', 'exists', 'boolean'],
  enum: ['term', 'exists', 'boolean'],
};

interface Regular {
  kind: Kind;
  /** The column on the object's table; absent for derived fields. */
  column?: string;
  /** A JSON list column of objects; the value is this key of each element (contact emails/phones). */
  listKey?: string;
  /** A key of the JSON object each row is (an address: a json_each row of the lead's list); `*` = all its parts as one text. */
  json?: string;
  /** opportunity.status_type: the type of the opportunity's status. */
  statusType?: true;
  refTypes?: readonly string[];
  notNull?: true;
}

const USER = ['user_or_group', 'user'] as const;
const dated = {
  date_created: { kind: 'instant', column: 'date_created', notNull: true },
  date_updated: { kind: 'instant', column: 'date_updated', notNull: true },
  created_by: { kind: 'ref', column: 'created_by', refTypes: USER },
  updated_by: { kind: 'ref', column: 'updated_by', refTypes: USER },
} as const satisfies Record<string, Regular>;

/**
 * Real API: Close's own filters (its app's "Copy filters") reach a lead's addresses as
 * `has_related` → `address` with these regular fields, `location` being the whole address as text
 * (unpublished, seen in the wild); here: the same fields over the lead's stored list.
 */
const address = (key: string): Regular => ({ kind: key === 'label' ? 'enum' : 'text', json: key });

export const REGULAR_FIELDS: Record<Scope, Record<string, Regular>> = {
  lead: {
    id: { kind: 'ref', column: 'id', refTypes: ['lead'], notNull: true },
    name: { kind: 'text', column: 'name' },
    status_id: { kind: 'ref', column: 'status_id', refTypes: ['status.lead', 'status'], notNull: true },
    description: { kind: 'text', column: 'description' },
    url: { kind: 'text', column: 'url' },
    ...dated,
  },
  contact: {
    id: { kind: 'ref', column: 'id', refTypes: ['contact'], notNull: true },
    lead_id: { kind: 'ref', column: 'lead_id', refTypes: ['lead'], notNull: true },
    name: { kind: 'text', column: 'name' },
    title: { kind: 'text', column: 'title' },
    emails: { kind: 'text', column: 'emails', listKey: 'email' },
    phones: { kind: 'text', column: 'phones', listKey: 'phone' },
    ...dated,
  },
  opportunity: {
    id: { kind: 'ref', column: 'id', refTypes: ['opportunity'], notNull: true },
    lead_id: { kind: 'ref', column: 'lead_id', refTypes: ['lead'], notNull: true },
    status_id: { kind: 'ref', column: 'status_id', refTypes: ['status.opportunity', 'status'], notNull: true },
    status_type: { kind: 'enum', statusType: true },
    value: { kind: 'number', column: 'value' },
    value_period: { kind: 'enum', column: 'value_period', notNull: true },
    user_id: { kind: 'ref', column: 'user_id', refTypes: USER },
    note: { kind: 'text', column: 'note' },
    ...dated,
  },
  address: {
    label: address('label'), address_1: address('address_1'), address_2: address('address_2'), city: address('city'),
    state: address('state'), zipcode: address('zipcode'), country: address('country'), location: address('*'),
  },
  sequence_subscription: {
    id: { kind: 'ref', column: 'id', refTypes: ['sequence_subscription'], notNull: true },
    sequence_id: { kind: 'ref', column: 'sequence_id', refTypes: ['sequence'], notNull: true },
    contact_id: { kind: 'ref', column: 'contact_id', refTypes: ['contact'], notNull: true },
    status: { kind: 'enum', column: 'status', notNull: true },
    sender_email: { kind: 'text', column: 'sender_email' },
    ...dated,
  },
};

const CUSTOM_KINDS: Record<string, { kind: Kind; refTypes?: readonly string[] }> = {
  text: { kind: 'text' }, textarea: { kind: 'text' }, hidden: { kind: 'text' }, number: { kind: 'number' },
  date: { kind: 'day' }, datetime: { kind: 'instant' }, choices: { kind: 'enum' },
  user: { kind: 'ref', refTypes: USER }, contact: { kind: 'ref', refTypes: ['contact'] },
};

export type ResolvedField =
  | ({ source: 'regular'; name: string; label: string } & Regular)
  | { source: 'custom'; id: string; label: string; kind: Kind; refTypes?: readonly string[]; multiple: boolean; fieldType: string };


/** Resolves `{type: regular_field | custom_field, …}` for an object of type `on`; 400 for anything else. */
export function resolveField(db: Db, orgId: string, field: unknown, on: Scope, path: string, fail: Fail): ResolvedField {
  if (!isObject(field)) return fail(path, 'A field must be an object with a "type".');
  if (field.type === 'regular_field') {
    const ot = field.object_type;
    if (typeof ot !== 'string' || !(SCOPES as readonly string[]).includes(ot)) {
      return fail(`${path}.object_type`, `Unsupported field object_type ${JSON.stringify(ot)}; use ${SCOPES.join(', ')}.`);
    }
    if (ot !== on) {
      return fail(`${path}.object_type`, `${article(ot, true)} field cannot be used on ${article(on)}; wrap it in a has_related query.`);
    }
    const name = field.field_name;
    const def = own(REGULAR_FIELDS[on], name);
    if (!def) {
      return fail(`${path}.field_name`, `Unknown ${on} field ${JSON.stringify(name)}; supported: ${Object.keys(REGULAR_FIELDS[on]).join(', ')}.`);
    }
    return { source: 'regular', name: name as string, label: `${on}.${name as string}`, ...def };
  }
  if (field.type === 'custom_field') {
    if (!isObjectType(on)) return fail(`${path}.type`, `${article(on, true)} has no custom fields.`);
    const id = field.custom_field_id;
    if (typeof id !== 'string') return fail(`${path}.custom_field_id`, 'A custom_field needs a "custom_field_id".');
    const row = cached(db, `SELECT object_type, type, accepts_multiple_values FROM close_custom_fields WHERE org_id = ? AND id = ?`)
      .get(orgId, id) as { object_type: string; type: string; accepts_multiple_values: number } | undefined;
    if (!row) return fail(`${path}.custom_field_id`, `Unknown custom field ${id}.`);
    const fits = row.object_type === on || (row.object_type === 'shared' &&
      cached(db, `SELECT 1 FROM close_shared_field_associations WHERE org_id = ? AND field_id = ? AND object_type = ?`).get(orgId, id, on) !== undefined);
    if (!fits) {
      const what = row.object_type === 'shared' ? 'a shared field not associated with' : `a ${row.object_type} field, not a field of`;
      return fail(`${path}.custom_field_id`, `Custom field ${id} is ${what} ${on}s.`);
    }
    const kind = own(CUSTOM_KINDS, row.type);
    if (!kind) return fail(`${path}.custom_field_id`, `Custom fields of type ${row.type} cannot be queried.`);
    return { source: 'custom', id, label: `custom field ${id}`, ...kind, multiple: row.accepts_multiple_values === 1, fieldType: row.type };
  }
  return fail(`${path}.type`, `Unsupported field type ${JSON.stringify(field.type)}; use regular_field or custom_field.`);
}
