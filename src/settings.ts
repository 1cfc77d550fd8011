import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The one table of the emulator's settings: src/config.ts parses argv and the environment from it,
// and `--help` prints it. A setting added here is a flag, an environment variable, a default and a
// help line at once.

// src/settings.ts runs from src/ (tests) or dist/src/ (built): the seed folder is one or two levels up.
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

export interface Setting {
  env: string;
  flag: string;
  default: string;
  /** The default as --help shows it, when not the value itself (a path, '' = none). */
  shown?: string;
  /** The value's placeholder in --help. */
  arg: string;
  help: string;
}

const s = (env: string, flag: string, def: string, arg: string, help: string, shown?: string): Setting =>
  ({ env, flag, default: def, arg, help, ...(shown === undefined ? {} : { shown }) });

export const SETTINGS = {
  port: s('PORT', 'port', '4010', 'n', 'TCP port (0 = any free port)'),
  // Off unless set: each vendor also alone on a port of its own (src/vendor-ports.ts).
  closePort: s('CLOSE_PORT', 'close-port', '', 'n', 'also serve Close alone on this port (0 = any free port)', 'off'),
  blueaiPort: s('BLUEAI_PORT', 'blueai-port', '', 'n', 'also serve BlueAI alone on this port (0 = any free port)', 'off'),
  // Loopback: only this machine can reach an open control API. The Docker image sets HOST=0.0.0.0.
  host: s('HOST', 'host', '127.0.0.1', 'address', 'interface to listen on; 0.0.0.0 for every interface'),
  db: s('DB', 'db', ':memory:', 'path', 'SQLite database; a file path persists across restarts'),
  seed: s('SEED', 'seed', DEFAULT_SEED, 'path', 'dataset copied into every new organization', 'the bundled seed/default.json'),
  logLevel: s('LOG_LEVEL', 'log-level', 'info', 'level', 'fatal, error, warn, info, debug, trace or silent'),
  logFormat: s('LOG_FORMAT', 'log-format', 'auto', 'format', 'json (one JSON line per event), pretty, or auto (pretty when stdout is a terminal)'),
  auth: s('AUTH', 'auth', 'open', 'mode', 'open: any new credential opens an organization; strict: only the seed\'s credentials'),
  uploadLimit: s('UPLOAD_LIMIT', 'upload-limit', String(20 * 1024 * 1024), 'size', 'largest CSV upload (bytes, or KiB/MiB/GiB/KB/MB/GB)', '20MiB'),
  datasetMaxBytes: s('DATASET_MAX_BYTES', 'dataset-max-bytes', String(DEFAULT_DATASET_MAX_BYTES), 'size', 'largest dataset body of the control API', '8MiB'),
  maxOrgs: s('MAX_ORGS', 'max-orgs', '1000', 'n', 'most organizations that may exist'),
  // ~160 used organizations of the default seed (~3.2 MB each, counted): with the process itself ~0.7 GB at most.
  orgMemory: s('ORG_MEMORY', 'org-memory', '512MiB', 'size', 'what in-memory organizations may hold before idle ones move out'),
  corsOrigins: s('CORS_ORIGINS', 'cors-origins', '', 'origins', 'comma-separated browser origins allowed to call with cookies', 'none'),
  rateLimit: s('RATE_LIMIT', 'rate-limit', '0', 'n', 'requests per window per organization and vendor (0 = off)'),
  rateLimitWindow: s('RATE_LIMIT_WINDOW', 'rate-limit-window', '60', 'seconds', 'rate limit window'),
  tickMs: s('TICK_MS', 'tick-ms', '100', 'ms', 'how often bulk edits advance in the background (0 = never)'),
  batchSize: s('BATCH_SIZE', 'batch-size', '100', 'n', 'objects a bulk edit applies per tick'),
  eventWindowMs: s('EVENT_WINDOW_MS', 'event-window-ms', '5000', 'ms', 'Close event consolidation window (0 = never consolidate)'),
  controlToken: s('CONTROL_TOKEN', 'control-token', '', 'token', 'bearer token every /_mock/ route but health requires', 'none: the control API is open'),
  idSeed: s('ID_SEED', 'id-seed', '', 'text', 'seeds id generation, for byte-identical runs', 'none: random ids'),
  freezeAt: s('FREEZE_AT', 'freeze-at', '', 'instant', 'ISO instant at which the default clock starts, frozen', 'none: real time'),
  journalSize: s('JOURNAL_SIZE', 'journal-size', '1000', 'n', 'requests kept in the journal (0 = off)'),
  journalBodyLimit: s('JOURNAL_BODY_LIMIT', 'journal-body-limit', '4096', 'bytes', 'bytes of each body the journal keeps'),
  webhookHosts: s('WEBHOOK_HOSTS', 'webhook-hosts', '', 'hosts', 'allow-list of the hosts webhooks may reach (the only way to reach loopback)', 'none: any host but loopback and link-local'),
  webhookTimeoutMs: s('WEBHOOK_TIMEOUT_MS', 'webhook-timeout-ms', '10000', 'ms', 'time one webhook delivery may take'),
  allowedHosts: s('ALLOWED_HOSTS', 'allowed-hosts', '', 'hosts', 'Host names the control API answers to besides this machine\'s own', 'none'),
  queryTimeoutMs: s('QUERY_TIMEOUT_MS', 'query-timeout-ms', '2000', 'ms', 'time one Close query may take to evaluate'),
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof SETTINGS;

/** Options that are not settings: what they do happens instead of starting. */
export const COMMANDS = [
  { flag: 'help', short: 'h', help: 'print this help and exit' },
  { flag: 'version', short: 'v', help: 'print the version and exit' },
] as const;

/** `--help`: every option with its environment variable and default. */
export function helpText(version: string): string {
  const rows = Object.values(SETTINGS).map((x: Setting) => {
    const shown = x.shown ?? x.default;
    return [`    --${x.flag} <${x.arg}>`, x.env, `${x.help} (default: ${shown === '' ? 'none' : shown})`];
  });
  const width = Math.max(...rows.map((r) => r[0]!.length)) + 2;
  const envWidth = Math.max(...rows.map((r) => r[1]!.length)) + 2;
  return [
    `crm-bulk-emulator ${version}: a stateful emulator of Close's and BlueAI's CRM APIs`,
    '',
    'Usage: crm-bulk-emulator [options]     (npm start -- [options], node dist/server.mjs [options])',
    '',
    'Each option can also be set by the environment variable beside it; a flag wins over the variable.',
    '',
    `${'Options:'.padEnd(width)}${'env'.padEnd(envWidth)}meaning`,
    ...rows.map(([flag, env, help]) => `${flag!.padEnd(width)}${env!.padEnd(envWidth)}${help}`),
    ...COMMANDS.map((c) => `${`    -${c.short}, --${c.flag}`.padEnd(width + envWidth)}${c.help}`),
    '',
  ].join('\n');
}

/** The valid option closest to `name` (edit distance), or null when none is near. */
export function closestOption(name: string): string | null {
  const names: string[] = [...Object.values(SETTINGS).map((x: Setting) => x.flag), ...COMMANDS.map((c) => c.flag)];
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of names) {
    const d = editDistance(name.toLowerCase(), candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  // Near: at most a third of the longer name differs (a typo, not another word).
  return best !== null && bestDistance <= Math.max(1, Math.floor(Math.max(name.length, best.length) / 3)) ? best : null;
}

/** Edit distance counting a swap of two neighbours as one edit (`prot` → `port`); names are cut to 64 characters by the caller. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i]!;
      row[j] = Math.min(d[i - 1]![j]! + 1, row[j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}
