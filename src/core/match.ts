// What the journal's filters and the fault rules have in common: which vendor a path belongs to, and
// path globs. Knows the URL layout (/api/v1/crm, /api/v1), not the vendors' code.

import { VENDORS } from '../../schemas/common.js';

export type Vendor = (typeof VENDORS)[number];

/** `blueai` under /api/v1/crm, `close` elsewhere under /api/v1, null for any other path. */
export function vendorOf(path: string): Vendor | null {
  if (path === '/api/v1/crm' || path.startsWith('/api/v1/crm/')) return 'blueai';
  if (path === '/api/v1' || path.startsWith('/api/v1/')) return 'close';
  return null;
}

/**
 * A path glob: `*` matches any characters but `/` (within one segment), `**` matches anything
 * (across segments); everything else is literal. The whole path must match. Throws on a glob that is
 * not a path (it must start with `/`).
 */
export function globToRegExp(glob: string): RegExp {
  if (!glob.startsWith('/') && !glob.startsWith('*')) throw new Error('must start with "/" (a path such as /api/v1/lead/*/)');
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      source += '.*';
      i++;
    } else if (c === '*') source += '[^/]*';
    else source += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** HTTP methods a filter or rule may name; matched case-insensitively, stored upper-case. */
export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** The upper-case method, or null if it is none of METHODS. */
export function normalizeMethod(method: string): string | null {
  const m = method.toUpperCase();
  return (METHODS as readonly string[]).includes(m) ? m : null;
}
