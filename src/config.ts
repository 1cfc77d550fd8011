import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isIP } from 'node:net';
import { LATEST_ISO, reachable } from './core/clock.js';
import type { AuthMode } from './core/tenants.js';

// Pure parsing of the emulator's settings from an environment and argv; src/server.ts is the only
// caller that passes the real process.env / process.argv.

export interface Config {
  port: number;
  /** Close alone on a port of its own (CLOSE_PORT); null = off. */
  closePort: number | null;
  /** BlueAI alone on a port of its own (BLUEAI_PORT); null = off. */
  blueaiPort: number | null;
  host: string;
  db: string;
  seed: string;
  logLevel: string;
  auth: AuthMode;
  uploadLimit: number;
  /** Largest JSON body of a dataset (POST /_mock/orgs, PUT /_mock/orgs/{org}/snapshot). */
  datasetMaxBytes: number;
  maxOrgs: number;
  /** Bytes the organizations' in-memory databases may hold before idle ones move out (ORG_MEMORY). */
  orgMemory: number;
  corsOrigins: string[];
  rateLimit: number;
  rateLimitWindow: number;
  tickMs: number;
  batchSize: number;
  /** Close's event consolidation window in ms (0 = never consolidate). */
  eventWindowMs: number;
  /** Bearer token the control API (/_mock/, but health) requires; '' = open. */
  controlToken: string;
  /** Seeds id generation, for byte-identical runs; '' = random ids. */
  idSeed: string;
  /** The default clock starts frozen at this instant (ms); null = real time. */
  freezeAt: number | null;
  journalSize: number;
  journalBodyLimit: number;
  /**
   * Allow-list of the hosts webhooks may reach (lowercase names or IP literals): when not empty, the
   * only ones, and the only way to reach loopback or link-local; [] = any host but those (src/core/outbound.ts).
   */
  webhookHosts: string[];
  /** Time one webhook delivery may take, in ms. */
  webhookTimeoutMs: number;
  /** Host names the control API answers to besides loopback and this machine's own (lowercase). */
  allowedHosts: string[];
  /** Wall time one Close query's evaluation may take, in ms (src/close/query/budget.ts). */
  queryTimeoutMs: number;
}

export class ConfigError extends Error {}

// src/config.ts runs from src/ (tests) or dist/src/ (built): the seed folder is one or two levels up.
export const DEFAULT_SEED = ['../seed/default.json', '../../seed/default.json']
  .map((rel) => fileURLToPath(new URL(rel, import.meta.url)))
  .find((p) => existsSync(p)) ?? fileURLToPath(new URL('../../seed/default.json', import.meta.url));

/**
 * Datasets (an organization created or restored from JSON) are parsed whole and checked against the
 * dataset schema before anything is written, so their bodies get a limit of their own: a snapshot of
 * the default seed is about 1.4 MB, so 8 MiB holds several times that while keeping a hostile body's
 * parse and check small.
 */
export const DEFAULT_DATASET_MAX_BYTES = 8 * 1024 * 1024;

/** name → [env var, CLI flag, default] */
const SETTINGS = {
  port: ['PORT', 'port', '4010'],
  // Off unless set: each vendor also alone on a port of its own (src/vendor-ports.ts).
  closePort: ['CLOSE_PORT', 'close-port', ''],
  blueaiPort: ['BLUEAI_PORT', 'blueai-port', ''],
  // Loopback: only this machine can reach an open control API. The Docker image sets HOST=0.0.0.0.
  host: ['HOST', 'host', '127.0.0.1'],
  db: ['DB', 'db', ':memory:'],
  seed: ['SEED', 'seed', DEFAULT_SEED],
  logLevel: ['LOG_LEVEL', 'log-level', 'info'],
  auth: ['AUTH', 'auth', 'open'],
  uploadLimit: ['UPLOAD_LIMIT', 'upload-limit', String(20 * 1024 * 1024)],
  datasetMaxBytes: ['DATASET_MAX_BYTES', 'dataset-max-bytes', String(DEFAULT_DATASET_MAX_BYTES)],
  maxOrgs: ['MAX_ORGS', 'max-orgs', '1000'],
  // ~160 used organizations of the default seed (~3.2 MB each, counted): with the process itself ~0.7 GB at most.
  orgMemory: ['ORG_MEMORY', 'org-memory', '512MiB'],
  corsOrigins: ['CORS_ORIGINS', 'cors-origins', ''],
  rateLimit: ['RATE_LIMIT', 'rate-limit', '0'],
  rateLimitWindow: ['RATE_LIMIT_WINDOW', 'rate-limit-window', '60'],
  tickMs: ['TICK_MS', 'tick-ms', '100'],
  batchSize: ['BATCH_SIZE', 'batch-size', '100'],
  eventWindowMs: ['EVENT_WINDOW_MS', 'event-window-ms', '5000'],
  controlToken: ['CONTROL_TOKEN', 'control-token', ''],
  idSeed: ['ID_SEED', 'id-seed', ''],
  freezeAt: ['FREEZE_AT', 'freeze-at', ''],
  journalSize: ['JOURNAL_SIZE', 'journal-size', '1000'],
  journalBodyLimit: ['JOURNAL_BODY_LIMIT', 'journal-body-limit', '4096'],
  webhookHosts: ['WEBHOOK_HOSTS', 'webhook-hosts', ''],
  webhookTimeoutMs: ['WEBHOOK_TIMEOUT_MS', 'webhook-timeout-ms', '10000'],
  allowedHosts: ['ALLOWED_HOSTS', 'allowed-hosts', ''],
  queryTimeoutMs: ['QUERY_TIMEOUT_MS', 'query-timeout-ms', '2000'],
} as const;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function parseConfig(env: Record<string, string | undefined>, argv: string[]): Config {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.values(SETTINGS).map(([, flag]) => [flag, { type: 'string' as const }])),
      strict: true,
    }).values;
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  const raw = (key: keyof typeof SETTINGS): string => {
    const [envName, flag, def] = SETTINGS[key];
    const v = flags[flag] ?? env[envName];
    return typeof v === 'string' && v !== '' ? v : def;
  };
  const int = (key: keyof typeof SETTINGS, min: number, max: number): number => {
    const text = raw(key);
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) {
      throw new ConfigError(`${SETTINGS[key][0]} must be a whole number from ${min} to ${max}, got "${text}"`);
    }
    return n;
  };
  const auth = raw('auth');
  if (auth !== 'open' && auth !== 'strict') throw new ConfigError(`AUTH must be "open" or "strict", got "${auth}"`);
  const logLevel = raw('logLevel');
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const freezeText = raw('freezeAt');
  const freezeAt = freezeText === '' ? null : Date.parse(freezeText);
  if (freezeAt !== null && (!/^\d{4}-\d{2}-\d{2}T/.test(freezeText) || Number.isNaN(freezeAt))) {
    throw new ConfigError(`FREEZE_AT must be an ISO 8601 instant such as 2026-01-15T09:00:00Z, got "${freezeText}"`);
  }
  if (freezeAt !== null && !reachable(freezeAt)) throw new ConfigError(`FREEZE_AT must be before ${LATEST_ISO}, got "${freezeText}"`);
  const controlToken = raw('controlToken');
  if (/\s/.test(controlToken)) throw new ConfigError('CONTROL_TOKEN must not contain whitespace');
  const corsOrigins = raw('corsOrigins').split(',').map((s) => s.trim()).filter(Boolean);
  for (const o of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(o)) throw new ConfigError(`CORS_ORIGINS entries must look like http://host:port, got "${o}"`);
  }
  const webhookHosts = raw('webhookHosts').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const h of webhookHosts) {
    // A host, not a URL or host:port (which would never match a URL's host).
    if (!/^[a-z0-9_.-]+$/.test(h) && !isIP(h.replace(/^\[(.*)\]$/, '$1'))) {
      throw new ConfigError(`WEBHOOK_HOSTS entries must be host names or IP addresses (no scheme or port), got "${h}"`);
    }
  }
  const port = int('port', 0, 65535);
  const ownPort = (key: 'closePort' | 'blueaiPort'): number | null => (raw(key) === '' ? null : int(key, 0, 65535));
  const closePort = ownPort('closePort');
  const blueaiPort = ownPort('blueaiPort');
  const taken = [port, closePort, blueaiPort].filter((p): p is number => p !== null && p !== 0);
  if (new Set(taken).size !== taken.length) throw new ConfigError(`PORT, CLOSE_PORT and BLUEAI_PORT must differ, got ${port}, ${closePort ?? '(off)'}, ${blueaiPort ?? '(off)'}`);
  return {
    port,
    closePort,
    blueaiPort,
    host: raw('host'),
    db: raw('db'),
    seed: raw('seed'),
    logLevel,
    auth,
    uploadLimit: parseSize(raw('uploadLimit')),
    datasetMaxBytes: parseSize(raw('datasetMaxBytes'), 'DATASET_MAX_BYTES'),
    maxOrgs: int('maxOrgs', 1, 1_000_000),
    orgMemory: parseSize(raw('orgMemory'), 'ORG_MEMORY'),
    corsOrigins,
    rateLimit: int('rateLimit', 0, 1_000_000),
    rateLimitWindow: int('rateLimitWindow', 1, 86_400),
    tickMs: int('tickMs', 0, 3_600_000),
    batchSize: int('batchSize', 1, 100_000),
    eventWindowMs: int('eventWindowMs', 0, 3_600_000),
    controlToken,
    idSeed: raw('idSeed'),
    freezeAt,
    journalSize: int('journalSize', 0, 1_000_000),
    journalBodyLimit: int('journalBodyLimit', 0, 10 * 1024 * 1024),
    webhookHosts,
    webhookTimeoutMs: int('webhookTimeoutMs', 1, 600_000),
    allowedHosts: hostList(raw('allowedHosts')),
    queryTimeoutMs: int('queryTimeoutMs', 1, 600_000),
  };
}

/** ALLOWED_HOSTS: comma-separated names, IP literals, `.domain` suffixes or `*`; anything with a scheme, path or space is refused. */
function hostList(text: string): string[] {
  const out = text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const h of out) {
    if (h !== '*' && !/^\.?[a-z0-9._:[\]-]+$/.test(h)) {
      throw new ConfigError(`ALLOWED_HOSTS entries must be host names, IP addresses, .domain suffixes or *, got "${h}"`);
    }
  }
  return out;
}

/** `20971520`, `20MiB`, `512KiB`, `1GiB`, `10MB` → bytes; a problem names `setting`. */
export function parseSize(text: string, setting = 'UPLOAD_LIMIT'): number {
  const m = /^(\d+)\s*(b|kb|kib|mb|mib|gb|gib)?$/i.exec(text.trim());
  const unit = (m?.[2] ?? 'b').toLowerCase();
  const mult: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };
  const n = m ? Number(m[1]) * mult[unit]! : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new ConfigError(`${setting} must be a size in bytes such as 20971520 or 20MiB, got "${text}"`);
  }
  return n;
}
