import { hostname as machineName, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { ApiError } from '../core/errors.js';
import { isLoopback, parseOrigin } from './browser-guard.js';

// DNS rebinding: a page on evil.example can re-point its own name at 127.0.0.1 after it loaded, and the
// browser then sends its requests to this emulator as same-origin ones, with `Host: evil.example` and an
// Origin that matches it. The Origin check (./browser-guard.ts) cannot tell such a page from this
// emulator's own; the Host header can: the control plane answers only to names that are its own.
// Every /_mock route is guarded, reads included (a snapshot is a read), whatever CONTROL_TOKEN says.

export interface HostGuardOptions {
  /** ALLOWED_HOSTS: exact names or IP literals, `.example.com` for a domain and its subdomains, `*` for any. */
  allowedHosts?: readonly string[];
  /** HOST as configured (the interface the server listens on): a name or address there is this emulator's. */
  listenHost?: string;
}

/**
 * Whether a Host header names this emulator: loopback (localhost, *.localhost, 127/8, ::1), this machine's
 * name, the configured HOST, an IP literal that is one of this machine's addresses (a rebinding page's
 * Host is always the attacker's name, never an address), or an ALLOWED_HOSTS entry. A request without
 * Host (HTTP/1.0) carries no name a page could have chosen and passes.
 */
export class HostGuard {
  private readonly exact = new Set<string>();
  private readonly domains: string[] = [];
  private readonly any: boolean;

  constructor(opts: HostGuardOptions = {}) {
    const entries = (opts.allowedHosts ?? []).map((h) => h.trim().toLowerCase()).filter(Boolean);
    this.any = entries.includes('*');
    for (const e of entries) {
      if (e.startsWith('.')) this.domains.push(e);
      else this.exact.add(HostGuard.bare(e));
    }
    const name = machineName().toLowerCase();
    if (name) this.exact.add(name);
    const listen = opts.listenHost?.trim().toLowerCase();
    if (listen && listen !== '0.0.0.0' && listen !== '::') this.exact.add(HostGuard.bare(listen));
  }

  /** A configured name as nameOf spells it, without brackets (an entry the parser refuses is kept as written). */
  private static bare(entry: string): string {
    return stripBrackets(HostGuard.nameOf(entry.includes(':') && !entry.startsWith('[') ? `[${entry}]` : entry) ?? entry);
  }

  /**
   * The Host header's name as a URL spells it (port dropped, lowercase, IPv4 in dotted form, IPv6 in
   * brackets); null when it is not `host[:port]`. The WHATWG parser does the work, as for Origin.
   */
  static nameOf(host: string): string | null {
    return parseOrigin(`http://${host.trim()}`)?.hostname ?? null;
  }

  allows(host: string | undefined): boolean {
    if (host === undefined || this.any) return true;
    const name = HostGuard.nameOf(host);
    if (name === null || name === '') return false;
    if (isLoopback(name) || name.endsWith('.localhost')) return true;
    const bare = stripBrackets(name);
    if (this.exact.has(bare)) return true;
    if (this.domains.some((d) => bare === d.slice(1) || bare.endsWith(d))) return true;
    return isIP(bare) !== 0 && ownAddresses().has(bare);
  }

  /** The 403 for a request whose Host is not one of this emulator's names; null when it may go on. */
  check(host: string | undefined): ApiError | null {
    if (this.allows(host)) return null;
    const name = host === undefined ? '' : HostGuard.nameOf(host) ?? host;
    const shown = JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}…` : name);
    return new ApiError(403, 'FORBIDDEN',
      `The control API answers only to this emulator's own names: Host ${shown} is not loopback, this machine's name or in ALLOWED_HOSTS. ` +
      `If you reach the emulator by that name on purpose (a compose service, a CI container), add it to ALLOWED_HOSTS.`);
  }
}

function stripBrackets(name: string): string {
  return name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
}

let cachedAddresses: { at: number; set: Set<string> } | null = null;

/** This machine's interface addresses (IPv6 without zone), re-read at most every 10 s (interfaces can come and go). */
function ownAddresses(): Set<string> {
  const now = performance.now();
  if (cachedAddresses && now - cachedAddresses.at < 10_000) return cachedAddresses.set;
  const set = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) set.add(a.address.toLowerCase().split('%', 1)[0]!);
  }
  cachedAddresses = { at: now, set };
  return set;
}
