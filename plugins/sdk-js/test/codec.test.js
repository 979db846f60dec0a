// Unit tests of the JS codec: decode(encode(x)) deep-equals x, and bad input is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  DecodeError,
  decodeCatalog,
  decodeProjects,
  decodeScorerBatch,
  encodeCatalog,
  encodeProjects,
  encodeScorerBatch,
  resolveCandidates,
} from '../src/codec.js';

const fullProject = {
  id: 'giess-den-kiez',
  name: 'Gieß den Kiez 🌳',
  summary: [
    { lang: 'de', value: 'Bäume gießen – ganz einfach' },
    { lang: 'en', value: 'Water trees 💧 together' },
    { lang: '', value: '日本語のテキスト' },
  ],
  description: [{ lang: 'ar', value: 'نص عربي \u202e mixed' }],
  status: 'in-development',
  status_since: '2024-05-01',
  lifecycle: 'admitted',
  categories: ['Umwelt', 'Straße'],
  software_type: 'Webanwendung',
  complexity: null,
  technologies: ['PostGIS', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢'],
  origin: { city: 'Münster', community: null, started: '2021-01-01' },
  admitted_on: '2022-09-01',
  links: { homepage: 'https://example.org/ä', source: null, info: 'http://x' },
  license: 'MIT OR Apache-2.0',
  deployment: { mode: 'hosted', cities: ['Münster', 'Berlin'] },
  needs: [
    {
      kind: 'technical',
      description: [{ lang: 'de', value: 'Jemand, der 🐘 Postgres betreibt' }],
      skills: ['docker'],
      hours_per_month: 7.5,
      eur_per_year: null,
      priority: 'high',
      since: null,
      supported_by: [],
    },
    {
      kind: 'financial',
      description: [],
      skills: [],
      hours_per_month: null,
      eur_per_year: 1e308,
      priority: 'low',
      since: '2023-01-02',
      supported_by: [
        { partner: 'stadtwerke', offer: 'hosting', since: '2023-02-03' },
        { partner: 'citeq', offer: null, since: null },
      ],
    },
  ],
  last_reviewed: '2024-12-31',
};

const emptyProject = {
  id: '',
  name: '',
  summary: [],
  description: [],
  status: '',
  status_since: null,
  lifecycle: '',
  categories: [],
  software_type: null,
  complexity: null,
  technologies: [],
  origin: null,
  admitted_on: null,
  links: { homepage: null, source: null, info: null },
  license: '',
  deployment: null,
  needs: [],
  last_reviewed: null,
};

const partner = {
  id: 'citeq',
  name: 'citeq – IT der Stadt Münster',
  kind: 'public-body',
  sectors: ['it', 'öffentlich'],
  region: '05515000',
  website: null,
};

const offerOf = (capacity, budget) => ({
  id: 'hosting',
  partner: 'citeq',
  kind: 'technical',
  description: [{ lang: 'de', value: 'Betrieb 🖥️' }],
  skills: ['hosting'],
  topics: [],
  regions: ['05515000'],
  remote: true,
  capacity,
  budget_eur_per_year: budget,
  license_requirement: null,
  valid_from: '2022-09-01',
  valid_until: null,
});

const city = {
  name: 'Münster',
  ags: '05515000',
  languages: ['de', 'en'],
  website: null,
};

function utf8(s) {
  return new TextEncoder().encode(s);
}

test('projects round-trip with unicode text, empty lists and null options', () => {
  const projects = [fullProject, emptyProject];
  const { data, strings } = encodeProjects(projects);
  assert.deepEqual([...data.subarray(0, 4)], [...utf8('dfb1')]);
  assert.deepEqual(decodeProjects(data, strings), projects);
});

test('an empty list of projects round-trips', () => {
  const { data, strings } = encodeProjects([]);
  assert.equal(data.length, 8);
  assert.equal(strings, '');
  assert.deepEqual(decodeProjects(data, strings), []);
});

test('f64 edge values round-trip', () => {
  const values = [0, -0, 1.5, -1e-300, 5e-324, Number.MAX_VALUE, Infinity, -Infinity, 0.1 + 0.2];
  for (const v of values) {
    const p = structuredClone(fullProject);
    p.needs[0].hours_per_month = v;
    const { data, strings } = encodeProjects([p]);
    const got = decodeProjects(data, strings)[0].needs[0].hours_per_month;
    assert.ok(Object.is(got, v), `${v} came back as ${got}`);
  }
  const p = structuredClone(fullProject);
  p.needs[0].hours_per_month = NaN;
  const { data, strings } = encodeProjects([p]);
  assert.ok(Number.isNaN(decodeProjects(data, strings)[0].needs[0].hours_per_month));
});

test('a catalog round-trips', () => {
  const catalog = {
    city,
    projects: [fullProject, emptyProject],
    partners: [partner, { ...partner, id: 'p2', region: null, website: 'https://😀.example' }],
    offers: [
      offerOf({ projects: 3, hours_per_month: 12.25 }, 5000),
      offerOf({ projects: null, hours_per_month: null }, null),
      offerOf({ projects: 0xffffffff, hours_per_month: -0 }, -Infinity),
    ],
  };
  const { data, strings } = encodeCatalog(catalog);
  assert.deepEqual(decodeCatalog(data, strings), catalog);
  const empty = { city: { name: '', ags: null, languages: [], website: null }, projects: [], partners: [], offers: [] };
  const e = encodeCatalog(empty);
  assert.deepEqual(decodeCatalog(e.data, e.strings), empty);
});

test('a scorer batch round-trips and resolves its candidates', () => {
  const batch = {
    projects: [fullProject],
    partners: [partner],
    offers: [offerOf({ projects: 1, hours_per_month: null }, null)],
    candidates: [[0, 1, 0, 0], [0, 0, 0, 0]],
  };
  const { data, strings } = encodeScorerBatch(batch);
  const got = decodeScorerBatch(data, strings);
  assert.deepEqual(got, batch);
  const resolved = resolveCandidates(got);
  assert.equal(resolved.length, 2);
  assert.equal(resolved[0].need_index, 1);
  assert.equal(resolved[0].need.kind, 'financial');
  assert.equal(resolved[0].project.id, 'giess-den-kiez');
  assert.equal(resolved[0].offer.id, 'hosting');
  assert.equal(resolved[0].partner.id, 'citeq');
  const bad = encodeScorerBatch({ ...batch, candidates: [[0, 2, 0, 0]] });
  assert.throws(() => resolveCandidates(decodeScorerBatch(bad.data, bad.strings)), /candidate 0 refers to a record not in the batch/);
});

test('string offsets count UTF-8 bytes, as the Rust encoder writes them', () => {
  const p = structuredClone(emptyProject);
  p.id = 'ä';
  p.name = '😀';
  const { data, strings } = encodeProjects([p]);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // magic, count, then id: offset 0 length 2; name: offset 2 length 4
  assert.deepEqual([8, 12, 16, 20].map((o) => view.getUint32(o, true)), [0, 2, 2, 4]);
  assert.equal(strings, 'ä😀');
});

test('truncated input is refused at every length', () => {
  const { data, strings } = encodeProjects([fullProject]);
  for (let n = 0; n < data.length; n++) {
    assert.throws(() => decodeProjects(data.subarray(0, n), strings), DecodeError, `length ${n}`);
  }
});

test('truncated input names the problem', () => {
  const { data, strings } = encodeProjects([fullProject]);
  assert.throws(() => decodeProjects(data.subarray(0, 20), strings), /cannot decode the host's input: unexpected end at byte/);
});

test('a wrong magic is refused', () => {
  const { data, strings } = encodeProjects([fullProject]);
  const bad = data.slice();
  bad[3] = 0x32; // dfb2
  assert.throws(() => decodeProjects(bad, strings), /does not start with `dfb1`/);
  assert.throws(() => decodeProjects(new Uint8Array(0), ''), /does not start with `dfb1`/);
});

test('trailing bytes, bad tags, huge counts and strings out of bounds are refused', () => {
  const { data, strings } = encodeProjects([emptyProject]);
  const longer = new Uint8Array(data.length + 1);
  longer.set(data);
  assert.throws(() => decodeProjects(longer, strings), /trailing bytes/);

  const huge = utf8('dfb1').slice();
  const withCount = new Uint8Array(8);
  withCount.set(huge);
  new DataView(withCount.buffer).setUint32(4, 0xffffffff, true);
  assert.throws(() => decodeProjects(withCount, ''), /list longer than the input/);

  const p = structuredClone(emptyProject);
  p.status_since = 'x';
  const e = encodeProjects([p]);
  // status_since's option tag follows magic, count, id, name, summary, description, status
  const tagAt = 4 + 4 + 8 + 8 + 4 + 4 + 8;
  assert.equal(e.data[tagAt], 1);
  const badTag = e.data.slice();
  badTag[tagAt] = 2;
  assert.throws(() => decodeProjects(badTag, e.strings), /bad option tag/);
  assert.throws(() => decodeProjects(e.data, ''), /string outside `strings`/);
});

test('a string not on character boundaries is refused', () => {
  const p = structuredClone(emptyProject);
  p.id = 'ä';
  const { data, strings } = encodeProjects([p]);
  const bad = data.slice();
  new DataView(bad.buffer).setUint32(12, 1, true); // id: offset 0, length 1 (half of ä)
  assert.throws(() => decodeProjects(bad, strings), /not on character boundaries/);
});
