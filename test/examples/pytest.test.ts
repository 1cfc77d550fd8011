import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { startServer } from '../process-helper.js';

// examples/pytest (conftest.py + test_close_example.py), run with pytest as a Python user would: once
// against an emulator already running (CRM_EMULATOR_URL), once letting conftest.py start its own
// (CRM_EMULATOR_CMD: the compiled server, as `npx crm-bulk-emulator` would run it).

const run = promisify(execFile);
const EXAMPLE = fileURLToPath(new URL('../../examples/pytest', import.meta.url));
const SERVER = fileURLToPath(new URL('../../dist/server.mjs', import.meta.url));
const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import pytest, requests']).status === 0);
// `python:` names the suite .ci/run's ALLOW_SKIP can allow (scripts/skips.mjs).
const skip = python ? false : 'python: no python3 with pytest and requests on this machine (.ci/run installs them)';

const pytest = (env: Record<string, string>) =>
  run(python!, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', EXAMPLE], { encoding: 'utf8', env: { ...process.env, ...env } });

t.test('against a running emulator, each test gets an organization of its own, deleted after it', { skip }, async (t) => {
  const server = await startServer(t, {});
  const { stdout } = await pytest({ CRM_EMULATOR_URL: server.url });
  t.match(stdout, /\b3 passed\b/);
  const ctl = (path: string) => fetch(`${server.url}/_mock${path}`).then((r) => r.json());
  t.same((await ctl('/orgs')).data, [], 'every organization the tests made is gone');
  // A deleted organization takes its journal entries with it: no Close call is left, and none failed
  // authentication (those would stay, with no organization).
  t.same((await ctl('/requests?vendor=close&limit=1000')).data, [], "the tests' Close calls went with their organizations");
});

t.test('without CRM_EMULATOR_URL, conftest.py starts the emulator and stops it', { skip }, async (t) => {
  const { stdout } = await pytest({ CRM_EMULATOR_CMD: `${process.execPath} ${SERVER}` });
  t.match(stdout, /\b3 passed\b/);
});
