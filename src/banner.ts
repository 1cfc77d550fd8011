import type { AuthMode } from './core/tenants.js';
import { VERSION } from './version.js';

/**
 * The lines `npm start` prints once it listens: where each surface is, and whether the control API
 * is open, and the auth mode with, in strict mode, the keys it accepts. A wildcard host (0.0.0.0, ::) is shown as localhost, the address a browser on this machine uses.
 */
export function banner(opts: {
  host: string; port: number; controlToken: boolean; auth: AuthMode; seedCredentials: readonly string[]; closePort?: number; blueaiPort?: number;
}): string {
  const wildcard = opts.host === '0.0.0.0' || opts.host === '::' || opts.host === '';
  const host = wildcard ? 'localhost' : opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const base = `http://${host}:${opts.port}`;
  const own = (port: number | undefined) => (port === undefined ? '' : `  (and alone on http://${host}:${port})`);
  return [
    `crm-bulk-emulator ${VERSION} is listening on ${base}`,
    `  Close API    ${base}/api/v1/${own(opts.closePort)}`,
    `  BlueAI API   ${base}/api/v1/crm/${own(opts.blueaiPort)}`,
    `  API docs     ${base}/_mock/docs`,
    `  Dashboard    ${base}/_mock/ui`,
    opts.controlToken
      ? '  Control API  protected: /_mock/ needs Authorization: Bearer <CONTROL_TOKEN>'
      : '  Control API  open: anyone who reaches this port can reset or delete data (set CONTROL_TOKEN to protect it)',
    opts.auth === 'strict'
      ? `  Auth         strict: only the seed's keys open an organization: ${opts.seedCredentials.join(', ') || '(none)'}`
      : '  Auth         open: any new key opens an organization (--auth strict accepts only the seed\'s keys)',
    '',
  ].join('\n');
}
