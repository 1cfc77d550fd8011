// The export baseline, in its own process: better-sqlite3 iterate() over the export's rows, the same
// CSV (BOM, header, CRLF, papaparse quoting) written to /dev/null. Prints {ms, bytes, peak} as JSON.
import { createWriteStream, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import Papa from 'papaparse';
import { CSV_COLUMNS } from '../schemas/blueai/bulk.js';

const [file, org] = process.argv.slice(2) as [string, string];
const db = new Database(file, { readonly: true });
const t0 = performance.now();
const out = createWriteStream('/dev/null');
let bytes = 0;
const write = async (s: string) => {
  const b = Buffer.from(s);
  bytes += b.length;
  if (!out.write(b)) await new Promise((r) => out.once('drain', () => r(undefined)));
};
await write('\uFEFF' + Papa.unparse([CSV_COLUMNS.deals as unknown as string[]], { newline: '\r\n' }) + '\r\n');
const stmt = db.prepare(`SELECT d.id, d.name, c.name AS customer_name, d.company_id, d.contact_id, d.amount, d.stage,
    d.expected_close_date, d.assigned_member_id, d.created_at, d.updated_at
  FROM blueai_deals d LEFT JOIN blueai_companies c ON c.org_id = d.org_id AND c.id = d.company_id
  WHERE d.org_id = ? ORDER BY d.created_at, d.id`).raw(true);
let batch: unknown[][] = [];
for (const r of stmt.iterate(org) as IterableIterator<unknown[]>) {
  batch.push(r);
  if (batch.length === 500) {
    await write(Papa.unparse(batch, { newline: '\r\n' }) + '\r\n');
    batch = [];
  }
}
if (batch.length) await write(Papa.unparse(batch, { newline: '\r\n' }) + '\r\n');
await new Promise<void>((r) => out.end(() => r()));
const ms = performance.now() - t0;
const peak = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) / 1024;
process.stdout.write(JSON.stringify({ ms, bytes, peak }));
