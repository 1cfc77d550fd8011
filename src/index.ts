// The package's main entry: the emulator in-process, for test suites that want a real listening
// server without a child process.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from './app.js';
import { EmulatorClient } from './client.js';

export { buildApp, type AppOptions } from './app.js';
export { EmulatorClient, EmulatorError, EmulatorUnreachableError } from './client.js';
export type * from './client.js';

export interface StartOptions extends AppOptions {
  /** Default 127.0.0.1: a test emulator is not reachable from the network. */
  host?: string;
  /** Default 0: a free port the system picks. */
  port?: number;
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:41235, without a trailing slash. */
  url: string;
  /** A control API client for this emulator, with its controlToken. */
  client: EmulatorClient;
  app: FastifyInstance;
  /** Stops listening and closes the database; safe to call twice. */
  close(): Promise<void>;
}

/** Builds the emulator (no logger, in-memory database, default seed unless given) and listens. */
export async function startEmulator(options: StartOptions = {}): Promise<RunningEmulator> {
  const { host = '127.0.0.1', port = 0, ...appOptions } = options;
  const app = await buildApp({ logger: false, ...appOptions });
  try {
    await app.listen({ host, port });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address() as AddressInfo;
  // Listening on every interface: connect through loopback.
  const ip = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  const hostname = ip.includes(':') ? `[${ip}]` : ip;
  const url = `http://${hostname}:${address.port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    client: new EmulatorClient(url, { controlToken: options.controlToken }),
    app,
    close: () => (closing ??= app.close()),
  };
}
