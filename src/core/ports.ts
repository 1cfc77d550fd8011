import type { FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Vendor } from './match.js';

// A vendor's own port (CLOSE_PORT, BLUEAI_PORT): requests that arrive there carry the vendor's name on
// the raw request, so a path two vendors share (`/api/v1/me`) goes by the port instead of its headers.

const PORT_VENDOR = Symbol('crm-bulk-emulator.port-vendor');

type Marked = IncomingMessage & { [PORT_VENDOR]?: Vendor };

export function markPortVendor(req: IncomingMessage, vendor: Vendor): void {
  (req as Marked)[PORT_VENDOR] = vendor;
}

/** The vendor whose own port the request came in on; undefined on the main port. */
export function portVendor(request: FastifyRequest): Vendor | undefined {
  return (request.raw as Marked)[PORT_VENDOR];
}
