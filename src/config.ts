import { parseArgs } from 'node:util';
import { isIP } from 'node:net';
import { LATEST_ISO, reachable } from './core/clock.js';
import type { AuthMode } from './core/tenants.js';
import { closestOption, COMMANDS, SETTINGS, type SettingName } from './settings.js';

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
  /** json: one JSON line per event; pretty: coloured lines for people; auto: pretty when stdout is a terminal. */
  logFormat: LogFormat;
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

export type LogFormat = 'json' | 'pretty' | 'auto';

/** LOG_FORMAT → whether log lines are printed for people (auto: when stdout is a terminal). */
export const prettyLogs = (format: LogFormat, stdoutIsTTY: boolean): boolean => format === 'pretty' || (format === 'auto' && stdoutIsTTY);

export class ConfigError extends Error {}

export { DEFAULT_DATASET_MAX_BYTES, DEFAULT_SEED } from './settings.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LOG_FORMATS = ['json', 'pretty', 'auto'];

/** What the command line asks for: the help, the version, or a server with this configuration. */
export type Command = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: Config };

export function parseConfig(env: Record<string, string | undefined>, argv: string[]): Config {
  const command = parseCommand(env, argv);
  if (command.kind !== 'run') throw new ConfigError(`--${command.kind} is not a setting`);
  return command.config;
}

export function parseCommand(env: Record<string, string | undefined>, argv: string[]): Command {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: argv,
      options: {
        ...Object.fromEntries(Object.values(SETTINGS).map((x) => [x.flag, { type: 'string' as const }])),
        ...Object.fromEntries(COMMANDS.map((c) => [c.flag, { type: 'boolean' as const, short: c.short }])),
      },
      strict: true,
    }).values;
  } catch (err) {
    throw new ConfigError(argvProblem(argv, err as Error & { code?: string }));
  }
  if (flags.help) return { kind: 'help' };
  if (flags.version) return { kind: 'version' };
  const raw = (key: SettingName): string => {
    const { env: envName, flag, default: def } = SETTINGS[key];
    const v = flags[flag] ?? env[envName];
    return typeof v === 'string' && v !== '' ? v : def;
  };
  const int = (key: SettingName, min: number, max: number): number => {
    const text = raw(key);
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) {
      throw new ConfigError(`${SETTINGS[key].env} must be a whole number from ${min} to ${max}, got "${text}"`);
    }
    return n;
  };
  const auth = raw('auth');
  if (auth !== 'open' && auth !== 'strict') throw new ConfigError(`AUTH must be "open" or "strict", got "${auth}"`);
  const logLevel = raw('logLevel');
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const logFormat = raw('logFormat');
  if (!LOG_FORMATS.includes(logFormat)) throw new ConfigError(`LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')}, got "${logFormat}"`);
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
  return { kind: 'run', config: {
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
    logFormat: logFormat as LogFormat,
  } };
}

/**
 * node:util's message for a bad command line, made shorter: an unknown option is answered with the
 * closest valid one, a positional argument with where options go.
 */
function argvProblem(argv: string[], err: Error & { code?: string }): string {
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const known = new Set<string>([...Object.values(SETTINGS).map((x) => x.flag), ...COMMANDS.flatMap((c) => [c.flag, c.short])]);
    const unknown = argv.map((a) => /^--?([^=]*)/.exec(a)?.[1]).find((name) => name !== undefined && name !== '' && !known.has(name));
    if (unknown !== undefined) {
      const shown = unknown.slice(0, 64);
      const near = closestOption(shown);
      return `unknown option --${shown}${near ? `; did you mean --${near}?` : ''} (--help lists every option)`;
    }
  }
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `${err.message.split('.')[0]}: every setting is an option such as --port 4010 (--help lists them)`;
  return err.message;
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
