import t from 'tap';
import fc from 'fast-check';
import { holds } from '../fc.js';
import { RouteIndex } from '../../src/core/routes.js';
import { globMatcher, VendorPaths } from '../../src/core/match.js';

/** The vendors as src/app.ts registers them: BlueAI first, Close after. */
function appVendors(): VendorPaths {
  const vendors = new VendorPaths();
  vendors.add('blueai', '/api/v1/crm');
  vendors.add('close', '/api/v1');
  return vendors;
}

t.test('the nearest route is the fewest path edits away, :params matching any segment, same method on a tie', async (t) => {
  const routes = new RouteIndex(appVendors());
  routes.add(['GET', 'HEAD'], '/api/v1/crm/deals');
  routes.add('POST', '/api/v1/crm/deals');
  routes.add('GET', '/api/v1/crm/deals/:id');
  routes.add('PATCH', '/api/v1/crm/deals/:id');
  routes.add('GET', '/api/v1/crm/members');
  routes.add('GET', '/api/v1/lead/');
  routes.add('PUT', '/api/v1/lead/:id/');
  routes.add('GET', '/_mock/health');
  t.equal(routes.nearest('GET', '/api/v1/crm/deal'), 'GET /api/v1/crm/deals');
  t.equal(routes.nearest('POST', '/api/v1/crm/deal'), 'POST /api/v1/crm/deals');
  t.equal(routes.nearest('PATCH', '/api/v1/crm/deal/deal_123'), 'PATCH /api/v1/crm/deals/:id');
  t.equal(routes.nearest('DELETE', '/api/v1/crm/members'), 'GET /api/v1/crm/members', 'the path matters more than the method');
  t.equal(routes.nearest('GET', '/api/v1/leads/'), 'GET /api/v1/lead/', 'only routes of the same vendor: Close');
  t.equal(routes.nearest('PUT', '/api/v1/lead/lead_1'), 'PUT /api/v1/lead/:id/');
  t.equal(routes.nearest('HEAD', '/api/v1/crm/deals/x/y'), 'GET /api/v1/crm/deals/:id', 'HEAD routes are never named');
  t.equal(routes.nearest('GET', '/_mock/nope'), null, 'no vendor, no nearest route');
  t.equal(new RouteIndex(appVendors()).nearest('GET', '/api/v1/crm/x'), null);
  const long = routes.nearest('GET', '/api/v1/crm/' + 'x/'.repeat(5000));
  t.type(long, 'string', 'a huge URL still gets an answer');
});

t.test('paths belong to BlueAI under /api/v1/crm, to Close elsewhere under /api/v1', async (t) => {
  const vendors = appVendors();
  const vendorOf = (path: string) => vendors.of(path);
  t.equal(vendorOf('/api/v1/crm/deals'), 'blueai');
  t.equal(vendorOf('/api/v1/crm'), 'blueai');
  t.equal(vendorOf('/api/v1/crmx/'), 'close');
  t.equal(vendorOf('/api/v1/lead/'), 'close');
  t.equal(vendorOf('/api/v1'), 'close');
  t.equal(vendorOf('/api/v2/lead/'), null);
  t.equal(vendorOf('/_mock/requests'), null);
  t.equal(new VendorPaths().of('/api/v1/lead/'), null, 'no vendor registered, no vendor');
});

t.test('the longest registered prefix wins, whatever the order of registration', async (t) => {
  const vendors = new VendorPaths();
  vendors.add('outer', '/api/v1');
  t.equal(vendors.of('/api/v1/crm/deals'), 'outer', 'before the inner vendor registers');
  vendors.add('inner', '/api/v1/crm');
  t.equal(vendors.of('/api/v1/crm/deals'), 'inner');
  t.equal(vendors.of('/api/v1/crm'), 'inner');
  t.equal(vendors.of('/api/v1/crmx'), 'outer', 'a prefix matches whole segments only');
  vendors.add('inner', '/api/v2');
  t.equal(vendors.of('/api/v2/x'), 'inner', 'a vendor may have several prefixes');
  vendors.addExact('inner', '/api/v1/me');
  t.equal(vendors.of('/api/v1/me'), 'inner', 'an exact path wins over a prefix');
  t.equal(vendors.of('/api/v1/me/'), 'outer', 'an exact path has no sub-paths');
  t.throws(() => vendors.addExact('other', '/api/v1/me'), /registered twice/);
  t.throws(() => vendors.add('other', '/api/v1'), /registered twice/);
  t.throws(() => vendors.add('bad', '/api/v3/'), /must start and not end/);
});

t.test('globs: * stays within a segment, ** crosses segments, the rest is literal', async (t) => {
  const one = globMatcher('/api/v1/lead/*/');
  t.ok(one.test('/api/v1/lead/lead_1/'));
  t.notOk(one.test('/api/v1/lead/a/b/'));
  t.ok(globMatcher('/api/**').test('/api/v1/crm/deals/x'));
  t.ok(globMatcher('**/export').test('/api/v1/crm/bulk/deals/export'));
  t.notOk(globMatcher('/api/v1/crm/deals.csv').test('/api/v1/crm/dealsXcsv'), 'a dot is literal');
  t.notOk(globMatcher('/api/v1').test('/api/v1/lead/'), 'the whole path must match');
  t.throws(() => globMatcher('api/v1'));
});

t.test('globs match in linear time: many stars against a long path that does not match', async (t) => {
  const long = '/api/v1/lead/' + 'a'.repeat(5000) + '/';
  const started = Date.now();
  for (const glob of ['/**/**/**/**/**/**/**/**/**/**/**/**/**/x', '/' + '*'.repeat(40) + 'x', '/*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b']) {
    t.notOk(globMatcher(glob).test(long), glob);
  }
  t.ok(Date.now() - started < 1000, `${Date.now() - started} ms (a backtracking RegExp took minutes)`);
  t.ok(globMatcher('/**a**').test(long), 'and still matches what it should');
});

t.test('globs match exactly what the equivalent regular expression matches', async (t) => {
  // The reference: the RegExp translation the matcher replaced (fine for short inputs).
  const reference = (glob: string) => new RegExp('^' + glob.replace(/\*\*|\*|[.+?^${}()|[\]\\]/g, (m) => (m === '**' ? '.*' : m === '*' ? '[^/]*' : '\\' + m)) + '$');
  const chars = fc.constantFrom('/', '*', 'a', 'b', '.');
  // 8000 thorough cases, 2000 by default (test/fc.ts).
  await holds(t, 'agrees with the RegExp', fc.tuple(fc.string({ unit: chars, maxLength: 8 }).map((g) => '/' + g), fc.string({ unit: fc.constantFrom('/', 'a', 'b', '.'), maxLength: 10 })),
    ([glob, path]) => (globMatcher(glob).test('/' + path) === reference(glob).test('/' + path) ? null : `${glob} vs /${path}`), 8000);
});
