import t from 'tap';
import { banner } from '../src/banner.js';

t.test('the banner shows a wildcard host as localhost and puts an IPv6 host in brackets', async (t) => {
  t.match(banner({ host: '0.0.0.0', port: 4010, controlToken: false, auth: 'open', seedCredentials: [] }), /listening on http:\/\/localhost:4010\n {2}Close API {4}http:\/\/localhost:4010\/api\/v1\//);
  t.match(banner({ host: '::', port: 4010, controlToken: false, auth: 'open', seedCredentials: [] }), /http:\/\/localhost:4010\/_mock\/ui/);
  t.match(banner({ host: '::1', port: 9, controlToken: true, auth: 'open', seedCredentials: [] }), /http:\/\/\[::1\]:9\/_mock\/docs[\s\S]*Control API {2}protected/);
  t.match(banner({ host: '10.0.0.5', port: 4010, controlToken: false, auth: 'open', seedCredentials: [] }), /http:\/\/10\.0\.0\.5:4010\/api\/v1\/crm\/[\s\S]*set CONTROL_TOKEN/);
});

t.test('the banner shows the auth mode; in strict mode it lists the seed\'s keys, the only ones that open an organization', async (t) => {
  const open = banner({ host: '127.0.0.1', port: 4010, controlToken: false, auth: 'open', seedCredentials: ['blueai-demo-token', 'ci-token'] });
  t.equal(open.split('\n').at(-2), '  Auth         open: any new key opens an organization (--auth strict accepts only the seed\'s keys)');
  t.notMatch(open, /ci-token/, 'open mode does not list keys');
  const strict = banner({ host: '127.0.0.1', port: 4010, controlToken: false, auth: 'strict', seedCredentials: ['blueai-demo-token', 'ci-token'] });
  t.equal(strict.split('\n').at(-2), '  Auth         strict: only the seed\'s keys open an organization: blueai-demo-token, ci-token');
  t.match(banner({ host: '127.0.0.1', port: 1, controlToken: false, auth: 'strict', seedCredentials: [] }), /strict: only the seed's keys open an organization: \(none\)\n$/);
});
