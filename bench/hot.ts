// Stage `hot` (issue 27): GET one Close lead next to bare Fastify sending the same JSON, and snapshot /
// restore of the seeded organization over HTTP in both forms — the binary database image (Accept /
// Content-Type application/vnd.sqlite3) next to the JSON dataset (the form before), and a JSON restore
// with If-Match (the held image, no hash) next to one without, all in the same run on one server.
import { BARE, SERVER, call, load, median, row, spawnServer } from './lib.js';

const basic = (key: string) => ({ authorization: 'Basic ' + Buffer.from(`${key}:`).toString('base64') });
const SQLITE = 'application/vnd.sqlite3';

/** p50 of `n` sequential calls. */
async function p50(n: number, fn: () => Promise<number>): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await fn());
  return median(xs);
}

async function timed(url: string, init: RequestInit, want: number): Promise<{ ms: number; body: Buffer; headers: Headers }> {
  const t0 = performance.now();
  const res = await fetch(url, init);
  const body = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - t0;
  if (res.status !== want) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${body.toString().slice(0, 300)}`);
  return { ms, body, headers: res.headers };
}

export async function hotStage(): Promise<void> {
  const emu = await spawnServer(SERVER);
  try {
    const u = emu.url;
    const lead = JSON.parse((await call(`${u}/api/v1/lead/?_limit=1`, { headers: basic('bench') })).text).data[0].id as string;
    const path = `/api/v1/lead/${lead}/`;
    const text = (await call(`${u}${path}`, { headers: basic('bench') })).text;
    const bare = await spawnServer(BARE, { BARE_PATH: path, BARE_BODY: text }, path);
    const rounds: { ours: number; base: number }[] = [];
    try {
      await load({ url: bare.url + path, duration: 1 });
      await load({ url: u + path, headers: basic('bench'), duration: 1 });
      for (let i = 0; i < 4; i++) {
        const b = await load({ url: bare.url + path, duration: 1.5 });
        const o = await load({ url: u + path, headers: basic('bench'), duration: 1.5 });
        if (o.non2xx || o.errors) throw new Error(`GET one lead: ${o.non2xx} non-2xx, ${o.errors} errors`);
        rounds.push({ ours: o.rps, base: b.rps });
      }
    } finally {
      await bare.stop();
    }
    const ratios = rounds.map((r) => r.ours / r.base);
    const pick = rounds[ratios.indexOf(median(ratios))]!;
    row({ figure: 'GET one Close lead, req/s', value: pick.ours, unit: 'req/s', baseline: 'bare Fastify sending the same JSON from a constant', baselineValue: pick.base,
      ratio: pick.ours / pick.base, target: '≥ 0.5×', pass: pick.ours / pick.base >= 0.5, note: `${text.length} B answer; median of 4 alternating rounds (ratios ${ratios.map((r) => r.toFixed(2)).join(', ')})` });

    // Snapshots of a seeded organization (its data made by a first call).
    const created = await timed(`${u}/_mock/orgs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ credential: 'bench-hot-snap' }) }, 201);
    const org = JSON.parse(created.body.toString()).id as string;
    await call(`${u}/api/v1/crm/members`, { headers: { authorization: 'Bearer bench-hot-snap' } });
    const snap = `${u}/_mock/orgs/${org}/snapshot`;
    const json = await timed(snap, {}, 200);
    const etag = json.headers.get('etag')!;
    const image = await timed(snap, { headers: { accept: SQLITE } }, 200);
    const N = 30;
    const getJson = await p50(N, async () => (await timed(snap, {}, 200)).ms);
    const getBin = await p50(N, async () => (await timed(snap, { headers: { accept: SQLITE } }, 200)).ms);
    const putJson = await p50(N, async () => (await timed(snap, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: json.body as unknown as BodyInit }, 200)).ms);
    const putTagged = await p50(N, async () => (await timed(snap, { method: 'PUT', headers: { 'content-type': 'application/json', 'if-match': etag }, body: json.body as unknown as BodyInit }, 200)).ms);
    const putBin = await p50(N, async () => (await timed(snap, { method: 'PUT', headers: { 'content-type': SQLITE }, body: image.body as unknown as BodyInit }, 200)).ms);
    row({ figure: 'organization snapshot (GET), binary image, p50', value: getBin, unit: 'ms', baseline: 'the JSON snapshot of the same organization, p50', baselineValue: getJson,
      ratio: getBin / getJson, target: '≤ 10 ms', pass: getBin <= 10, note: `${(image.body.length / 1024).toFixed(0)} KB image vs ${(json.body.length / 1024).toFixed(0)} KB JSON; p50 of ${N}` });
    row({ figure: 'organization restore (PUT), binary image, p50', value: putBin, unit: 'ms', baseline: 'restoring the JSON snapshot, p50', baselineValue: putJson,
      ratio: putBin / putJson, target: '≤ 10 ms', pass: putBin <= 10, note: `p50 of ${N}; checked (quick_check, schema version, one organization, every row's id) each time` });
    row({ figure: 'organization restore (PUT) of a JSON snapshot with If-Match, p50', value: putTagged, unit: 'ms', baseline: 'the same restore without If-Match, p50', baselineValue: putJson,
      ratio: putTagged / putJson, target: '(shown)', pass: null, note: 'the held image, no cross-reference check or hash; the body is still parsed and schema-checked' });
  } finally {
    await emu.stop();
  }
}
