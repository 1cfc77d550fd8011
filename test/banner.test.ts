import t from 'tap';
import { banner } from '../src/banner.js';

t.test('the banner shows a wildcard host as localhost and puts an IPv6 host in brackets', async (t) => {
  t.match(banner({ host: '0.0.0.0', port: 4010, controlToken: false }), /listening on http:\/\/localhost:4010\n {2}Close API {4}http:\/\/localhost:4010\/api\/v1\//);
  t.match(banner({ host: '::', port: 4010, controlToken: false }), /http:\/\/localhost:4010\/_mock\/ui/);
  t.match(banner({ host: '::1', port: 9, controlToken: true }), /http:\/\/\[::1\]:9\/_mock\/docs[\s\S]*Control API {2}protected/);
  t.match(banner({ host: '10.0.0.5', port: 4010, controlToken: false }), /http:\/\/10\.0\.0\.5:4010\/api\/v1\/crm\/[\s\S]*set CONTROL_TOKEN/);
});
