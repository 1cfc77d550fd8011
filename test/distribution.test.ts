import { readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';

// How the emulator is distributed: the release workflow (a tag v* → tests, the multi-platform image on
// ghcr.io, the npm package with provenance), one image name wherever the docs and examples use it, and
// a HEALTHCHECK that says healthy soon after the server listens. The workflow itself runs only on
// GitHub and the image only where Docker is (test/docker/smoke.sh); this holds their text to it.

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const IMAGE = 'ghcr.io/crm-bulk-emulator/crm-bulk-emulator';

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { needs?: string; permissions?: Record<string, string>; steps: Step[] };
const workflow = parse(read('.github/workflows/release.yml')) as { on: { push: { tags: string[] } }; jobs: Record<string, Job> };
const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');
const uses = (job: Job) => job.steps.map((s) => s.uses ?? '');

t.test('the release workflow runs on version tags and tests before it publishes anything', async (t) => {
  t.same(workflow.on.push.tags, ['v*']);
  const { test, image, npm } = workflow.jobs;
  t.match(runs(test!), /^npm ci$/m);
  t.match(runs(test!), /^npm test$/m);
  t.equal(image!.needs, 'test');
  t.equal(npm!.needs, 'test');
});

t.test('the image is built for amd64 and arm64 with QEMU and buildx, and pushed to ghcr.io/<owner>/crm-bulk-emulator', async (t) => {
  const job = workflow.jobs.image!;
  t.ok(uses(job).some((u) => u.startsWith('docker/setup-qemu-action@')));
  t.ok(uses(job).some((u) => u.startsWith('docker/setup-buildx-action@')));
  const build = job.steps.find((s) => s.uses?.startsWith('docker/build-push-action@'))!;
  t.equal(build.with!.platforms, 'linux/amd64,linux/arm64');
  t.equal(build.with!.push, true);
  t.match(runs(job), 'ghcr.io/${GITHUB_REPOSITORY_OWNER,,}/crm-bulk-emulator');
  t.equal(job.permissions!.packages, 'write');
});

t.test('the npm package is published with provenance, which needs the id-token permission', async (t) => {
  const job = workflow.jobs.npm!;
  t.match(runs(job), /^npm publish --provenance\b/m);
  t.equal(job.permissions!['id-token'], 'write');
});

t.test('the README, the examples and the Dockerfile name one image, the one the workflow publishes', async (t) => {
  const readme = read('README.md');
  const named = new Set([...readme.matchAll(/ghcr\.io\/[\w.-]+\/[\w.-]+/g)].map((m) => m[0]));
  t.same([...named], [IMAGE]);
  t.match(readme, '.github/workflows/release.yml', 'the README says what publishes it');
  t.match(read('examples/testcontainers/emulator.test.mjs'), `'${IMAGE}:latest'`);
  t.match(read('Dockerfile'), IMAGE);
});

t.test("the Dockerfile's HEALTHCHECK probes every 200 ms while the container starts", async (t) => {
  const line = /^HEALTHCHECK (.*)\\$/m.exec(read('Dockerfile'))?.[1] ?? '';
  t.match(line, /--start-interval=200ms\b/);
  t.match(line, /--start-period=\d+s\b/);
});

t.test('the Testcontainers example waits on the health route and the smoke test runs it', async (t) => {
  t.match(read('examples/testcontainers/emulator.test.mjs'), "Wait.forHttp('/_mock/health', 4010)");
  const smoke = read('test/docker/smoke.sh');
  t.match(smoke, 'examples/testcontainers/emulator.test.mjs');
  t.match(smoke, /HEALTHY_WITHIN_MS=5000/);
  t.ok((JSON.parse(read('package.json')) as { devDependencies: Record<string, string> }).devDependencies.testcontainers, 'testcontainers is a dev dependency');
});
