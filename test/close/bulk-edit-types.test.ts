import t from 'tap';
import { build, seed, shareApps } from '../helper.js';
import { ACME_QUERY, CLOSE } from './seed-ids.js';
import { createEdit, getEdit, runToEnd, storedValue } from './bulk-helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// Every bulk edit type, applied to the two leads the documentation's query matches, checked against
// the objects those leads have in the seed.
const close = seed.close!;
const matched = close.leads.filter((l) => l.id === CLOSE.acmeInc || l.id === CLOSE.incAcmeHoldings);
const others = close.leads.filter((l) => !matched.includes(l));
const F = CLOSE.field;
const field = (id: string) => close.custom_fields.find((f) => f.id === id)!;
const contacts = matched.flatMap((l) => l.contacts.map((c) => c.id));
const opportunities = matched.flatMap((l) => l.opportunities.map((o) => o.id));
const discoveryCalls = matched.flatMap((l) => l.activities.filter((a) => a.custom_activity_type_id === CLOSE.discoveryCall).map((a) => a.id));
const subscriptions = matched.flatMap((l) => l.custom_objects.filter((o) => o.custom_object_type_id === CLOSE.subscription).map((o) => o.id));
const leads = matched.map((l) => l.id);

async function run(app: Awaited<ReturnType<typeof build>>, payload: Record<string, unknown>) {
  const res = await createEdit(app, { s_query: ACME_QUERY, send_done_email: false, ...payload });
  if (res.statusCode !== 200) throw new Error(res.body);
  await runToEnd(app, res.json().id);
  return { created: res.json(), done: await getEdit(app, res.json().id) };
}

t.test('the seed gives every type something to edit', async (t) => {
  t.equal(matched.length, 2);
  for (const list of [contacts, opportunities, discoveryCalls, subscriptions]) t.ok(list.length > 0);
});

t.test('set_custom_field by exact name sets a text field on the matched leads only and echoes name and value', async (t) => {
  const app = await build(t);
  const { created, done } = await run(app, { type: 'set_custom_field', custom_field_name: 'Source Detail', custom_field_value: 'Expo 2026' });
  t.match(created, { custom_field_name: 'Source Detail', custom_field_value: 'Expo 2026', lead_status_id: null });
  t.match(done, { status: 'done', n_leads: 2, n_objects: 2, n_objects_processed: 2 });
  for (const id of leads) t.equal(storedValue(app, id, F.sourceDetail), 'Expo 2026');
  const untouched = others.find((l) => l.custom[F.sourceDetail] !== undefined)!;
  t.equal(storedValue(app, untouched.id, F.sourceDetail), untouched.custom[F.sourceDetail]);
});

t.test('set_custom_field by id normalises a number and echoes it as a string', async (t) => {
  const app = await build(t);
  const { created } = await run(app, { type: 'set_custom_field', custom_field_id: F.employees, custom_field_value: '42' });
  t.match(created, { custom_field_name: 'Employees', custom_field_value: '42' });
  for (const id of leads) t.equal(storedValue(app, id, F.employees), 42);
});

t.test('multi-value fields: replace, add and remove', async (t) => {
  const app = await build(t);
  const [a, b, c] = field(F.products).choices!;
  const replaced = await run(app, { type: 'set_custom_field', custom_field_id: F.products, custom_field_values: [a, b] });
  t.equal(replaced.created.custom_field_value, null, 'custom_field_values echo null');
  for (const id of leads) t.same(storedValue(app, id, F.products), [a, b]);
  await run(app, { type: 'set_custom_field', custom_field_id: F.products, custom_field_values: [b, c], custom_field_operation: 'add' });
  for (const id of leads) t.same(storedValue(app, id, F.products), [a, b, c], 'add keeps order and adds no duplicate');
  await run(app, { type: 'set_custom_field', custom_field_id: F.products, custom_field_value: b, custom_field_operation: 'remove' });
  for (const id of leads) t.same(storedValue(app, id, F.products), [a, c]);
  await run(app, { type: 'set_custom_field', custom_field_id: F.products, custom_field_values: [a, c], custom_field_operation: 'remove' });
  for (const id of leads) t.equal(storedValue(app, id, F.products), undefined, 'removing every value clears the field');
});

t.test('clear_custom_field removes the value from the matched leads', async (t) => {
  const app = await build(t);
  const withValue = matched.find((l) => l.custom[F.products] !== undefined)!;
  t.ok(storedValue(app, withValue.id, F.products));
  const { created } = await run(app, { type: 'clear_custom_field', custom_field_id: F.products });
  t.match(created, { custom_field_name: 'Products', custom_field_value: null });
  for (const id of leads) t.equal(storedValue(app, id, F.products), undefined);
});

t.test('contact types edit every contact of the matched leads', async (t) => {
  const app = await build(t);
  const { done } = await run(app, { type: 'set_contact_custom_field', custom_field_id: F.department, custom_field_value: 'Procurement' });
  t.match(done, { n_leads: 2, n_objects: contacts.length, n_objects_processed: contacts.length });
  for (const id of contacts) t.equal(storedValue(app, id, F.department), 'Procurement');
  const cleared = await run(app, { type: 'clear_contact_custom_field', custom_field_name: 'Department' });
  t.equal(cleared.done.n_objects, contacts.length);
  for (const id of contacts) t.equal(storedValue(app, id, F.department), undefined);
});

t.test('opportunity types edit every opportunity of the matched leads', async (t) => {
  const app = await build(t);
  const choice = field(F.dealType).choices![0]!;
  const { done } = await run(app, { type: 'set_opportunity_custom_field', custom_field_id: F.dealType, custom_field_value: choice });
  t.equal(done.n_objects, opportunities.length);
  for (const id of opportunities) t.equal(storedValue(app, id, F.dealType), choice);
  await run(app, { type: 'clear_opportunity_custom_field', custom_field_id: F.dealType });
  for (const id of opportunities) t.equal(storedValue(app, id, F.dealType), undefined);
});

t.test("activity types edit only the matched leads' activities of the field's activity type", async (t) => {
  const app = await build(t);
  const choice = field(F.callOutcome).choices![0]!;
  const { done } = await run(app, { type: 'set_activity_custom_field', custom_field_id: F.callOutcome, custom_field_value: choice });
  t.equal(done.n_objects, discoveryCalls.length);
  for (const id of discoveryCalls) t.equal(storedValue(app, id, F.callOutcome), choice);
  const otherActivities = matched.flatMap((l) => l.activities.filter((a) => a.custom_activity_type_id !== CLOSE.discoveryCall));
  for (const a of otherActivities) t.equal(storedValue(app, a.id, F.callOutcome), undefined, 'other activity types untouched');
  await run(app, { type: 'clear_activity_custom_field', custom_field_id: F.callOutcome });
  for (const id of discoveryCalls) t.equal(storedValue(app, id, F.callOutcome), undefined);
});

t.test("custom object types edit the matched leads' custom objects of the field's type", async (t) => {
  const app = await build(t);
  const choice = field(F.plan).choices!.at(-1)!;
  const { done } = await run(app, { type: 'set_custom_object_custom_field', custom_field_id: F.plan, custom_field_value: choice });
  t.equal(done.n_objects, subscriptions.length);
  for (const id of subscriptions) t.equal(storedValue(app, id, F.plan), choice);
  await run(app, { type: 'clear_custom_object_custom_field', custom_field_id: F.plan });
  for (const id of subscriptions) t.equal(storedValue(app, id, F.plan), undefined);
});

t.test('global types edit the shared field on every associated kind of the matched leads', async (t) => {
  const app = await build(t);
  // Region is associated with leads, contacts and opportunities.
  const region = await run(app, { type: 'set_global_custom_field', custom_field_name: 'Region', custom_field_value: 'APAC' });
  const regionObjects = [...leads, ...contacts, ...opportunities];
  t.match(region.done, { n_leads: 2, n_objects: regionObjects.length, n_objects_processed: regionObjects.length });
  for (const id of regionObjects) t.equal(storedValue(app, id, F.region), 'APAC');
  // Tags (multi) is associated with leads, Discovery Call activities and Subscription objects.
  const tag = field(F.tags).choices![0]!;
  const tags = await run(app, { type: 'set_global_custom_field', custom_field_id: F.tags, custom_field_values: [tag] });
  const tagObjects = [...leads, ...discoveryCalls, ...subscriptions];
  t.equal(tags.done.n_objects, tagObjects.length);
  for (const id of tagObjects) t.same(storedValue(app, id, F.tags), [tag]);
  for (const id of contacts) t.equal(storedValue(app, id, F.tags), undefined, 'not associated with contacts');
  await run(app, { type: 'clear_global_custom_field', custom_field_id: F.region });
  for (const id of regionObjects) t.equal(storedValue(app, id, F.region), undefined);
});

t.test('edited objects get date_updated from the emulator clock and updated_by the key’s user', async (t) => {
  const app = await build(t);
  app.clock.set(new Date('2026-11-22T08:00:00Z'), true);
  await run(app, { type: 'set_contact_custom_field', custom_field_id: F.department, custom_field_value: 'Legal' });
  // The organization's id comes from app.db (credentials), its contacts from its own database.
  const org = app.tenants.get('close-key').id;
  const rows = app.tenants.db(org).prepare(`SELECT date_updated, updated_by FROM close_contacts WHERE id IN (SELECT value FROM json_each(?)) AND org_id = ?`).all(JSON.stringify(contacts), org);
  t.same(rows, contacts.map(() => ({ date_updated: '2026-11-22T08:00:00.000000+00:00', updated_by: CLOSE.user })));
});
