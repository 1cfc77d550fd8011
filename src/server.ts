#!/usr/bin/env node
// The only place that reads the environment and argv. Bad configuration or a broken seed file → one
// line on stderr and exit code 2, before listening.
import { buildApp } from './app.js';
import { ConfigError, parseCommand, prettyLogs, type LogFormat } from './config.js';
import { helpText } from './settings.js';
import { VERSION } from './version.js';
import { SeedError } from './core/seed.js';
import { banner } from './banner.js';
import { listenVendorPorts, type VendorPorts } from './vendor-ports.js';

// Read first thing: the parent may die while the app is still being built.
const parentPid = process.ppid;

async function main(): Promise<void> {
  let command;
  try {
    command = parseCommand(process.env, process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) fail(`configuration error: ${err.message}`);
    throw err;
  }
  if (command.kind === 'help') return void process.stdout.write(helpText(VERSION));
  if (command.kind === 'version') return void process.stdout.write(`${VERSION}\n`);
  const { config } = command;
  const logStream = prettyLogs(config.logFormat, process.stdout.isTTY === true) ? await prettyStream(config.logFormat) : undefined;
  let app;
  try {
    app = await buildApp({
      logStream,
      db: config.db,
      seed: config.seed,
      auth: config.auth,
      uploadLimit: config.uploadLimit,
      datasetMaxBytes: config.datasetMaxBytes,
      maxOrgs: config.maxOrgs,
      orgMemory: config.orgMemory,
      corsOrigins: config.corsOrigins,
      rateLimit: config.rateLimit,
      rateLimitWindowSeconds: config.rateLimitWindow,
      tickMs: config.tickMs,
      batchSize: config.batchSize,
      eventWindowMs: config.eventWindowMs,
      webhookHosts: config.webhookHosts,
      webhookTimeoutMs: config.webhookTimeoutMs,
      queryTimeoutMs: config.queryTimeoutMs,
      controlToken: config.controlToken || undefined,
      allowedHosts: config.allowedHosts,
      listenHost: config.host,
      idSeed: config.idSeed || undefined,
      freezeAt: config.freezeAt,
      journalSize: config.journalSize,
      journalBodyLimit: config.journalBodyLimit,
      crashAt: process.env.EMULATOR_CRASH_AT,
      logLevel: config.logLevel,
    });
    await app.ready();
  } catch (err) {
    if (err instanceof SeedError) fail(err.message);
    fail(`cannot start: ${(err as Error).message}`);
  }
  let closing = false;
  let vendorPorts: VendorPorts | undefined;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    Promise.resolve(vendorPorts?.close()).then(() => app.close()).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Started by a package manager's script: `npm start` execs node, so npm's SIGTERM or SIGINT reaches
  // it; a script that does not (another package manager, a wrapper script) runs node under a shell
  // that, as dash (Debian's sh) does, dies without passing a SIGTERM on, leaving node behind holding
  // the port. So the server also leaves when its parent does (it is then re-parented).
  if (process.env.npm_lifecycle_event) watchParent(() => shutdown('parent exited'));
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    fail(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  }
  try {
    vendorPorts = await listenVendorPorts(app, { host: config.host, close: config.closePort, blueai: config.blueaiPort });
  } catch (err) {
    fail(`cannot listen on CLOSE_PORT/BLUEAI_PORT (${config.closePort ?? 'off'}/${config.blueaiPort ?? 'off'}): ${(err as Error).message}`);
  }
  // For people, on stderr: stdout stays one JSON log line per event for log collectors.
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.stderr.write(banner({
    host: config.host, port, controlToken: Boolean(config.controlToken), auth: config.auth, seedCredentials: app.tenants.seedCredentials(),
    closePort: vendorPorts.ports.close, blueaiPort: vendorPorts.ports.blueai,
  }));
}

/**
 * pino-pretty's stream (one coloured line per event), loaded only when asked for. Missing (an install
 * without it): LOG_FORMAT=pretty is a configuration error, auto falls back to JSON lines.
 */
async function prettyStream(format: LogFormat): Promise<{ write(line: string): void } | undefined> {
  const specifier = 'pino-pretty'; // not a literal: the bundle loads it from node_modules at run time
  try {
    const { default: pretty } = (await import(specifier)) as { default: (options: object) => { write(line: string): void } };
    return pretty({ colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true });
  } catch {
    if (format === 'pretty') fail('configuration error: LOG_FORMAT=pretty needs the pino-pretty package (npm install pino-pretty)');
    return undefined;
  }
}

/** Calls `gone` once the parent this process started with has exited (checked every 200 ms; the timer never holds the process). */
function watchParent(gone: () => void): void {
  const timer = setInterval(() => {
    if (process.ppid === parentPid) return;
    clearInterval(timer);
    gone();
  }, 200);
  timer.unref();
}

function fail(message: string): never {
  process.stderr.write(`crm-bulk-emulator: ${message}\n`);
  process.exit(2);
}

await main();
