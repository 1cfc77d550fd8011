import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

// The README is a landing page that links into docs/; every relative link of README.md and docs/*.md
// must reach a file, and a `#fragment` a heading of that page (GitHub's anchors), so moving a section
// cannot leave a dead link behind.

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const prose = (page: string) => readFileSync(join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces → hyphens. */
const anchor = (heading: string) => heading.trim().toLowerCase().replace(/[^\p{L}\p{N}_\- ]/gu, '').replaceAll(' ', '-');
const anchors = new Map(PAGES.map((p) => [p, new Set([...prose(p).matchAll(/^#+ (.*)$/gm)].map((m) => anchor(m[1]!)))]));

t.test('every relative link of README.md and docs/*.md reaches a file, and its #fragment a heading there', async (t) => {
  let links = 0;
  for (const page of PAGES) {
    for (const [, link] of prose(page).matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(link!)) continue;
      links++;
      const [path, fragment] = link!.split('#');
      const target = path ? normalize(join(dirname(page), path)) : page;
      t.ok(existsSync(join(ROOT, target)), `${page}: ${link} → ${target} exists`);
      if (fragment && target.endsWith('.md')) t.ok(anchors.get(target)?.has(fragment), `${page}: #${fragment} is a heading of ${target}`);
    }
  }
  t.ok(links > 40, `${links} links checked`);
});

t.test('the README stays a landing page: at most 350 lines, with the Emulated behaviour and Limitations headings', async (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  t.ok(readme.split('\n').length <= 350, `${readme.split('\n').length} lines`);
  t.match(readme, /^## Emulated behaviour$/m);
  t.match(readme, /^## Limitations$/m);
  for (const page of ['docs/close.md', 'docs/blueai.md']) t.match(readme, `(${page}#emulated-behaviour)`, `it links to ${page}'s Emulated behaviour`);
});
