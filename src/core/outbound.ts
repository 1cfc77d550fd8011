import { BlockList, isIP, type LookupFunction } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { networkInterfaces } from 'node:os';
import { VERSION } from '../version.js';

// The one policy for every request the emulator sends (Close webhook deliveries today): which
// addresses it may reach, checked where the socket connects (so a name that resolves differently at
// delivery than at subscription — DNS rebinding — is caught), no redirects, a bounded read of the
// answer and a timeout of our own that always fires.
//
// Addresses are classified with node:net's BlockList rather than hand-written parsing: it compares
// parsed binary addresses (no canonical-spelling bugs between `::1`, `0:0::1` or `::ffff:7f00:1`),
// holds IPv4 and IPv6 subnets, and matches IPv4-mapped IPv6 addresses against IPv4 subnets.
// Alternate spellings in URLs (`2130706433`, `0x7f.1`, `127.1`) are normalised by the WHATWG URL parser
// before they get here.

/** All addresses a host name resolves to (dns.lookup by default; tests inject their own). */
export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;
export const systemResolver: Resolver = (host) => dnsLookup(host, { all: true, verbatim: true });

export const USER_AGENT = `crm-bulk-emulator/${VERSION}`;
/** How long a subscription's host name may take to resolve when it is written (then it is accepted). */
export const RESOLVE_TIMEOUT_MS = 2_000;

function blocks(v4: [string, number][], v6: [string, number][]): BlockList {
  const list = new BlockList();
  for (const [net, prefix] of v4) list.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of v6) list.addSubnet(net, prefix, 'ipv6');
  return list;
}

/** Refused unless WEBHOOK_HOSTS lists the host. Private ranges (10/8, 172.16/12, 192.168/16, fc00::/7) are not here: compose and CI receivers live there. */
const REFUSED: [kind: string, list: BlockList][] = [
  ['loopback', blocks([['127.0.0.0', 8]], [['::1', 128]])],
  ['link-local', blocks([['169.254.0.0', 16]], [['fe80::', 10]])],
  ['unspecified', blocks([['0.0.0.0', 8]], [['::', 128]])],
  ['multicast', blocks([['224.0.0.0', 4]], [['ff00::', 8]])],
  ['broadcast', blocks([['255.255.255.255', 32]], [])],
];

/** `fe80::1%eth0` → `fe80::1`; `[::1]` → `::1`. */
const bare = (ip: string) => ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
const family = (ip: string): 'ipv4' | 'ipv6' => (isIP(ip) === 6 ? 'ipv6' : 'ipv4');
/** A host as the allow-list compares it: lowercase, no trailing dot, an IP in its URL-normalised spelling. */
function hostKey(host: string): string {
  const h = bare(host.trim().toLowerCase()).replace(/\.$/, '');
  try {
    return bare(new URL(`http://${isIP(h) === 6 ? `[${h}]` : h}/`).hostname);
  } catch {
    return h;
  }
}
/** RFC 6761: `localhost` and `*.localhost` are loopback, whatever a resolver says. */
const isLocalhostName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/** The kind of address the policy refuses by default (`loopback`, `link-local`, …), or null. */
export function addressKind(ip: string): string | null {
  const a = bare(ip);
  if (isIP(a) === 0) return 'invalid';
  for (const [kind, list] of REFUSED) if (list.check(a, family(a))) return kind;
  return null;
}

export class OutboundError extends Error {
  override readonly name = 'OutboundError';
  constructor(readonly kind: 'refused' | 'timeout' | 'cancelled' | 'network', message: string) {
    super(message);
  }
}

export interface OutboundRequest {
  url: string; method: string; headers: Record<string, string>; body: string; timeoutMs: number;
  /** Cancels the attempt (the app closing). */
  signal?: AbortSignal;
  /** Characters of the answer's body that are read; the rest is never received. */
  excerptChars: number;
}
export interface OutboundAnswer { status: number; excerpt: string }

export class OutboundPolicy {
  /** WEBHOOK_HOSTS: when not empty, the only hosts reachable (and the only way to reach loopback or link-local). */
  readonly allow: ReadonlySet<string>;
  private readonly resolver: Resolver;
  private readonly resolveTimeoutMs: number;
  private own = new BlockList();
  private readonly ownPorts = new Set<number>();

  constructor(opts: { allow?: readonly string[]; resolver?: Resolver; resolveTimeoutMs?: number } = {}) {
    this.allow = new Set((opts.allow ?? []).map(hostKey).filter(Boolean));
    this.resolver = opts.resolver ?? systemResolver;
    this.resolveTimeoutMs = opts.resolveTimeoutMs ?? RESOLVE_TIMEOUT_MS;
  }

  /**
   * The server listens on `address:port`: on that port every address of this machine is its own
   * (every interface, all of loopback, the unspecified addresses that connect locally), whatever the
   * listen address, so `http://<own service name>:<port>/_mock/…` is refused even with an allow-list.
   */
  listening(addresses: readonly { address: string; port: number }[], interfaces = networkInterfaces()): void {
    const own = blocks([['127.0.0.0', 8], ['0.0.0.0', 32]], [['::1', 128], ['::', 128]]);
    const add = (ip: string) => {
      const a = bare(ip);
      if (isIP(a)) own.addAddress(a, family(a));
    };
    for (const list of Object.values(interfaces)) for (const i of list ?? []) add(i.address);
    for (const a of addresses) {
      add(a.address);
      this.ownPorts.add(a.port);
    }
    this.own = own;
  }

  /** Why `ip`, an address of `host`, may not be reached on `port`; null when it may. */
  refusal(host: string, ip: string, port: number): string | null {
    const a = bare(ip);
    if (isIP(a) === 0) return `${ip} is not an IP address`;
    if (this.ownPorts.has(port) && this.own.check(a, family(a))) {
      return `${a} port ${port} is this emulator's own address and port (always refused: a delivery would call its own API)`;
    }
    const key = hostKey(host);
    if (this.allow.size > 0) return this.allow.has(key) ? null : this.notListed(key);
    const kind = addressKind(a);
    return kind ? `${a} is ${kind === 'unspecified' ? 'an' : 'a'} ${kind} address (refused unless WEBHOOK_HOSTS lists the host)` : null;
  }

  private notListed(host: string): string {
    return `host ${host} is not in WEBHOOK_HOSTS (${[...this.allow].join(', ')})`;
  }

  /**
   * What can be decided from the URL alone: an IP literal, a `localhost` name, a host the allow-list
   * leaves out. Other names need resolving (`urlRefusal`); null here for them.
   */
  literalRefusal(url: URL): string | null {
    const host = hostKey(url.hostname);
    const port = portOf(url);
    if (isIP(host)) return this.refusal(host, host, port);
    if (this.allow.size > 0 && !this.allow.has(host)) return this.notListed(host);
    if (isLocalhostName(host) && !this.allow.has(host)) return `${host} names a loopback address (refused unless WEBHOOK_HOSTS lists the host)`;
    return null;
  }

  /**
   * `literalRefusal`, then a host name resolved now (within a short timeout): refused if any of its
   * addresses is. A name that does not resolve is accepted (its receiver may start later); every
   * attempt checks again where it connects.
   */
  async urlRefusal(url: URL): Promise<string | null> {
    const literal = this.literalRefusal(url);
    const host = hostKey(url.hostname);
    if (literal || isIP(host)) return literal;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), this.resolveTimeoutMs); });
    const addresses = await Promise.race([this.resolver(host).catch(() => null), timeout]).finally(() => clearTimeout(timer));
    for (const a of addresses ?? []) {
      const why = this.refusal(host, a.address, portOf(url));
      if (why) return `${host} resolves to ${bare(a.address)}: ${why}`;
    }
    return null;
  }

  /**
   * One request under the policy: the address checked where the socket connects, redirects never
   * followed (a 3xx is the answer), at most `excerptChars` of the body read before the connection is
   * destroyed, and one timer covering connect, headers and body. Rejects with an OutboundError.
   */
  send(r: OutboundRequest): Promise<OutboundAnswer> {
    return new Promise((resolve, reject) => {
      let url: URL;
      try {
        url = new URL(r.url);
      } catch {
        reject(new OutboundError('refused', 'not a valid URL'));
        return;
      }
      const https = url.protocol === 'https:';
      const refused = url.protocol !== 'http:' && !https ? `${url.protocol} is not http or https` : this.literalRefusal(url);
      if (refused) {
        reject(new OutboundError('refused', `refused by the outbound policy: ${refused}`));
        return;
      }
      const headers = { ...r.headers, 'user-agent': USER_AGENT, 'content-length': String(Buffer.byteLength(r.body)) };
      // agent false: a fresh connection each time, so every attempt goes through the lookup below.
      const req = (https ? httpsRequest : httpRequest)(url, { method: r.method, headers, agent: false, lookup: this.lookup(url) });
      let settled = false;
      const finish = (err: OutboundError | null, answer?: OutboundAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        r.signal?.removeEventListener('abort', onAbort);
        req.destroy();
        if (err) reject(err);
        else resolve(answer!);
      };
      const timer = setTimeout(() => finish(new OutboundError('timeout', `timed out after ${r.timeoutMs} ms`)), r.timeoutMs);
      const onAbort = () => finish(new OutboundError('cancelled', 'cancelled: the emulator was closing'));
      if (r.signal?.aborted) onAbort();
      r.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err: NodeJS.ErrnoException) => finish(err instanceof OutboundError ? err : new OutboundError('network', err.code ?? err.message)));
      req.on('response', (res: IncomingMessage) => {
        // Enough bytes for excerptChars characters whatever their UTF-8 length; the rest is not read.
        const limit = r.excerptChars * 4;
        const chunks: Buffer[] = [];
        let bytes = 0;
        const done = () => finish(null, { status: res.statusCode ?? 0, excerpt: Buffer.concat(chunks).toString('utf8').slice(0, r.excerptChars) });
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          chunks.push(chunk);
          bytes += chunk.length;
          if (bytes >= limit) done();
        });
        res.on('end', done);
        res.on('error', () => done());
      });
      req.end(r.body);
    });
  }

  /** The socket's lookup: every address of the name, each checked; one refused refuses the attempt. */
  private lookup(url: URL): LookupFunction {
    const host = hostKey(url.hostname);
    const port = portOf(url);
    return (hostname, options, callback) => {
      this.resolver(hostname).then((all) => {
        const usable = all.filter((a) => !options.family || a.family === options.family);
        for (const a of all) {
          const why = this.refusal(host, a.address, port);
          if (why) throw new OutboundError('refused', `refused by the outbound policy: ${host} resolves to ${bare(a.address)}: ${why}`);
        }
        if (usable.length === 0) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
        return usable;
      }).then(
        (usable) => (options.all ? callback(null, usable) : callback(null, usable[0]!.address, usable[0]!.family)),
        (err: NodeJS.ErrnoException) => callback(err, '', 0),
      );
    };
  }
}

function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}
