import { readFileSync } from 'node:fs';
import t from 'tap';
import { ConfigError, DEFAULT_SEED, parseCommand, parseConfig, parseSize } from '../src/config.js';
import { closestOption, helpText, SETTINGS } from '../src/settings.js';

t.test('defaults: port 4010 on 127.0.0.1 (loopback only), in-memory database, default seed, open auth, 20 MiB uploads, 8 MiB datasets, 512 MiB of organizations', async (t) => {
  t.same(parseConfig({}, []), {
    port: 4010, closePort: null, blueaiPort: null, host: '127.0.0.1', db: ':memory:', seed: DEFAULT_SEED, logLevel: 'info', auth: 'open',
    uploadLimit: 20 * 1024 * 1024, datasetMaxBytes: 8 * 1024 * 1024, maxOrgs: 1000, orgMemory: 512 * 1024 * 1024, corsOrigins: [], rateLimit: 0, rateLimitWindow: 60, tickMs: 100, batchSize: 100, eventWindowMs: 5000,
    controlToken: '', idSeed: '', freezeAt: null, journalSize: 1000, journalBodyLimit: 4096, webhookHosts: [], webhookTimeoutMs: 10000, allowedHosts: [], queryTimeoutMs: 2000, logFormat: 'auto',
  });
});

t.test('environment variables set every option and CLI flags win over them', async (t) => {
  const env = { PORT: '5000', HOST: '0.0.0.0', DB: '/tmp/x.db', SEED: '/tmp/seed.json', LOG_LEVEL: 'warn', AUTH: 'strict', UPLOAD_LIMIT: '5MiB', DATASET_MAX_BYTES: '2MiB', MAX_ORGS: '3', ORG_MEMORY: '64MiB', CORS_ORIGINS: 'http://localhost:5173, http://127.0.0.1:3000' };
  t.same(parseConfig(env, []), {
    port: 5000, closePort: null, blueaiPort: null, host: '0.0.0.0', db: '/tmp/x.db', seed: '/tmp/seed.json', logLevel: 'warn', auth: 'strict',
    uploadLimit: 5 * 1024 * 1024, datasetMaxBytes: 2 * 1024 * 1024, maxOrgs: 3, orgMemory: 64 * 1024 * 1024, corsOrigins: ['http://localhost:5173', 'http://127.0.0.1:3000'], rateLimit: 0, rateLimitWindow: 60, tickMs: 100, batchSize: 100, eventWindowMs: 5000,
    controlToken: '', idSeed: '', freezeAt: null, journalSize: 1000, journalBodyLimit: 4096, webhookHosts: [], webhookTimeoutMs: 10000, allowedHosts: [], queryTimeoutMs: 2000, logFormat: 'auto',
  });
  t.equal(parseConfig(env, ['--port', '6000']).port, 6000);
  t.equal(parseConfig(env, ['--auth=open']).auth, 'open');
  t.equal(parseConfig({}, ['--upload-limit', '1024']).uploadLimit, 1024);
  t.equal(parseConfig(env, ['--dataset-max-bytes', '64KiB']).datasetMaxBytes, 64 * 1024);
  t.equal(parseConfig(env, ['--org-memory', '1GiB']).orgMemory, 1024 ** 3);
});

t.test('WEBHOOK_HOSTS is a comma list of hosts, lowercased; WEBHOOK_TIMEOUT_MS a number of ms', async (t) => {
  t.match(parseConfig({ WEBHOOK_HOSTS: ' Hooks.Example.com, localhost ,', WEBHOOK_TIMEOUT_MS: '2500' }, []), { webhookHosts: ['hooks.example.com', 'localhost'], webhookTimeoutMs: 2500 });
  t.match(parseConfig({}, ['--webhook-hosts', 'a.test']), { webhookHosts: ['a.test'] });
  t.match(parseConfig({ WEBHOOK_HOSTS: '127.0.0.1,[::1],::1,receiver_1' }, []), { webhookHosts: ['127.0.0.1', '[::1]', '::1', 'receiver_1'] });
  for (const bad of ['127.0.0.1:9000', 'http://hooks.example.com', 'hooks.example.com/x']) {
    t.throws(() => parseConfig({ WEBHOOK_HOSTS: bad }, []), { name: 'Error', message: new RegExp(`WEBHOOK_HOSTS entries must be host names or IP addresses .*"${bad.replace(/[.[\]/]/g, '\\$&')}"`) }, bad);
  }
});

t.test('QUERY_TIMEOUT_MS is a number of ms from 1 to 600000', async (t) => {
  t.equal(parseConfig({ QUERY_TIMEOUT_MS: '500' }, []).queryTimeoutMs, 500);
  t.equal(parseConfig({}, ['--query-timeout-ms', '50']).queryTimeoutMs, 50);
  t.throws(() => parseConfig({ QUERY_TIMEOUT_MS: '0' }, []), new ConfigError('QUERY_TIMEOUT_MS must be a whole number from 1 to 600000, got "0"'));
});

t.test('bad values are a ConfigError naming the setting and the value', async (t) => {
  const cases: [Record<string, string>, string[], RegExp][] = [
    [{ PORT: 'abc' }, [], /PORT .*"abc"/],
    [{ WEBHOOK_TIMEOUT_MS: '0' }, [], /WEBHOOK_TIMEOUT_MS .*"0"/],
    [{ WEBHOOK_TIMEOUT_MS: 'soon' }, [], /WEBHOOK_TIMEOUT_MS/],
    [{ PORT: '70000' }, [], /PORT/],
    [{ AUTH: 'maybe' }, [], /AUTH .*"maybe"/],
    [{ LOG_LEVEL: 'loud' }, [], /LOG_LEVEL/],
    [{ UPLOAD_LIMIT: 'lots' }, [], /UPLOAD_LIMIT/],
    [{ DATASET_MAX_BYTES: '0' }, [], /DATASET_MAX_BYTES .*"0"/],
    [{ MAX_ORGS: '0' }, [], /MAX_ORGS/],
    [{ ORG_MEMORY: 'plenty' }, [], /ORG_MEMORY .*"plenty"/],
    [{ ORG_MEMORY: '0' }, [], /ORG_MEMORY/],
    [{ CORS_ORIGINS: 'localhost' }, [], /CORS_ORIGINS/],
    [{ FREEZE_AT: 'yesterday' }, [], /FREEZE_AT .*"yesterday"/],
    [{ FREEZE_AT: '2026-13-45T00:00:00Z' }, [], /FREEZE_AT/],
    [{ FREEZE_AT: '9999-06-01T00:00:00Z' }, [], /FREEZE_AT must be before 9999-01-01T00:00:00.000Z/],
    [{ CONTROL_TOKEN: 'a b' }, [], /CONTROL_TOKEN/],
    [{ JOURNAL_SIZE: '-1' }, [], /JOURNAL_SIZE/],
    [{}, ['--nope'], /nope/],
    [{ LOG_FORMAT: 'xml' }, [], /LOG_FORMAT must be one of json, pretty, auto, got "xml"/],
    [{}, ['--port'], /--port <value>' argument missing/],
    [{}, ['4010'], /Unexpected argument '4010': every setting is an option such as --port 4010/],
  ];
  for (const [env, argv, message] of cases) t.throws(() => parseConfig(env, argv), { constructor: ConfigError, message }, JSON.stringify([env, argv]));
});

t.test('sizes accept bytes and binary or decimal units', async (t) => {
  t.equal(parseSize('1'), 1);
  t.equal(parseSize('512KiB'), 512 * 1024);
  t.equal(parseSize('20mb'), 20e6);
  t.equal(parseSize('1GiB'), 1024 ** 3);
  t.throws(() => parseSize('0'));
  t.throws(() => parseSize('-5'));
});

t.test('RATE_LIMIT and RATE_LIMIT_WINDOW are whole numbers; 0 turns rate limiting off', async (t) => {
  t.match(parseConfig({}, []), { rateLimit: 0, rateLimitWindow: 60 });
  t.match(parseConfig({ RATE_LIMIT: '100', RATE_LIMIT_WINDOW: '10' }, []), { rateLimit: 100, rateLimitWindow: 10 });
  t.throws(() => parseConfig({ RATE_LIMIT: 'many' }, []), { message: /RATE_LIMIT/ });
  t.throws(() => parseConfig({ RATE_LIMIT_WINDOW: '0' }, []), { message: /RATE_LIMIT_WINDOW/ });
});

t.test('control and determinism settings: CONTROL_TOKEN, ID_SEED, FREEZE_AT, journal sizes', async (t) => {
  const c = parseConfig({ CONTROL_TOKEN: 'sekret', ID_SEED: 'run-1', FREEZE_AT: '2026-01-15T09:00:00Z', JOURNAL_SIZE: '50', JOURNAL_BODY_LIMIT: '0' }, []);
  t.match(c, { controlToken: 'sekret', idSeed: 'run-1', freezeAt: Date.parse('2026-01-15T09:00:00Z'), journalSize: 50, journalBodyLimit: 0 });
  t.equal(parseConfig({}, ['--freeze-at', '2027-02-03T04:05:06.789Z']).freezeAt, Date.parse('2027-02-03T04:05:06.789Z'));
  t.equal(parseConfig({}, ['--id-seed', 'abc', '--control-token', 't']).idSeed, 'abc');
});

t.test('CLOSE_PORT and BLUEAI_PORT are off unless set, ports from 0 to 65535 that differ from PORT and each other', async (t) => {
  t.match(parseConfig({ CLOSE_PORT: '4011', BLUEAI_PORT: '4012' }, []), { port: 4010, closePort: 4011, blueaiPort: 4012 });
  t.match(parseConfig({}, ['--blueai-port', '0', '--close-port', '0']), { closePort: 0, blueaiPort: 0 }, 'port 0 (any free one) twice is fine');
  t.throws(() => parseConfig({ CLOSE_PORT: 'x' }, []), new ConfigError('CLOSE_PORT must be a whole number from 0 to 65535, got "x"'));
  t.throws(() => parseConfig({ BLUEAI_PORT: '70000' }, []), new ConfigError('BLUEAI_PORT must be a whole number from 0 to 65535, got "70000"'));
  t.throws(() => parseConfig({ BLUEAI_PORT: '4010' }, []), /PORT, CLOSE_PORT and BLUEAI_PORT must differ/);
  t.throws(() => parseConfig({ CLOSE_PORT: '5000', BLUEAI_PORT: '5000' }, []), /must differ/);
});

t.test('--help and --version (or -h, -v) are commands, not settings; a typo is answered with the closest option', async (t) => {
  t.same(parseCommand({}, ['--help']), { kind: 'help' });
  t.same(parseCommand({ PORT: 'abc' }, ['-h']), { kind: 'help' }, 'help answers even when a setting is bad');
  t.same(parseCommand({}, ['--version']), { kind: 'version' });
  t.same(parseCommand({}, ['-v', '--port', '1']), { kind: 'version' });
  t.match(parseCommand({}, ['--port', '1']), { kind: 'run', config: { port: 1 } });
  t.throws(() => parseConfig({}, ['--help']), new ConfigError('--help is not a setting'));
  const typos: [string[], string][] = [
    [['--prot', '5000'], 'unknown option --prot; did you mean --port? (--help lists every option)'],
    [['--log-levle=debug'], 'unknown option --log-levle; did you mean --log-level? (--help lists every option)'],
    [['--port', '1', '--webhok-hosts', 'a'], 'unknown option --webhok-hosts; did you mean --webhook-hosts? (--help lists every option)'],
    [['--verison'], 'unknown option --verison; did you mean --version? (--help lists every option)'],
    [['--zzzzzzzz'], 'unknown option --zzzzzzzz (--help lists every option)'],
    [['-x'], 'unknown option --x (--help lists every option)'],
  ];
  for (const [argv, message] of typos) t.throws(() => parseCommand({}, argv), new ConfigError(message), argv.join(' '));
  t.equal(closestOption('PORT'), 'port', 'case does not matter');
  t.equal(closestOption('a'.repeat(64)), null);
});

t.test('--help names every option with its environment variable and its default, from the one settings table', async (t) => {
  const help = helpText('9.9.9');
  t.match(help, /^crm-bulk-emulator 9\.9\.9/);
  t.match(help, /\n {4}--port <n> +PORT +TCP port \(0 = any free port\) \(default: 4010\)\n/);
  t.match(help, /--seed <path> +SEED +.*\(default: the bundled seed\/default\.json\)/);
  t.match(help, /--log-format <format> +LOG_FORMAT +json .*\(default: auto\)/);
  t.match(help, /--control-token <token> +CONTROL_TOKEN +.*\(default: none: the control API is open\)/);
  t.match(help, /\n {4}-h, --help +print this help and exit\n {4}-v, --version +print the version and exit\n/);
  const lines = help.split('\n');
  for (const setting of Object.values(SETTINGS)) {
    const line = lines.find((l) => l.startsWith(`    --${setting.flag} <`));
    t.ok(line, `--${setting.flag} has a line`);
    t.match(line, new RegExp(` ${setting.env} .*\\(default: `), `--${setting.flag} names ${setting.env} and a default`);
    // The flag the help names is the one the parser accepts, and it sets what the variable sets.
    const sample = setting.env === 'FREEZE_AT' ? '2026-01-15T09:00:00Z' : setting.env === 'LOG_FORMAT' ? 'json' : setting.env === 'LOG_LEVEL' ? 'warn' : setting.env === 'AUTH' ? 'strict' : setting.env.endsWith('HOSTS') ? 'h.test' : setting.env === 'CORS_ORIGINS' ? 'http://a.test' : '7';
    t.same(parseConfig({}, [`--${setting.flag}`, sample]), parseConfig({ [setting.env]: sample }, []), `--${setting.flag} and ${setting.env} agree`);
  }
});

t.test('the Configuration table (docs/configuration.md) names the same variables and flags as the settings table', async (t) => {
  const readme = readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8');
  const rows = [...readme.matchAll(/^\| `([A-Z_]+)` \| `--([a-z-]+)` \|/gm)].map((m) => `${m[1]} --${m[2]}`);
  t.same(rows.sort(), Object.values(SETTINGS).map((s) => `${s.env} --${s.flag}`).sort());
});
