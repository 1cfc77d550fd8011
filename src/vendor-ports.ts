import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { markPortVendor } from './core/ports.js';
import { blueaiEnvelope } from './blueai/errors.js';

// CLOSE_PORT and BLUEAI_PORT: each vendor alone on a port of its own, so a client can give each
// vendor a base URL with no overlap at all. The same app answers (one organization per credential,
// the same clock, faults, rate limits and journal); a path the port's vendor does not own (the other
// vendor's, the control API, the dashboard) is a 404 in the port's vendor's shape, never routed.

export type PortVendor = 'close' | 'blueai';

const notHere: Record<PortVendor, (method: string, path: string) => unknown> = {
  close: (method, path) => ({ error: `Not found: ${method} ${path} is not served on the Close port` }),
  blueai: (method, path) => blueaiEnvelope('NOT_FOUND', `Route ${method} ${path} not found on the BlueAI port`),
};

/** A listener that hands the vendor's own paths to the app and answers any other with a 404. */
function vendorListener(app: FastifyInstance, vendor: PortVendor) {
  return (req: Parameters<FastifyInstance['routing']>[0], res: Parameters<FastifyInstance['routing']>[1]) => {
    const url = req.url ?? '/';
    const at = url.indexOf('?');
    // As the router sees it: repeated slashes collapsed.
    const path = (at < 0 ? url : url.slice(0, at)).replace(/\/{2,}/g, '/');
    if (app.vendors.owns(vendor, path)) {
      markPortVendor(req, vendor);
      app.routing(req, res);
      return;
    }
    res.statusCode = 404;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(JSON.stringify(notHere[vendor](req.method ?? 'GET', path.slice(0, 300))));
  };
}

export interface VendorPorts {
  /** The port each started vendor listens on (the real one when 0 was asked for). */
  ports: Partial<Record<PortVendor, number>>;
  /** Stops listening and ends open connections. */
  close(): Promise<void>;
}

/** Starts a server per vendor given a port (null/undefined: none), on `host`. Call after app.ready(). */
export async function listenVendorPorts(app: FastifyInstance, opts: { host: string; close?: number | null; blueai?: number | null }): Promise<VendorPorts> {
  const servers: Server[] = [];
  const ports: VendorPorts['ports'] = {};
  const close = async () => {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    })));
  };
  try {
    for (const vendor of ['close', 'blueai'] as const) {
      const port = opts[vendor];
      if (port === null || port === undefined) continue;
      const server = createServer(vendorListener(app, vendor));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, opts.host, () => resolve());
      });
      servers.push(server);
      ports[vendor] = (server.address() as AddressInfo).port;
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { ports, close };
}
