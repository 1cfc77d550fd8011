import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { uninstrumented } from './process-helper.js';

// `npm start` as people and CI scripts run it (`npm start &`, then a signal to npm's process): the
// server must leave and free its port, whatever shell npm runs the script in (dash does not pass a
// signal on to node). Needs dist/ (built by `npm test` before tap runs).

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Starts `npm start` on a port the kernel picks; resolves with npm's process, the port and the server's own pid. */
async function npmStart(t: Test) {
  const child = spawn(npm, ['start'], {
    cwd: root,
    env: { ...uninstrumented(), HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = once(child, 'exit');
  let serverPid = 0;
  t.teardown(() => {
    child.kill('SIGKILL');
    if (serverPid && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not listen within 30 s; stderr: ${stderr}`)), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /"pid":(\d+).*"msg":"Server listening at http:\/\/127\.0\.0\.1:(\d+)"/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      serverPid = Number(m[1]);
      resolve(Number(m[2]));
    });
    void exited.then(() => reject(new Error(`npm start exited before listening; stderr: ${stderr}`)));
  });
  return { child, port, serverPid, exited };
}

/** Whether the process runs: a zombie (exited, not yet reaped by an init that never reaps) does not. */
function alive(pid: number): boolean {
  try {
    if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return false;
  } catch {
    // no /proc (not Linux), or the process is gone
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True once something else may listen on the port. */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  t.test(`${signal} to npm's process (npm start &) stops the server and frees its port within 2 s`, async (t) => {
    const { child, port, serverPid } = await npmStart(t);
    t.not(serverPid, child.pid, 'the server is a process of its own under npm');
    t.equal((await fetch(`http://127.0.0.1:${port}/_mock/health`)).status, 200);
    const sent = Date.now();
    child.kill(signal);
    let free = false;
    while (!free && Date.now() - sent < 2000) {
      free = !alive(serverPid) && (await portFree(port));
      if (!free) await new Promise((r) => setTimeout(r, 20));
    }
    t.ok(free, `the server (pid ${serverPid}) has exited and port ${port} is free ${Date.now() - sent} ms after the signal`);
  });
}
