// Unit tests of the SDK's plugin wrappers under Node.js, with the mock host
// (src/testing): what componentize-js would pass in, what the component returns.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import '../src/testing/register.js';

const sdk = await import('../src/index.js');
const { mockHost } = await import('../src/testing/mock-host.js');
const { encodeCatalog, encodeProjects, encodeScorerBatch } = await import('../src/codec.js');

const witCity = { name: 'Münster', ags: '05515000', languages: ['de', 'en'], website: undefined };

const project = (over = {}) => ({
  id: 'p1',
  name: 'P',
  summary: [{ lang: 'de', value: 'Zusammenfassung' }],
  description: [],
  status: 'live',
  status_since: null,
  lifecycle: 'admitted',
  categories: [],
  software_type: null,
  complexity: null,
  technologies: [],
  origin: null,
  admitted_on: null,
  links: { homepage: null, source: null, info: null },
  license: 'MIT',
  deployment: null,
  needs: [],
  last_reviewed: null,
  ...over,
});

/** What componentize-js makes of the thrown value: the `err` payload, else a trap. */
function errPayload(run) {
  try {
    run();
  } catch (e) {
    assert.ok(Object.prototype.hasOwnProperty.call(e, 'payload'), `no payload on ${e}`);
    return e.payload;
  }
  assert.fail('did not throw');
}

test('a validator gets snake_case records and a city with null options', () => {
  let seen;
  const v = sdk.defineValidator((city, projects) => {
    seen = { city, projects };
    return [sdk.Diagnostic.warning(projects[0].id, 'no-source', '/links', 'no source', 'add one')];
  });
  assert.equal(v[sdk.KIND], 'validator');
  const out = v.validate(witCity, encodeProjects([project()]));
  assert.deepEqual(seen.city, { name: 'Münster', ags: '05515000', languages: ['de', 'en'], website: null });
  assert.equal(seen.projects[0].status_since, null);
  assert.deepEqual(out, [
    { subject: 'p1', code: 'no-source', severity: 'warning', pointer: '/links', message: 'no source', help: 'add one' },
  ]);
  const noHelp = sdk.defineValidator(() => [sdk.Diagnostic.info('p1', 'c', '', 'm')]);
  assert.equal(noHelp.validate(witCity, encodeProjects([])).at(0).help, undefined);
});

test('a thrown exception becomes the call error with its message', () => {
  const v = sdk.defineValidator(() => {
    throw new Error('boom');
  });
  assert.equal(errPayload(() => v.validate(witCity, encodeProjects([]))), 'boom');
  const t = sdk.defineValidator(() => null.x);
  assert.match(errPayload(() => t.validate(witCity, encodeProjects([]))), /^TypeError: /);
  const s = sdk.defineValidator(() => {
    throw 'a string';
  });
  assert.equal(errPayload(() => s.validate(witCity, encodeProjects([]))), 'a string');
});

test('bad input and wrong output shapes become call errors, not traps', () => {
  const v = sdk.defineValidator(() => []);
  assert.match(errPayload(() => v.validate(witCity, { data: new Uint8Array([1, 2]), strings: '' })), /dfb1/);
  const n = sdk.defineValidator(() => 42);
  assert.equal(errPayload(() => n.validate(witCity, encodeProjects([]))), 'the validator must return an array of diagnostics, not number 42');
  const sev = sdk.defineValidator(() => [{ subject: 'p', code: 'c', severity: 'fatal', pointer: '', message: 'm' }]);
  assert.match(errPayload(() => sev.validate(witCity, encodeProjects([]))), /diagnostic 0\.severity/);
  const msg = sdk.defineValidator(() => [{ subject: 'p', code: 'c', severity: 'info', pointer: '', message: 7 }]);
  assert.match(errPayload(() => msg.validate(witCity, encodeProjects([]))), /diagnostic 0\.message must be a string/);
});

test('control characters in strings are passed as they are (the host escapes them)', () => {
  const v = sdk.defineValidator(() => [sdk.Diagnostic.info('p1', 'c', '', '\u001b[31m red \u202e')]);
  assert.equal(v.validate(witCity, encodeProjects([])).at(0).message, '\u001b[31m red \u202e');
});

test('a scorer gets resolved candidates and returns one score each', () => {
  const partner = { id: 'pa', name: 'Pa', kind: 'company', sectors: [], region: null, website: null };
  const offer = {
    id: 'o', partner: 'pa', kind: 'technical', description: [], skills: [], topics: [], regions: [],
    remote: false, capacity: { projects: null, hours_per_month: null }, budget_eur_per_year: null,
    license_requirement: null, valid_from: null, valid_until: null,
  };
  const need = { kind: 'technical', description: [], skills: [], hours_per_month: null, eur_per_year: null, priority: 'high', since: null, supported_by: [] };
  const batch = encodeScorerBatch({ projects: [project({ needs: [need] })], partners: [partner], offers: [offer], candidates: [[0, 0, 0, 0], [0, 0, 0, 0]] });
  const s = sdk.defineScorer((city, candidates) => {
    assert.equal(candidates[0].need.priority, 'high');
    assert.equal(candidates[0].need_index, 0);
    assert.equal(candidates[0].partner.id, 'pa');
    return [0.5, sdk.Score(1, [sdk.ScoreTerm('local', 1, 'in Münster')])];
  });
  assert.deepEqual(s.score(witCity, batch), [
    { value: 0.5, terms: [] },
    { value: 1, terms: [{ name: 'local', value: 1, explanation: 'in Münster' }] },
  ]);
  const short = sdk.defineScorer(() => [0.5]);
  assert.equal(errPayload(() => short.score(witCity, batch)), 'the scorer returned 1 scores for 2 candidates');
});

test('an exporter returns its media type and bytes (a string becomes UTF-8)', () => {
  const e = sdk.defineExporter((catalog) => ({ media_type: 'text/plain', bytes: `${catalog.city.name} ✓` }));
  const enc = encodeCatalog({ city: { name: 'Münster', ags: null, languages: [], website: null }, projects: [], partners: [], offers: [] });
  const out = e.exportCatalog(enc);
  assert.equal(out.mediaType, 'text/plain');
  assert.deepEqual(out.bytes, new TextEncoder().encode('Münster ✓'));
});

test('an importer returns WIT-shaped records (camelCase, undefined for none)', () => {
  const i = sdk.defineImporter((mediaType, bytes) => {
    assert.equal(sdk.text(bytes), '{}');
    return {
      projects: [project({ status_since: '2024-01-01', needs: [{ kind: 'technical', priority: 'low', hours_per_month: 3 }] })],
      diagnostics: [sdk.Diagnostic.warning('', 'x', '', 'y')],
    };
  });
  const out = i.importRecords('application/json', new TextEncoder().encode('{}'));
  assert.equal(out.projects[0].statusSince, '2024-01-01');
  assert.equal(out.projects[0].softwareType, undefined);
  assert.deepEqual(out.projects[0].needs[0], {
    kind: 'technical', description: [], skills: [], hoursPerMonth: 3, eurPerYear: undefined,
    priority: 'low', since: undefined, supportedBy: [],
  });
  assert.deepEqual(out.partners, []);
  assert.equal(out.diagnostics[0].severity, 'warning');
  const bad = sdk.defineImporter(() => ({ projects: [{ id: 1 }] }));
  assert.equal(errPayload(() => bad.importRecords('a/b', new Uint8Array())), 'projects[0].id must be a string, not number 1');
});

test('host wrappers: config, licence verdicts in snake_case, console to the log', () => {
  mockHost.config = { base_url: 'https://x' };
  assert.equal(sdk.host.config('base_url'), 'https://x');
  assert.equal(sdk.host.config('nope'), null);
  assert.deepEqual(sdk.host.checkLicense('Proprietary'), {
    valid_expression: false, allowed: false, normalized: null,
    problems: ['license-not-allowed: `Proprietary` is not allowed (mock host)'],
  });
  mockHost.logs = [];
  console.log('hello', { a: 1 });
  sdk.host.warn('careful');
  assert.deepEqual(mockHost.logs, [
    { level: 'info', message: 'hello {"a":1}' },
    { level: 'warn', message: 'careful' },
  ]);
});

test('the muenster-admission example applies the three rules', async () => {
  const { validator } = await import('../../examples-js/muenster-admission/app.js');
  mockHost.config = { city_partners: 'citeq' };
  const projects = [
    project({ id: 'ok', origin: { city: 'Muenster', community: null, started: null }, links: { homepage: null, source: 'https://git', info: null } }),
    project({ id: 'bad', lifecycle: 'proposed', license: 'Proprietary', links: { homepage: null, source: 'http://git', info: null } }),
    project({ id: 'partnered', links: { homepage: null, source: null, info: null }, needs: [
      { kind: 'technical', description: [], skills: [], hours_per_month: null, eur_per_year: null, priority: 'low', since: null,
        supported_by: [{ partner: 'citeq', offer: null, since: null }] },
    ] }),
  ];
  const out = validator.validate(witCity, encodeProjects(projects));
  assert.deepEqual(out.map((d) => [d.subject, d.code, d.severity, d.pointer]), [
    ['bad', 'city-link', 'warning', ''],
    ['bad', 'source-repository', 'warning', '/links/source'],
    ['bad', 'license-not-open', 'warning', '/license'],
    ['partnered', 'source-repository', 'error', '/links'],
  ]);
  mockHost.config = {};
});

test('the rss-feed example writes well-formed RSS with escaping', async () => {
  const { exporter } = await import('../../examples-js/rss-feed/app.js');
  const need = { kind: 'technical', description: [{ lang: 'de', value: 'Hilfe <bitte> & "danke"' }], skills: ['x'], hours_per_month: 2, eur_per_year: null, priority: 'high', since: '2024-02-29', supported_by: [] };
  const catalog = {
    city: { name: 'Münster', ags: null, languages: ['de'], website: null },
    projects: [project({ id: 'a&b', name: 'A <&> B \u001b', needs: [need] }), project({ id: 'done' })],
    partners: [],
    offers: [],
  };
  mockHost.config = {};
  let xml = sdk.text(exporter.exportCatalog(encodeCatalog(catalog)).bytes);
  assert.match(xml, /<title>A &lt;&amp;&gt; B : sucht Unterstützung<\/title>/);
  assert.match(xml, /Hilfe &lt;bitte&gt; &amp; &quot;danke&quot;/);
  assert.match(xml, /<pubDate>Thu, 29 Feb 2024 00:00:00 \+0000<\/pubDate>/);
  assert.doesNotMatch(xml, /<link>/);
  assert.equal((xml.match(/<item>/g) ?? []).length, 1);
  mockHost.config = { base_url: 'https://digifarm.example/' };
  xml = sdk.text(exporter.exportCatalog(encodeCatalog(catalog)).bytes);
  assert.match(xml, /<link>https:\/\/digifarm.example\/projects\/a%26b<\/link>/);
  mockHost.config = {};
});

test('licence verdicts: asked once per expression within a call, never kept outside one', () => {
  const saved = mockHost.licenses;
  try {
    mockHost.licenses = ['MIT'];
    assert.equal(sdk.host.checkLicense('MIT').allowed, true);
    mockHost.licenses = [];
    assert.equal(sdk.host.checkLicense('MIT').allowed, false, 'outside a call nothing is cached');
    // Within a call: the first answer holds for the call, each caller gets its own object.
    mockHost.licenses = ['MIT'];
    const seen = [];
    const v = sdk.defineValidator((_city, projects) => {
      const first = sdk.host.checkLicense('MIT');
      first.problems.push('changed by the plugin');
      mockHost.licenses = [];
      const again = sdk.host.checkLicense('MIT');
      seen.push(first.allowed, again.allowed, again.problems.length, projects.length);
      return [];
    });
    const { data, strings } = encodeProjects([project()]);
    assert.deepEqual(v.validate(witCity, { data, strings }), []);
    assert.deepEqual(seen, [true, true, 0, 1]);
    // The next call asks the host again.
    assert.equal(sdk.host.checkLicense('MIT').allowed, false);
  } finally {
    mockHost.licenses = saved;
  }
});
