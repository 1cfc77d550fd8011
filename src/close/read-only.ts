import { validationError } from '../core/errors.js';
import { isObject, own } from '../core/own.js';

/**
 * What becomes of a read-only key of an object Close gave out when a client sends it back in a write:
 * - `ignore`: dropped, whatever its value (derived or stamped fields: `display_name`, `date_updated`, …);
 * - `org`: dropped, whatever organization it names: Close's own scripts copy objects between organizations
 *   (clone_organization.py, import_leads_from_close_json.py) with the source's `organization_id` in the body,
 *   and a write always lands in the key's organization;
 * - `id`: dropped on a create; on an update, dropped when it is the path's id, else a 400 (an id never changes);
 * - `null`: dropped when null (a GET shows null where the write takes a string or a list);
 * - `{ equals }`: dropped when it is that value (`_type` of the route's own type), else a 400 naming it
 *   (with `keep`: else left for REFUSED_FIELDS to refuse with its own reason);
 * - `{ sameAs }`: dropped when it equals another key of the same body (an email's `activity_at` is its
 *   `date_created` here), else left for the body schema or REFUSED_FIELDS to judge.
 */
type Rule = 'ignore' | 'org' | 'id' | 'null' | { equals: string; keep?: true } | { sameAs: string };
type Table = Readonly<Record<string, Rule>>;

/** Stamps and the names derived from them, read-only on every object that has them. */
const STAMPS: Table = {
  id: 'id', organization_id: 'org', date_updated: 'ignore', updated_by: 'ignore', updated_by_name: 'ignore', created_by_name: 'ignore',
};
/** Stamps a create does not take either (the key's user, the clock's now). */
const CREATED: Table = { date_created: 'ignore', created_by: 'ignore' };

/** A table without the creation stamps: for creates that take them as given. */
function withoutCreated(table: Table): Table {
  return Object.fromEntries(Object.entries(table).filter(([key]) => !Object.hasOwn(CREATED, key)));
}

/** A contact as a GET shows it, nested in a lead create: created fresh (new id), on the new lead. */
const CONTACT: Table = {
  ...STAMPS, ...CREATED, lead_id: 'ignore', display_name: 'ignore', recent_calls: 'ignore', subscriptions: 'ignore', integration_links: 'ignore',
};
const LEAD: Table = {
  ...STAMPS, ...CREATED, display_name: 'ignore', status_label: 'ignore', contact_ids: 'ignore', html_url: 'ignore',
  // Real API: "Activities, tasks, and opportunities must be posted separately": nested in a lead body they are ignored.
  opportunities: 'ignore', tasks: 'ignore', primary_email: 'ignore', primary_phone: 'ignore', recent_calls: 'ignore',
  integration_links: 'ignore', primary_address_summary: 'ignore',
};
const OPPORTUNITY: Table = {
  ...STAMPS, status_label: 'ignore', status_type: 'ignore', status_display_name: 'ignore', annualized_value: 'ignore', expected_value: 'ignore',
  annualized_expected_value: 'ignore', date_lost: 'ignore', pipeline_name: 'ignore', lead_name: 'ignore', contact_name: 'ignore',
  user_name: 'ignore', value_currency: 'ignore', value_formatted: 'ignore', lead_primary_email: 'ignore', lead_primary_phone: 'ignore',
  integration_links: 'ignore', comment_summary: 'ignore',
};
const TASK: Table = {
  ...STAMPS, _type: { equals: 'lead' }, lead_name: 'ignore', contact_name: 'ignore', assigned_to_name: 'ignore', date_created: 'ignore',
};
/** Every typed activity: its stamps, its user's names, `_type` of the route's own type. */
const activity = (type: string, extra: Table = {}): Table => ({
  ...STAMPS, _type: { equals: type }, user_name: 'ignore', users: 'ignore', created_by: 'ignore', ...extra,
});
const PHONES: Table = {
  local_phone_formatted: 'ignore', remote_phone_formatted: 'ignore', local_country_iso: 'ignore', remote_country_iso: 'ignore',
  sequence_id: 'ignore', sequence_name: 'ignore', sequence_subscription_id: 'ignore', cost: 'ignore',
};
const CALL = activity('Call', { ...PHONES, disposition: 'ignore', voicemail_duration: 'ignore' });
const SMS = activity('SMS', { ...PHONES, date_sent: 'ignore', error_message: 'ignore', agent_config_id: 'ignore', agent_action_reason: 'ignore' });
const EMAIL = activity('Email', {
  agent_config_id: 'ignore', agent_action_reason: 'ignore', date_sent: 'ignore', direction: 'ignore', body_preview: 'ignore',
  template_name: 'ignore', bulk_email_action_id: 'ignore', email_account_id: 'ignore', envelope: 'ignore', has_reply: 'ignore',
  message_ids: 'ignore', need_smtp_credentials: 'ignore', opens_summary: 'ignore', references: 'ignore', send_as_id: 'ignore',
  send_attempts: 'ignore', sequence_id: 'ignore', sequence_name: 'ignore', sequence_subscription_id: 'ignore', thread_id: 'ignore',
  attachments: 'null', activity_at: { sameAs: 'date_created' },
});
/** A custom field as a GET shows it: `object_type` is the route's kind, the other kinds' ids null. */
const customField = (kind: string): Table => ({
  ...STAMPS, ...CREATED, object_type: { equals: kind }, associations: 'null', custom_activity_type_id: 'null', custom_object_type_id: 'null',
});
const COMMENT: Table = {
  thread_id: 'ignore', lead_id: 'ignore', mentions: 'ignore', removed_by: 'ignore', removed_at: 'ignore', created_at: 'ignore', updated_at: 'ignore',
};
const SAVED_SEARCH: Table = { ...STAMPS, ...CREATED, shared_with: 'null', sharing_settings: 'null', user_id: 'ignore' };

/**
 * Read-only fields of each write route (`METHOD /path/:id/` under /api/v1): what a client may send back
 * from a GET, an event's `data` or `previous_data`. Real API: read-only fields in a write body are
 * ignored (Close's own scripts post objects they read); here: the same, per this table, before the body
 * schema and REFUSED_FIELDS run — and a value no GET of the caller's gives (another organization's id,
 * another `_type`, another id) is a 400 naming it. Keys a route's body schema takes are honoured there.
 * `contacts[].key` names a key inside each element of the `contacts` list.
 */
export const READ_ONLY_FIELDS: Readonly<Record<string, Table>> = Object.fromEntries([
  // A lead create takes its own date_created and created_by (imports of history, as Close's import script sends them).
  ...pair('/lead/', { ...withoutCreated(LEAD), ...nested('contacts', CONTACT) }, { ...LEAD, contacts: 'ignore' }),
  ...pair('/contact/', { ...CONTACT, lead_id: undefined }, { ...CONTACT, lead_id: undefined }),
  ...pair('/opportunity/', OPPORTUNITY, { ...OPPORTUNITY, pipeline_id: 'ignore', date_created: 'ignore', created_by: 'ignore' }),
  ...pair('/task/', TASK, TASK),
  ...pair('/activity/note/', activity('Note'), activity('Note')),
  ...pair('/activity/call/', CALL, CALL),
  ...pair('/activity/sms/', SMS, SMS),
  ...pair('/activity/email/', EMAIL, { ...EMAIL, lead_id: 'ignore', date_created: 'ignore' }),
  ['PUT /activity/meeting/:id/', activity('Meeting', {
    lead_id: 'ignore', date_created: 'ignore', duration: 'ignore', attendees: 'ignore', source: 'ignore', is_recurring: 'ignore',
  })],
  ...pair('/activity/custom/', { ...STAMPS, _type: { equals: 'CustomActivity' } },
    { ...STAMPS, _type: { equals: 'CustomActivity' }, lead_id: 'ignore', custom_activity_type_id: 'ignore', date_created: 'ignore' }),
  ...pair('/custom_object/', { ...STAMPS, ...CREATED }, { ...STAMPS, ...CREATED, lead_id: 'ignore', custom_object_type_id: 'ignore' }),
  ...same('/status/lead/', STAMPS),
  ...pair('/status/opportunity/', STAMPS, STAMPS),
  ...same('/pipeline/', { ...STAMPS, ...CREATED }),
  ...['lead', 'contact', 'opportunity', 'activity', 'shared', 'custom_object_type'].flatMap((kind) => [
    ...same(`/custom_field/${kind}/`, customField(kind === 'custom_object_type' ? 'custom_object' : kind)),
    ...(kind === 'shared' || kind === 'custom_object_type' ? [] : same(`/custom_fields/${kind}/`, customField(kind))),
  ]),
  ...same('/email_template/', { ...STAMPS, ...CREATED, attachments: 'null' }),
  ...same('/sequence/', { ...STAMPS, ...CREATED }),
  ...pair('/sequence_subscription/', { ...STAMPS, ...CREATED, lead_id: 'ignore', status: 'ignore', created_by_id: 'ignore', updated_by_id: 'ignore' },
    { ...STAMPS, ...CREATED, lead_id: 'ignore', created_by_id: 'ignore', updated_by_id: 'ignore', sequence_id: 'ignore', contact_id: 'ignore',
      contact_email: 'ignore' }),
  ...same('/saved_search/', SAVED_SEARCH),
  ...same('/role/', { ...STAMPS, ...CREATED, is_builtin: 'ignore' }),
  ...same('/integration_link/', { ...STAMPS, ...CREATED }),
  ...pair('/comment/', { ...STAMPS, ...CREATED, ...COMMENT }, { ...STAMPS, ...CREATED, ...COMMENT, object_id: 'ignore' }),
  ...pair('/webhook/', { ...STAMPS, ...CREATED, status: 'ignore' }, { ...STAMPS, ...CREATED }),
  ['PUT /organization/:id/', { ...STAMPS, ...CREATED, currency: { equals: 'USD', keep: true }, currency_symbol: 'ignore', opportunity_statuses: 'ignore', pipelines: 'ignore', memberships: 'ignore', inactive_memberships: 'ignore', lead_custom_fields: 'ignore', contact_custom_fields: 'ignore', opportunity_custom_fields: 'ignore' }],
].map(([route, table]) => [route, clean(table as Record<string, Rule | undefined>)]));

function pair(base: string, create: Record<string, Rule | undefined>, update: Record<string, Rule | undefined>): [string, Record<string, Rule | undefined>][] {
  return [[`POST ${base}`, create], [`PUT ${base}:id/`, update]];
}
/** The same table for a route's create and its update. */
function same(base: string, table: Table): [string, Table][] {
  return [[`POST ${base}`, table], [`PUT ${base}:id/`, table]];
}
function nested(list: string, table: Table): Table {
  return Object.fromEntries(Object.entries(table).map(([k, rule]) => [`${list}[].${k}`, rule]));
}
/** A key set to undefined in a spread is one the route's body takes after all (`lead_id` of a contact create). */
function clean(table: Record<string, Rule | undefined>): Table {
  return Object.fromEntries(Object.entries(table).filter((e): e is [string, Rule] => e[1] !== undefined));
}

/** What the rule says of one value: drop it, keep it, or the reason for a 400. */
function judge(rule: Rule, value: unknown, ctx: { orgId: string; id: string | undefined }, sent: Record<string, unknown>): true | false | string {
  if (rule === 'ignore') return true;
  if (typeof rule === 'object' && 'sameAs' in rule) return Object.hasOwn(sent, rule.sameAs) && sent[rule.sameAs] === value;
  if (rule === 'null') return value === null;
  // Real API: organization_id is read-only and the write lands in the key's organization, whatever it names.
  if (rule === 'org') return true;
  if (rule === 'id') return ctx.id === undefined || value === ctx.id || 'An object\'s id cannot be changed.';
  return value === rule.equals || (rule.keep ? false : `Must be "${rule.equals}" here (or left out).`);
}

/**
 * Drops the read-only keys of a write body (in place) before it is validated; throws a 400 naming each
 * read-only key whose value no GET of the caller's gives. `id` is the path's `:id` (updates).
 */
export function dropReadOnly(method: string, route: string, body: unknown, ctx: { orgId: string; id: string | undefined }): void {
  const table = own(READ_ONLY_FIELDS, `${method} ${route}`);
  if (!table || !isObject(body)) return;
  const errors: Record<string, string> = {};
  const sent = { ...body };
  const apply = (target: Record<string, unknown>, key: string, rule: Rule, name: string, idCtx: typeof ctx) => {
    if (!Object.hasOwn(target, key)) return;
    const verdict = judge(rule, target[key], idCtx, sent);
    if (verdict === true) delete target[key];
    else if (verdict !== false) errors[name] = verdict;
  };
  for (const [name, rule] of Object.entries(table)) {
    const [list, key] = name.split('[].') as [string, string | undefined];
    if (key === undefined) {
      apply(body, name, rule, name, ctx);
      continue;
    }
    const items = own(body, list);
    if (!Array.isArray(items)) continue;
    // A nested object is always created fresh: its old id is dropped.
    items.forEach((item, i) => { if (isObject(item)) apply(item, key, rule, `${list}.${i}.${key}`, { ...ctx, id: undefined }); });
  }
  const names = Object.keys(errors);
  if (names.length) throw validationError(`Read-only fields with another value: ${names.join(', ')}.`, errors);
}

/**
 * At boot (an onRoute hook): a key the route's body schema takes must not be dropped unconditionally,
 * else a value a client means would be lost without a word. Throws, naming the route and the keys.
 */
export function checkReadOnlyTable(method: string, route: string, body: unknown): void {
  const table = own(READ_ONLY_FIELDS, `${method} ${route}`);
  const props = isObject(body) && isObject(body.properties) ? body.properties : null;
  if (!table || !props) return;
  const clash = Object.entries(table).filter(([k, rule]) => rule === 'ignore' && !k.includes('[].') && Object.hasOwn(props, k)).map(([k]) => k);
  if (clash.length) throw new Error(`${method} ${route}: read-only keys the body schema takes: ${clash.join(', ')}`);
}
