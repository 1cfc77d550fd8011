// A strict RFC 4180 reader for checking exports, written here on purpose: papaparse (which the
// emulator itself uses) forgives what the RFC forbids, so it cannot be the judge of its own output.
// Refused: a record not ended by CRLF, a bare CR or LF outside quotes, a quote inside an unquoted
// field, anything but a comma or CRLF after a closing quote, an unclosed quote, records of unequal width.

export class Rfc4180Error extends Error {
  override name = 'Rfc4180Error';
}

export function parseRfc4180(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new Rfc4180Error(`${why} at offset ${i} (record ${records.length + 1}): ${JSON.stringify(text.slice(Math.max(0, i - 20), i + 20))}`);
  };
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) fail('unclosed quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
      if (i < text.length && text[i] !== ',' && !text.startsWith('\r\n', i)) fail('text after a closing quote');
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') fail('a quote inside an unquoted field');
        field += text[i++];
      }
      if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) fail('a line end that is not CRLF');
    }
    fields.push(field);
    if (text[i] === ',') {
      i++;
      if (i >= text.length) fail('a comma at the end of the file');
    } else if (text.startsWith('\r\n', i)) {
      i += 2;
      records.push(fields);
      fields = [];
    } else {
      fail('the last record does not end with CRLF');
    }
  }
  if (fields.length) fail('the last record does not end with CRLF');
  const width = records[0]?.length ?? 0;
  records.forEach((r, n) => {
    if (r.length !== width) throw new Rfc4180Error(`record ${n + 1} has ${r.length} fields, the header ${width}`);
  });
  return records;
}

/** RFC 4180 output of the same records: quotes only where needed, CRLF after each record. */
export function writeRfc4180(records: string[][]): string {
  const quote = (f: string) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f);
  return records.map((r) => r.map(quote).join(',') + '\r\n').join('');
}
