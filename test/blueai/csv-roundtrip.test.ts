import t from 'tap';
import Papa from 'papaparse';
import { build, bearer, multipart, parseExport, seed, shareApps } from '../helper.js';

// Tests share apps, each reset before it is handed over (test/helper.ts shareApps).
shareApps(t);

// Export contacts → map the export's columns to the import's (split `name`, `notes` → `note`) →
// import into a fresh organization → export again: equal to the original apart from ids and timestamps.

const exportContacts = async (app: Awaited<ReturnType<typeof build>>, token: string) =>
  parseExport((await app.inject({ url: '/api/v1/crm/bulk/contacts/export', headers: bearer(token) })).body);

/** Rows without id/created_at/updated_at, sorted, so two exports can be compared as sets. */
const comparable = (rows: string[][]) => {
  const [header, ...data] = rows;
  const keep = header!.map((h, i) => (['id', 'created_at', 'updated_at'].includes(h) ? -1 : i)).filter((i) => i >= 0);
  return data.map((r) => JSON.stringify(keep.map((i) => r[i]))).sort();
};

t.test('contacts survive an export → import → export round trip', async (t) => {
  const source = await build(t);
  const original = await exportContacts(source, 'source-org');
  t.equal(original.length, 151);

  // The target starts with the same companies (seeded ids repeat in every organization) but no contacts.
  const emptySeed = { ...seed, blueai: { ...seed.blueai, contacts: [], deals: seed.blueai.deals.map((d) => ({ ...d, contact_id: null })),
    activities: seed.blueai.activities.filter((a) => a.deal_id !== null).map((a) => ({ ...a, contact_id: null })),
    tag_assignments: seed.blueai.tag_assignments!.filter((a) => a.resource_type !== 'contact') } };
  const target = await build(t, { seed: emptySeed });
  t.equal((await exportContacts(target, 'target-org')).length, 1, 'the target has only the header');

  const [header, ...data] = original;
  const col = (name: string) => header!.indexOf(name);
  const importRows = data.map((r) => {
    const name = r[col('name')]!;
    const space = name.indexOf(' ');
    return {
      first_name: space < 0 ? '' : name.slice(space + 1),
      last_name: space < 0 ? name : name.slice(0, space),
      email: r[col('email')], phone: r[col('phone')], position: r[col('position')],
      company_id: r[col('company_id')], note: r[col('notes')],
    };
  });
  const csv = '\uFEFF' + Papa.unparse(importRows, { newline: '\r\n' });
  const { payload, headers } = multipart([{ name: 'file', filename: 'contacts.csv', content: csv }]);
  const res = await target.inject({ method: 'POST', url: '/api/v1/crm/bulk/contacts/import', headers: { ...bearer('target-org'), ...headers }, payload });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { processed: 150, errors: [] });

  const again = await exportContacts(target, 'target-org');
  t.same(again[0], original[0]);
  t.same(comparable(again), comparable(original));
});
