// WhatsApp messages' own rendering: the HTML Close derives from a message's WhatsApp Markdown.

const ESCAPES = new Map([['&', '&amp;'], ['<', '&lt;'], ['>', '&gt;'], ['"', '&quot;']]);
const escapeHtml = (s: string) => [...s].map((c) => ESCAPES.get(c) ?? c).join('');

/** `mark`…`mark` pairs on one line wrapped in `tag` (a linear scan with indexOf: no regex sees the message). */
function wrap(line: string, mark: string, tag: string): string {
  let out = '';
  let pos = 0;
  for (;;) {
    const open = line.indexOf(mark, pos);
    if (open < 0) break;
    const close = line.indexOf(mark, open + 1);
    if (close < 0) break;
    if (close === open + 1) {
      // `**` is no emphasis: keep the first mark, try again from the second.
      out += line.slice(pos, open + 1);
      pos = open + 1;
      continue;
    }
    out += `${line.slice(pos, open)}<${tag}>${line.slice(open + 1, close)}</${tag}>`;
    pos = close + 1;
  }
  return out + line.slice(pos);
}

/**
 * `message_html` from `message_markdown`. Real API: WhatsApp's Markdown rendered by Close (its exact
 * HTML is not documented); here: HTML-escaped, `*bold*` → <b>, `_italic_` → <i>, `~strike~` → <s>, and
 * `` `code` `` → <code> within a line, line breaks → <br>. Lists, quotes and ``` blocks stay as text.
 */
export function whatsAppHtml(markdown: string): string {
  return markdown.split('\n').map((line) => {
    let html = escapeHtml(line);
    for (const [mark, tag] of [['`', 'code'], ['*', 'b'], ['_', 'i'], ['~', 's']] as const) html = wrap(html, mark, tag);
    return html;
  }).join('<br>');
}
