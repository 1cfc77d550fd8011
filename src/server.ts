#!/usr/bin/env node
// The only place that reads the environment and argv. Bad configuration or a broken seed file → one
// line on stderr and exit code 2, before listening.
import { buildApp } from './app.js';
import { ConfigError, parseCommand } from './config.js';
import { helpText } from './settings.js';
import { VERSION } from './version.js';
import { SeedError } from './core/seed.js';
import { banner } from './banner.js';

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
  let app;
  try {
    app = await buildApp({
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
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    fail(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  }
  // For people, on stderr: stdout stays one JSON log line per event for log collectors.
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  process.stderr.write(banner({ host: config.host, port, controlToken: Boolean(config.controlToken) }));
}

function fail(message: string): never {
  process.stderr.write(`crm-bulk-emulator: ${message}\n`);
  process.exit(2);
}

await main();
