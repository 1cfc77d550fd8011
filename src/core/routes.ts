import type { VendorPaths } from './match.js';

// Every vendor route the app registers (method + URL pattern, collected by an onRoute hook), so a
// 404 can name the route the caller probably meant. Computed only when a request hits no route.

interface Route {
  method: string;
  url: string;
  segments: string[];
}

/** Segment text beyond this is ignored when comparing: a huge URL costs no more than a long one. */
const MAX_SEGMENT = 100;
const MAX_SEGMENTS = 20;

export class RouteIndex {
  private readonly routes: Route[] = [];

  constructor(private readonly vendors: VendorPaths) {}

  add(method: string | string[], url: string): void {
    for (const m of Array.isArray(method) ? method : [method]) {
      // Fastify adds a HEAD route beside every GET; naming the GET is more useful.
      if (m === 'HEAD' || this.vendors.of(url) === null) continue;
      if (this.routes.some((r) => r.method === m && r.url === url)) continue;
      this.routes.push({ method: m, url, segments: split(url) });
    }
  }

  /** Whether `path` (concrete, no query) is one of the routes', whatever the method. */
  matches(path: string): boolean {
    const segments = path.split('/').slice(1);
    return this.routes.some((r) => r.segments.length === segments.length
      && r.segments.every((s, i) => (s.startsWith(':') ? segments[i] !== '' : s === segments[i])));
  }

  /**
   * The known route of the same vendor nearest to a request: fewest character edits on the path,
   * where a `:param` segment matches any one segment; on a tie, the same method wins, then the route
   * registered first. `GET /api/v1/crm/deals`, or null when the vendor has no routes.
   */
  nearest(method: string, path: string): string | null {
    const vendor = this.vendors.of(path);
    if (vendor === null) return null;
    const segments = split(path);
    let best: { route: Route; cost: number; sameMethod: boolean } | undefined;
    for (const route of this.routes) {
      if (this.vendors.of(route.url) !== vendor) continue;
      const cost = distance(segments, route.segments);
      const sameMethod = route.method === method;
      if (!best || cost < best.cost || (cost === best.cost && sameMethod && !best.sameMethod)) best = { route, cost, sameMethod };
    }
    return best ? `${best.route.method} ${best.route.url}` : null;
  }
}

function split(path: string): string[] {
  return path.split('/').slice(1, MAX_SEGMENTS + 1).map((s) => s.slice(0, MAX_SEGMENT));
}

/** Edit distance over segments: substituting one costs its character edit distance (0 against a
 * `:param`), inserting or deleting one costs its length plus its slash. */
function distance(a: string[], b: string[]): number {
  const weight = (s: string) => (s.startsWith(':') ? 2 : s.length + 1);
  let prev = [0];
  for (let j = 1; j <= b.length; j++) prev[j] = prev[j - 1]! + weight(b[j - 1]!);
  for (let i = 1; i <= a.length; i++) {
    const row = [prev[0]! + a[i - 1]!.length + 1];
    for (let j = 1; j <= b.length; j++) {
      const sub = b[j - 1]!.startsWith(':') && a[i - 1] !== '' ? 0 : levenshtein(a[i - 1]!, b[j - 1]!);
      row[j] = Math.min(prev[j - 1]! + sub, prev[j]! + a[i - 1]!.length + 1, row[j - 1]! + weight(b[j - 1]!));
    }
    prev = row;
  }
  return prev[b.length]!;
}

function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1), prev[j]! + 1, row[j - 1]! + 1);
    }
    prev = row;
  }
  return prev[b.length]!;
}
