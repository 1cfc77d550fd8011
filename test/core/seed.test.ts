import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { loadSeedFile } from '../../src/core/seed.js';
import { DEFAULT_SEED } from '../../src/config.js';

// The package's default seed is not schema-checked at every start (buildApp passes check: false for
// it, to start sooner); this test is that check. Any other seed file is checked when it is loaded.

t.test('the default seed passes the seed schema check', async (t) => {
  const seed = loadSeedFile(DEFAULT_SEED);
  t.ok(seed.blueai.deals.length > 0);
  t.ok(seed.close && seed.close.leads.length > 0);
});

t.test('a seed file other than the default is checked, and a bad one is a SeedError naming the path inside it', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'seed-')), 'bad.json');
  const data = JSON.parse(readFileSync(DEFAULT_SEED, 'utf8'));
  data.blueai.deals[0].amount = 'lots';
  writeFileSync(file, JSON.stringify(data));
  t.throws(() => loadSeedFile(file), { name: 'SeedError', message: /bad\.json: \/blueai\/deals\/0\/amount/ });
  t.doesNotThrow(() => loadSeedFile(file, { check: false }), 'unchecked, it loads as it is');
});
