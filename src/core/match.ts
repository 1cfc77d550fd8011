// What the journal's filters and the fault rules have in common: which vendor a path belongs to, and
// path globs. The vendors' names and URL prefixes are data each vendor registers (src/core/vendor-hook.ts);
// this module knows no vendor.

declare module 'fastify' {
  interface FastifyInstance {
    /** Each vendor's name and URL prefix, as the vendors registered them. */
    vendors: VendorPaths;
  }
}

/** A vendor's name as the control API gives it (`vendor` of a journal entry or fault rule). */
export type Vendor = string;

/**
 * Which vendor a path belongs to: the one whose prefix is the path or a whole-segment start of it,
 * the longest such prefix winning (one vendor's API may live under another's prefix).
 */
export class VendorPaths {
  /** Longest prefix first. */
  private readonly list: { name: Vendor; prefix: string; under: string }[] = [];

  /** Exact paths a vendor owns under another's prefix (BlueAI's `/api/v1/me` under Close's `/api/v1`). */
  private readonly exact = new Map<string, Vendor>();

  /** Registers a vendor under a URL prefix (`/api/v1`); a prefix given twice throws (a vendor may have several). */
  add(name: Vendor, prefix: string): void {
    if (!prefix.startsWith('/') || prefix.endsWith('/')) throw new Error(`vendor ${name}: prefix "${prefix}" must start and not end with "/"`);
    if (this.list.some((v) => v.prefix === prefix)) throw new Error(`vendor ${name} (${prefix}) registered twice`);
    this.list.push({ name, prefix, under: `${prefix}/` });
    this.list.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** Registers one exact path (no sub-paths) as the vendor's; it wins over any prefix. */
  addExact(name: Vendor, path: string): void {
    if (this.exact.has(path)) throw new Error(`vendor ${name}: path ${path} registered twice`);
    this.exact.set(path, name);
  }

  /**
   * Whether the path is the vendor's by its exact registration or by its longest prefix: a shared
   * path (`/api/v1/me`, BlueAI's exactly and Close's by prefix) is both vendors'. A vendor's own port
   * serves the paths it owns.
   */
  owns(name: Vendor, path: string): boolean {
    if (this.exact.get(path) === name) return true;
    return this.list.find((v) => path === v.prefix || path.startsWith(v.under))?.name === name;
  }

  /** The vendor the path belongs to, or null for any other path (the control API's, say). */
  of(path: string): Vendor | null {
    const exact = this.exact.get(path);
    if (exact !== undefined) return exact;
    for (const v of this.list) {
      if (path === v.prefix || path.startsWith(v.under)) return v.name;
    }
    return null;
  }
}

/** A compiled path glob; `test` runs in time linear in the path times the glob, never backtracking. */
export interface PathGlob {
  test(path: string): boolean;
}

/** A glob's pieces: a literal character, `*` (within one segment) or `**` (across segments). */
type Token = string | typeof STAR | typeof GLOBSTAR;
const STAR = 0;
const GLOBSTAR = 1;

/**
 * A path glob: `*` matches any characters but `/` (within one segment), `**` matches anything
 * (across segments); everything else is literal. The whole path must match. Throws on a glob that is
 * not a path (it must start with `/`). Matched as a set of states, not a regular expression: a glob
 * of many stars against a long path (`/**` `/**` … `/x`) would make a backtracking RegExp run for
 * minutes.
 */
export function globMatcher(glob: string): PathGlob {
  if (!glob.startsWith('/') && !glob.startsWith('*')) throw new Error('must start with "/" (a path such as /api/v1/lead/*/)');
  const tokens: Token[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    const star = c !== '*' ? null : glob[i + 1] === '*' ? GLOBSTAR : STAR;
    if (star === GLOBSTAR) i++;
    const last = tokens[tokens.length - 1];
    // Adjacent stars match what the widest of them matches.
    if (star !== null && (last === STAR || last === GLOBSTAR)) tokens[tokens.length - 1] = Math.max(star, last) as Token;
    else tokens.push(star ?? c);
  }
  const m = tokens.length;
  /** Adds state i and, past stars (which may match nothing), the states after it. */
  const add = (set: Uint8Array, i: number) => {
    for (; i <= m; i++) {
      set[i] = 1;
      if (tokens[i] !== STAR && tokens[i] !== GLOBSTAR) break;
    }
  };
  // Two state sets per glob, reused by every test (it is synchronous): a glob is matched on every
  // vendor request while fault rules exist.
  const a = new Uint8Array(m + 1);
  const b = new Uint8Array(m + 1);
  return {
    test(path: string): boolean {
      let cur = a.fill(0);
      let next = b;
      add(cur, 0);
      for (let p = 0; p < path.length; p++) {
        const ch = path[p]!;
        next.fill(0);
        let any = false;
        for (let i = 0; i < m; i++) {
          if (!cur[i]) continue;
          const tok = tokens[i]!;
          if (tok === GLOBSTAR || (tok === STAR && ch !== '/')) add(next, i);
          else if (tok === ch) add(next, i + 1);
          else continue;
          any = true;
        }
        if (!any) return false;
        [cur, next] = [next, cur];
      }
      return cur[m] === 1;
    },
  };
}

/** HTTP methods a filter or rule may name; matched case-insensitively, stored upper-case. */
export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** The upper-case method, or null if it is none of METHODS. */
export function normalizeMethod(method: string): string | null {
  const m = method.toUpperCase();
  return (METHODS as readonly string[]).includes(m) ? m : null;
}
