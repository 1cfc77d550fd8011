import { Readable } from 'node:stream';
import Papa from 'papaparse';
import { validationError } from '../core/errors.js';

// CSV at the BlueAI edge: strict UTF-8 decoding and RFC 4180 parsing for imports, streamed RFC 4180
// output with a UTF-8 BOM and CRLF line ends for exports. papaparse does the quoting both ways.

const BOM = '\uFEFF';

/** Decodes an upload as UTF-8 (a leading BOM is dropped); anything else is a 400. */
export function decodeUtf8(file: Buffer): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file);
  } catch {
    throw validationError(
      'The file must be UTF-8 encoded CSV (it contains bytes that are not UTF-8, e.g. a Shift_JIS export); save it as "CSV UTF-8" and retry',
      { file: 'must be UTF-8 encoded text' },
    );
  }
  if (text.includes('\u0000')) throw validationError('The file is not a text CSV file', { file: 'must be a text CSV file' });
  return text;
}

export interface ParsedCsv {
  header: string[];
  /** Data records with their spreadsheet row number (the header is row 1). */
  records: { row: number; fields: string[]; error?: string }[];
}

/** Parses CSV text into a header and numbered records; quoted commas and newlines stay in one field. */
export function parseCsv(text: string): ParsedCsv {
  const result = Papa.parse<string[]>(text, { header: false, skipEmptyLines: false, delimiter: ',' });
  const [header = [], ...rows] = result.data;
  const rowErrors = new Map<number, string>();
  for (const e of result.errors) {
    if (e.row !== undefined && e.type === 'Quotes') rowErrors.set(e.row, 'a quoted field is not closed');
  }
  const records = rows
    .map((fields, i) => ({ row: i + 2, fields, error: rowErrors.get(i + 1) }))
    // A blank line (or a row of empty cells) is not a record, as in a spreadsheet.
    .filter((r) => r.fields.some((f) => f.trim() !== ''));
  return { header: header.map((h) => h.trim().toLowerCase()), records };
}

/**
 * Streams CSV: BOM, header, then one CRLF-terminated record per row, pulled chunk by chunk from
 * `chunks` so memory stays flat however many rows there are.
 */
export function csvStream(columns: readonly string[], chunks: Iterable<unknown[][]>): Readable {
  const iterator = chunks[Symbol.iterator]();
  let started = false;
  return new Readable({
    read() {
      try {
        if (!started) {
          started = true;
          this.push(BOM + Papa.unparse([columns as string[]], { newline: '\r\n' }) + '\r\n');
          return;
        }
        for (;;) {
          const next = iterator.next();
          if (next.done) {
            this.push(null);
            return;
          }
          if (next.value.length > 0) {
            this.push(Papa.unparse(next.value, { newline: '\r\n' }) + '\r\n');
            return;
          }
        }
      } catch (err) {
        this.destroy(err as Error);
      }
    },
  });
}
