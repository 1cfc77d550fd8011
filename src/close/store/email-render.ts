import { validationError } from '../../core/errors.js';

/**
 * Real API: a template's size limit is not documented (real templates are a few KB of HTML); here:
 * 1,000 characters of subject and 100,000 of body, well above any real one, so that one template
 * rendered to many leads cannot hold the process for seconds or store megabytes per email.
 */
export const MAX_TEMPLATE_SUBJECT = 1_000;
export const MAX_TEMPLATE_BODY = 100_000;

/** A 400 naming `subject` and/or `body` when past the size cap (of a create, or the fields a PUT sends). */
export function checkTemplateSize(input: { subject?: string; body?: string }): void {
  const fields: Record<string, string> = {};
  for (const [field, max] of [['subject', MAX_TEMPLATE_SUBJECT], ['body', MAX_TEMPLATE_BODY]] as const) {
    const text = input[field];
    if (text !== undefined && text.length > max) fields[field] = `Ensure this field has no more than ${max} characters.`;
  }
  if (Object.keys(fields).length > 0) throw validationError('Invalid email template', fields);
}

/**
 * Close's template variables (`{{ lead.display_name }}`, `{{ contact.first_name|default("there") }}`),
 * found with a linear scan (indexOf for `{{` and `}}`), never a regular expression over the template.
 * Real API: templates are Jinja-like, with more filters and tags; here: only `{{ variable }}` and the
 * `default("…")` filter; an unknown variable (or filter) renders as the empty string (a known variable
 * with no value too, unless `default` gives one), and an unclosed `{{` is kept as written.
 */
export function renderTemplate(text: string, lookup: (name: string) => string | undefined): string {
  // Each distinct variable is looked up once per render, however often the template repeats it.
  const seen = new Map<string, string | undefined>();
  const once = (name: string) => {
    if (!seen.has(name)) seen.set(name, lookup(name));
    return seen.get(name);
  };
  let out = '';
  let pos = 0;
  for (;;) {
    const open = text.indexOf('{{', pos);
    if (open < 0) break;
    const close = text.indexOf('}}', open + 2);
    if (close < 0) break;
    out += text.slice(pos, open) + expression(text.slice(open + 2, close), once);
    pos = close + 2;
  }
  return out + text.slice(pos);
}

function expression(inner: string, lookup: (name: string) => string | undefined): string {
  const bar = inner.indexOf('|');
  const name = (bar < 0 ? inner : inner.slice(0, bar)).trim();
  const value = lookup(name) ?? '';
  if (bar < 0 || value !== '') return value;
  return defaultOf(inner.slice(bar + 1).trim()) ?? '';
}

/** `default("x")` / `default('x')` → x; any other filter → undefined. */
function defaultOf(filter: string): string | undefined {
  if (!filter.startsWith('default(') || !filter.endsWith(')')) return undefined;
  const arg = filter.slice('default('.length, -1).trim();
  const q = arg[0];
  if (arg.length >= 2 && (q === '"' || q === "'") && arg[arg.length - 1] === q) return arg.slice(1, -1);
  return undefined;
}

/** The text of an HTML body: tags dropped (a linear scan), the common entities decoded. */
export function htmlToText(html: string): string {
  let out = '';
  let pos = 0;
  for (;;) {
    const lt = html.indexOf('<', pos);
    if (lt < 0) break;
    const gt = html.indexOf('>', lt + 1);
    if (gt < 0) break;
    out += html.slice(pos, lt);
    const tag = html.slice(lt + 1, Math.min(gt, lt + 4)).toLowerCase();
    if (tag.startsWith('br') || tag.startsWith('/p') || tag.startsWith('/di')) out += '\n';
    pos = gt + 1;
  }
  out += html.slice(pos);
  return out.replaceAll('&nbsp;', ' ').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&amp;', '&');
}
