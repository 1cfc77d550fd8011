import { readFileSync } from 'node:fs';
import t from 'tap';
import { startServer, tempDb } from '../process-helper.js';

// Issue 24: with DB=<file>, 215 organizations each holding one webhook subscription (and nothing
// pending) made the ticker and the deliverer open every one's database every tick: 62 % of a core
// idle and GET /me/ at 1.28 s. Background work now visits only organizations with something due.
// Generous bounds (a shared CI machine); the precise figures are in `npm run bench` (stage idle-orgs).

const ORGS = 215;
const auth = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

/** CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

t.test('215 organizations with one webhook subscription each and nothing pending leave the process idle', async (t) => {
  t.setTimeout(180_000);
  const server = await startServer(t, { DB: tempDb('idle-orgs'), TICK_MS: '100', WEBHOOK_HOSTS: '127.0.0.1' });
  for (let i = 0; i < ORGS; i++) {
    const res = await fetch(`${server.url}/api/v1/webhook/`, {
      method: 'POST', headers: auth(`idle-org-${i}`),
      body: JSON.stringify({ url: 'http://127.0.0.1:9/hook', events: [{ object_type: 'lead', action: 'created' }] }),
    });
    t.equal(res.status, 201, `subscription of organization ${i}`);
    await res.arrayBuffer();
  }
  // Settle (the last creations' work), then measure idle CPU over 3 s.
  await new Promise((r) => setTimeout(r, 500));
  const pid = server.child.pid!;
  const before = cpuSeconds(pid);
  const began = performance.now();
  await new Promise((r) => setTimeout(r, 3000));
  const share = (cpuSeconds(pid) - before) / ((performance.now() - began) / 1000);
  t.ok(share < 0.1, `idle CPU is ${(share * 100).toFixed(1)} % of a core (bound 10 %)`);

  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const began = performance.now();
    const res = await fetch(`${server.url}/api/v1/me/`, { headers: auth(`idle-org-${i * 7}`) });
    times.push(performance.now() - began);
    t.equal(res.status, 200);
    await res.arrayBuffer();
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  t.ok(median < 150, `GET /me/ median ${median.toFixed(1)} ms (bound 150 ms)`);
  t.equal(await server.stop(), null, 'a clean shutdown');
});
