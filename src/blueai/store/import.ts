import { cached, type Db } from '../../core/db.js';
import type { Clocks } from '../../core/clock.js';
import type { Ids } from '../../core/ids.js';
import { validationError } from '../../core/errors.js';
import type { CrashHook } from '../../core/faults.js';
import { CSV_COLUMNS } from '../../../schemas/blueai/bulk.js';
import { decodeUtf8, parseCsv } from '../csv.js';
import type { Refs } from './refs.js';

type ImportColumn = (typeof CSV_COLUMNS.import)[number];

/** Characters no part of an address may hold (`@` included, so an address has exactly one). */
const NOT_IN_ADDRESS = /[\s@"(),:;<>[\]\\]/;

/**
 * `local@domain`: both parts non-empty and free of NOT_IN_ADDRESS, and the domain has a `.` with at
 * least one character either side of it. The same decisions as the regex this replaces,
 * /^[^X]+@[^X]+\.[^X]+$/ (X = NOT_IN_ADDRESS), which backtracked: `[^X]+` also matches `.`, so
 * on `a@` + 40,000 dots + `<` it tried every dot as the separator and rescanned the rest each time
 * (O(n²), a second per cell). Here each step is linear: indexOf scans, and NOT_IN_ADDRESS is a single
 * character class with no quantifier, so a search for it tests each position once and never backtracks.
 */
export function isEmail(text: string): boolean {
  const at = text.indexOf('@');
  if (at < 1) return false;
  const domain = text.slice(at + 1);
  if (NOT_IN_ADDRESS.test(text.slice(0, at)) || NOT_IN_ADDRESS.test(domain)) return false;
  // The first dot after the domain's first character; a later one cannot help if this one is last.
  const dot = domain.indexOf('.', 1);
  return dot !== -1 && dot < domain.length - 1;
}

/**
 * The longest value (after trimming) an import cell may hold: Excel's own limit for a cell, so any
 * file a spreadsheet wrote fits. Real API: no cell limit is documented; here: a longer value is that
 * row's error ("row N: note is 40000 characters long; a cell may hold at most 32767"), and the row is
 * skipped while the others import.
 */
export const MAX_CELL_CHARS = 32_767;

// Real API: only the column names are documented; here: header names match case-insensitively in any
// order, unknown headers are ignored, values are trimmed, rows are numbered as a spreadsheet shows them
// (header = row 1), and a failing row is skipped with one "row N: …" error while the others import.

/** An echoed value is cut at 200 characters, so an error about a 20 MiB header row is not 20 MiB itself. */
const clip = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

/**
 * Contacts CSV import: decode and parse the whole file first, validate every row, then insert the
 * valid rows in one transaction. A row that fails is skipped with one error string naming its row.
 */
export function importContacts(db: Db, ids: Ids, clock: Clocks, refs: Refs, orgId: string, file: Buffer, crash?: CrashHook) {
  const text = decodeUtf8(file);
  if (text.trim() === '') throw validationError('The file is empty: expected a header row with last_name', { file: 'is empty' });
  const { header, records } = parseCsv(text);
  if (!header.includes('last_name')) {
    throw validationError(`The CSV header must include last_name (found: ${clip(header.join(', ')) || 'nothing'})`, {
      file: 'header row must include last_name',
    });
  }
  // Unknown headers are ignored; a known column's position comes from the header.
  const index = new Map<ImportColumn, number>();
  for (const col of CSV_COLUMNS.import) {
    const at = header.indexOf(col);
    if (at >= 0) index.set(col, at);
  }
  const value = (fields: string[], col: ImportColumn): string | null => {
    const at = index.get(col);
    const v = at === undefined ? undefined : fields[at]?.trim();
    return v ? v : null;
  };

  const errors: string[] = [];
  const rows: Record<string, string | null>[] = [];
  const knownCompanies = new Map<string, boolean>();
  for (const record of records) {
    const problems: string[] = [];
    if (record.error) problems.push(record.error);
    const row = Object.fromEntries(CSV_COLUMNS.import.map((c) => [c, value(record.fields, c)]));
    const tooLong = CSV_COLUMNS.import.filter((c) => (row[c]?.length ?? 0) > MAX_CELL_CHARS);
    for (const c of tooLong) problems.push(`${c} is ${row[c]!.length} characters long; a cell may hold at most ${MAX_CELL_CHARS}`);
    if (!row.last_name) problems.push('last_name is required');
    if (row.email && !tooLong.includes('email') && !isEmail(row.email)) problems.push(`email "${clip(row.email)}" is invalid`);
    if (row.company_id && !tooLong.includes('company_id')) {
      let known = knownCompanies.get(row.company_id);
      if (known === undefined) knownCompanies.set(row.company_id, (known = refs.exists('blueai_companies', orgId, row.company_id)));
      if (!known) problems.push(`company_id ${clip(row.company_id)} does not exist`);
    }
    if (problems.length > 0) errors.push(`row ${record.row}: ${problems.join('; ')}`);
    else rows.push(row);
  }

  const insert = cached(
    db,
    `INSERT INTO blueai_contacts (org_id, id, first_name, last_name, email, phone, position, company_id, note, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const now = clock.iso(orgId);
  // Ids are drawn in row order (the same ids as ever under ID_SEED), then the rows are inserted in id
  // order: random ids inserted as they come split pages all over the primary key's B-tree.
  const withIds = rows.map((row) => ({ id: ids.hex('cont_'), row }));
  withIds.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  db.transaction(() => {
    for (const [i, { id, row: r }] of withIds.entries()) {
      // Halfway through the rows, inside the transaction: a crash here must leave none of them.
      if (i === Math.floor(withIds.length / 2)) crash?.reach('contacts-import-mid-commit');
      insert.run(orgId, id, r.first_name, r.last_name, r.email, r.phone, r.position, r.company_id, r.note, now, now);
    }
  })();
  return { processed: rows.length, errors };
}
