// Module hook for scripts/tsx-loader.mjs: gives tsx's inline source maps their sourcesContent.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const MARK = '//# sourceMappingURL=data:application/json;base64,';
const TS = /\.[cm]?tsx?$/;

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (!url.startsWith('file:') || !TS.test(new URL(url).pathname) || result.source == null) return result;
  const source = String(result.source);
  const at = source.lastIndexOf(MARK);
  if (at < 0) return result;
  const map = JSON.parse(Buffer.from(source.slice(at + MARK.length).trim(), 'base64').toString('utf8'));
  if (!Array.isArray(map.sources) || map.sources.length !== 1 || map.sourcesContent?.[0]) return result;
  map.sourcesContent = [await readFile(fileURLToPath(url), 'utf8')];
  return { ...result, source: source.slice(0, at) + MARK + Buffer.from(JSON.stringify(map)).toString('base64') + '\n' };
}
