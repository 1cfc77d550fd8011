import t from 'tap';
import { build, shareApps } from '../helper.js';
import { CS, call, closeOrg, isFieldError, rows } from './helper.js';

// The plural legacy alias /custom_fields/{type}/ (a maintained Singer tap reads it) answers as the singular path.
shareApps(t);

const KINDS = ['lead', 'contact', 'opportunity', 'activity'] as const;

t.test('every read of the plural alias answers byte for byte as the singular path', async (t) => {
  const app = await build(t);
  for (const kind of KINDS) {
    for (const query of ['', '?_limit=1000', '?_skip=1&_limit=2&_fields=id,name']) {
      const singular = await call(app, { path: `/custom_field/${kind}/${query}` });
      const plural = await call(app, { path: `/custom_fields/${kind}/${query}` });
      t.equal(plural.statusCode, 200);
      t.equal(plural.body, singular.body, `/custom_fields/${kind}/${query}`);
    }
    const field = CS.custom_fields.find((f) => f.object_type === kind)!;
    const one = await call(app, { path: `/custom_fields/${kind}/${field.id}/` });
    t.equal(one.statusCode, 200);
    t.equal(one.body, (await call(app, { path: `/custom_field/${kind}/${field.id}/` })).body);
    const missing = await call(app, { path: `/custom_fields/${kind}/cf_missing/` });
    t.equal(missing.statusCode, 404);
    t.equal(missing.body, (await call(app, { path: `/custom_field/${kind}/cf_missing/` })).body);
  }
  t.equal((await call(app, { path: '/custom_fields/shared/' })).statusCode, 404, 'only the four kinds the tap reads have a plural');
});

t.test('writes through the alias are the singular writes: stored, evented, refused alike', async (t) => {
  const app = await build(t);
  const org = closeOrg(app);
  const created = await call(app, { method: 'POST', path: '/custom_fields/lead/', payload: { name: 'Via alias', type: 'text' } });
  t.equal(created.statusCode, 200);
  const id = created.json().id as string;
  t.same(rows(app, 'SELECT name, object_type FROM close_custom_fields WHERE org_id = ? AND id = ?', org, id), [{ name: 'Via alias', object_type: 'lead' }]);
  t.equal((await call(app, { method: 'PUT', path: `/custom_fields/lead/${id}/`, payload: { name: 'Renamed' } })).json().name, 'Renamed');
  isFieldError(t, await call(app, { method: 'PUT', path: `/custom_fields/lead/${id}/`, payload: { editable_with_roles: ['role_x'] } }), 'editable_with_roles');
  t.equal((await call(app, { method: 'DELETE', path: `/custom_fields/lead/${id}/` })).statusCode, 200);
  t.same(rows(app, 'SELECT action FROM close_events WHERE org_id = ? AND object_id = ? ORDER BY seq', org, id).map((e) => e.action), ['created', 'updated', 'deleted']);
});
