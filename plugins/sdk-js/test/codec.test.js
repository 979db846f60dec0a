// Unit tests of the JS codec: decode(encode(x)) deep-equals x, and bad input is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  DecodeError,
  decodeCatalog,
  decodeProjects,
  decodeProjectsLazy,
  _projectOffsets,
  decodeScorerBatch,
  decodeScorerBatchLazy,
  Need,
  Project,
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
  bad[3] = 0x34; // dfb4
  assert.throws(() => decodeProjects(bad, strings), /does not start with `dfb1`, `dfb2` or `dfb3`/);
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

// The decoder maps UTF-8 byte offsets to UTF-16 indexes: directly for ASCII text, through the
// list of non-ASCII characters otherwise. These hold both paths to the encoder.
const withIdName = (id, name) => ({ ...structuredClone(emptyProject), id, name });
const dv = (bytes) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const setStr = (data, at, offset, length) => {
  const bad = data.slice();
  const view = new DataView(bad.buffer);
  view.setUint32(at, offset, true);
  view.setUint32(at + 4, length, true);
  return bad;
};
const ID = 8; // magic, count
const NAME = 16;

test('ASCII, non-ASCII, 3-byte and astral strings decode as encoded', () => {
  const cases = [
    ['plain-ascii', 'Just ASCII text'],
    ['', ''],
    ['münster', 'Gieß den Kiez'],
    ['€-preis', '3 € und 5 €'],
    ['🌳', 'Bäume 🌳🌲 – 𝄞 am Ende'],
    ['ä', '🌳'],
    ['日本語', 'ascii after ünïcödé then ascii again'],
  ];
  for (const [id, name] of cases) {
    const projects = [withIdName(id, name), withIdName(name, id), withIdName('x', 'y')];
    const { data, strings } = encodeProjects(projects);
    assert.deepEqual(decodeProjects(data, strings), projects, `${id} / ${name}`);
  }
  // A whole catalog with every kind of string, several times over.
  const many = Array.from({ length: 20 }, (_, i) => ({ ...structuredClone(fullProject), id: `p-${i}-ä🌳` }));
  const e = encodeProjects(many);
  assert.deepEqual(decodeProjects(e.data, e.strings), many);
});

test('strings out of order and repeated offsets decode (non-ASCII and ASCII text)', () => {
  for (const [id, name] of [['Müller', 'Straße 🌳 Ende'], ['abc', 'defgh']]) {
    const { data, strings } = encodeProjects([withIdName(id, name)]);
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const idAt = [view.getUint32(ID, true), view.getUint32(ID + 4, true)];
    const nameAt = [view.getUint32(NAME, true), view.getUint32(NAME + 4, true)];
    // Swapped: the name's string is read first, then the id's (before it).
    const swapped = setStr(setStr(data, ID, ...nameAt), NAME, ...idAt);
    let [p] = decodeProjects(swapped, strings);
    assert.equal(p.id, name);
    assert.equal(p.name, id);
    // Repeated: both fields refer to the name's bytes.
    [p] = decodeProjects(setStr(data, ID, ...nameAt), strings);
    assert.equal(p.id, name);
    assert.equal(p.name, name);
    // Part of a string, on boundaries: the last 3 bytes of the name ("nde" / "fgh").
    [p] = decodeProjects(setStr(data, NAME, nameAt[0] + nameAt[1] - 3, 3), strings);
    assert.equal(p.name, name.slice(-3));
  }
  // A substring after the non-ASCII characters maps through them.
  const { data, strings } = encodeProjects([withIdName('ä🌳€', 'tail')]);
  const [p] = decodeProjects(setStr(data, ID, 9, 4), strings); // 2 + 4 + 3 bytes, then "tail"
  assert.equal(p.id, 'tail');
});

test('lazy fields read in any order map their offsets through many non-ASCII characters', () => {
  // Texts spanning many 64-byte blocks, non-ASCII characters of every width spread over them,
  // read lazily in a scrambled order (each read a far jump from the one before).
  const pieces = ['ä', '€', '🌳', 'ß', 'abc', 'Übergröße', '𝄞x', 'plain ascii text '];
  const projects = [];
  for (let i = 0; i < 300; i++) {
    let id = '';
    let name = '';
    for (let j = 0; j < 1 + (i % 7); j++) id += pieces[(i * 3 + j) % pieces.length];
    for (let j = 0; j < 1 + (i % 5); j++) name += pieces[(i * 5 + j) % pieces.length];
    projects.push(withIdName(id, name));
  }
  const { data, strings } = encodeProjects(projects);
  const lazy = decodeProjectsLazy(data, strings);
  for (let r = 0; r < 300; r++) {
    const i = (r * 97) % 300;
    const field = r % 2 === 0 ? 'name' : 'id';
    assert.equal(lazy[i][field], projects[i][field], `${field} of project ${i}`);
  }
  assert.deepEqual(lazy.map((p) => [p.id, p.name]), projects.map((p) => [p.id, p.name]));
});

test('a string starting or ending inside a multi-byte character is a DecodeError', () => {
  // 'ä' (2 bytes), '€' (3), '🌳' (4, two UTF-16 units), then ASCII.
  const { data, strings } = encodeProjects([withIdName('ä€🌳x', 'y')]);
  const inside = [
    [1, 1], // starts inside ä
    [0, 1], // ends inside ä
    [3, 2], // starts inside €
    [2, 2], // ends inside €
    [6, 4], // starts inside 🌳
    [7, 3], // starts inside 🌳 (its second UTF-16 unit)
    [5, 3], // ends inside 🌳
    [2, 6], // ends inside 🌳 after its first 3 bytes
  ];
  for (const [offset, length] of inside) {
    const bad = setStr(data, ID, offset, length);
    assert.throws(() => decodeProjects(bad, strings), DecodeError, `${offset}+${length}`);
    assert.throws(() => decodeProjects(bad, strings), /not on character boundaries at byte 16/);
  }
  // On boundaries: each character alone.
  for (const [offset, length, want] of [[0, 2, 'ä'], [2, 3, '€'], [5, 4, '🌳'], [9, 1, 'x'], [0, 10, 'ä€🌳x']]) {
    const [p] = decodeProjects(setStr(data, ID, offset, length), strings);
    assert.equal(p.id, want);
  }
  // Past the end of `strings` (11 bytes: ä€🌳x y), in non-ASCII and in ASCII text.
  assert.throws(() => decodeProjects(setStr(data, ID, 9, 3), strings), /string outside `strings`/);
  const ascii = encodeProjects([withIdName('ab', 'c')]);
  assert.throws(() => decodeProjects(setStr(ascii.data, ID, 2, 2), ascii.strings), /string outside `strings`/);
  assert.equal(decodeProjects(setStr(ascii.data, ID, 1, 2), ascii.strings)[0].id, 'bc');
});

test('a failed decode leaves nothing behind for the next one', () => {
  const { data, strings } = encodeProjects([withIdName('ä', 'b')]);
  assert.throws(() => decodeProjects(setStr(data, ID, 1, 1), strings), DecodeError);
  const ok = encodeProjects([withIdName('plain', 'text')]);
  assert.deepEqual(decodeProjects(ok.data, ok.strings), [withIdName('plain', 'text')]);
  assert.deepEqual(decodeProjects(data, strings), [withIdName('ä', 'b')]);
});

test('lazily decoded projects hold the same records as eager ones', () => {
  const many = Array.from({ length: 7 }, (_, i) => ({ ...structuredClone(fullProject), id: `p-${i}-ä🌳` }));
  many.push(withIdName('x', 'y'), withIdName('日本語', 'ascii after ünïcödé'));
  const { data, strings } = encodeProjects(many);
  const lazy = decodeProjectsLazy(data, strings);
  assert.equal(lazy.length, many.length);
  assert.ok(lazy.every((p) => p instanceof Project && p.needs.every((n) => n instanceof Need)));
  assert.deepEqual(lazy.map((p) => p.toJSON()), many);
  assert.deepEqual(JSON.parse(JSON.stringify(decodeProjectsLazy(data, strings))), many);
  // Fields read out of order, from the last project back, and each read twice.
  const again = decodeProjectsLazy(data, strings);
  for (let i = again.length - 1; i >= 0; i--) {
    for (const key of ['license', 'needs', 'id', 'links', 'summary', 'origin', 'last_reviewed', 'deployment']) {
      const plain = (v) => JSON.parse(JSON.stringify(v));
      assert.deepEqual(plain(again[i][key]), many[i][key], `${i}.${key}`);
      assert.deepEqual(plain(again[i][key]), many[i][key], `${i}.${key} again`);
    }
  }
  // Fields are accessors of the class (not own keys); one assigned keeps the new value.
  const [p] = decodeProjectsLazy(data, strings);
  assert.equal(p.lifecycle, 'admitted');
  assert.deepEqual(Object.keys(p), []);
  assert.ok('needs' in p);
  p.license = 'EUPL-1.2';
  assert.equal(p.license, 'EUPL-1.2');
  assert.equal(p.toJSON().license, 'EUPL-1.2');
});

test('a lazy record reads from its own input after other inputs were decoded', () => {
  const a = encodeProjects([withIdName('Münster', 'ä🌳')]);
  const b = encodeProjects([withIdName('other', 'Straße')]);
  const [pa] = decodeProjectsLazy(a.data, a.strings);
  const [pb] = decodeProjectsLazy(b.data, b.strings);
  assert.deepEqual(decodeProjects(b.data, b.strings), [withIdName('other', 'Straße')]);
  assert.equal(pa.name, 'ä🌳');
  assert.equal(pb.name, 'Straße');
  assert.equal(pa.id, 'Münster');
  const batch = { projects: [fullProject], partners: [], offers: [], candidates: [[0, 1, 0, 0]] };
  batch.partners.push({ id: 'citeq', name: 'citeq', kind: 'city', sectors: [], region: null, website: null });
  batch.offers.push({
    id: 'o', partner: 'citeq', kind: 'financial', description: [], skills: [], topics: [], regions: [],
    remote: true, capacity: { projects: 2, hours_per_month: null }, budget_eur_per_year: 100,
    license_requirement: null, valid_from: null, valid_until: null,
  });
  const e = encodeScorerBatch(batch);
  const [c] = resolveCandidates(decodeScorerBatchLazy(e.data, e.strings));
  assert.deepEqual(c.need.toJSON(), fullProject.needs[1]);
  assert.deepEqual(c.offer, batch.offers[0]);
  assert.equal(c.project.origin.city, 'Münster');
});

test('a lazy decode checks the structure at once and each string when it is read', () => {
  const { data, strings } = encodeProjects([fullProject, withIdName('ä', 'b')]);
  for (let cut = 4; cut < data.length; cut++) {
    assert.throws(() => decodeProjectsLazy(data.subarray(0, cut), strings), DecodeError, `cut at ${cut}`);
  }
  const longer = new Uint8Array(data.length + 1);
  longer.set(data);
  assert.throws(() => decodeProjectsLazy(longer, strings), /trailing bytes/);
  // status_since's option tag (after id, name, three summary texts, one description text, status)
  const at = 8 + 8 + 8 + 4 + 3 * 16 + 4 + 16 + 8;
  assert.equal(data[at], 1);
  const badTag = Uint8Array.from(data);
  badTag[at] = 7;
  assert.throws(() => decodeProjectsLazy(badTag, strings), /bad option tag/);
  // A string inside a character: the other fields read, that one throws when read.
  const one = encodeProjects([withIdName('ä€', 'y')]);
  const [p] = decodeProjectsLazy(setStr(one.data, ID, 1, 1), one.strings);
  assert.equal(p.name, 'y');
  assert.throws(() => p.id, /not on character boundaries/);
});

test('the lazy walk agrees with the checked decoder on every corrupted byte', () => {
  // The walk skips projects without a check per field (see `projectAtFast`): whatever a byte
  // is changed to, it must refuse what the eager decoder refuses and read what it reads.
  const { data, strings } = encodeProjects([fullProject, withIdName('ä', 'b'), emptyProject]);
  const outcome = (decode) => {
    try {
      return decode();
    } catch (e) {
      assert.ok(e instanceof DecodeError, `${e}`);
      return 'refused';
    }
  };
  let refused = 0;
  for (let at = 4; at < data.length; at++) {
    for (const value of [0, 1, 2, 0x7f, 0xff]) {
      const bad = Uint8Array.from(data);
      bad[at] = value;
      const eager = outcome(() => JSON.parse(JSON.stringify(decodeProjects(bad, strings))));
      const lazy = outcome(() => decodeProjectsLazy(bad, strings).map((p) => JSON.parse(JSON.stringify(p))));
      assert.deepEqual(lazy, eager, `byte ${at} set to ${value}`);
      if (eager === 'refused') refused++;
      // The fast walk finds what the checked one finds, up to the first project it refuses.
      const fast = outcome(() => _projectOffsets(bad, strings, true));
      const checked = outcome(() => _projectOffsets(bad, strings, false));
      if (checked !== 'refused') assert.deepEqual(fast, checked, `byte ${at} set to ${value}`);
      else assert.ok(fast === 'refused' || fast.includes(null), `byte ${at} set to ${value}: the fast walk took what the checked one refuses`);
    }
  }
  assert.ok(refused > data.length, `${refused} corruptions refused`);
  // Valid input takes the fast walk all the way.
  assert.deepEqual(_projectOffsets(data, strings, true), _projectOffsets(data, strings, false));
  assert.equal(_projectOffsets(data, strings, true).length, 3);
});

test('a lazy field assigned undefined stays undefined', () => {
  const { data, strings } = encodeProjects([withIdName('a', 'b')]);
  const [p] = decodeProjectsLazy(data, strings);
  p.status_since = undefined;
  assert.equal(p.status_since, undefined);
  p.name = undefined;
  assert.equal(p.name, undefined);
  assert.equal(p.id, 'a');
});

// Encoding version 2: strings as character offsets and the host's index of field positions.
// (The conformance suite runs the same decoder on the host's own version-2 inputs.)

test('version 2 round-trips eagerly and lazily, with the text of version 1', () => {
  const many = Array.from({ length: 5 }, (_, i) => ({ ...structuredClone(fullProject), id: `p-${i}-ä🌳` }));
  many.push(emptyProject, withIdName('𝔘𝔫𝔦', 'ascii after ünïcödé 🐘'));
  const catalog = { city, projects: many, partners: [partner], offers: [offerOf({ projects: 3, hours_per_month: 1.5 }, -0)] };
  const v2 = encodeCatalog(catalog, true);
  assert.deepEqual([...v2.data.subarray(0, 4)], [0x64, 0x66, 0x62, 0x32]);
  assert.equal(v2.strings, encodeCatalog(catalog).strings);
  assert.deepEqual(decodeCatalog(v2.data, v2.strings), catalog);
  const p = encodeProjects(many, true);
  assert.deepEqual(decodeProjects(p.data, p.strings), many);
  assert.deepEqual(decodeProjectsLazy(p.data, p.strings).map((x) => x.toJSON()), many);
  const batch = { projects: many, partners: [partner], offers: [offerOf({ projects: null, hours_per_month: null }, null)], candidates: [[0, 1, 0, 0]] };
  const b = encodeScorerBatch(batch, true);
  assert.deepEqual(decodeScorerBatch(b.data, b.strings), batch);
  assert.deepEqual(decodeScorerBatchLazy(b.data, b.strings).projects.map((x) => x.toJSON()), many);
  const none = encodeProjects([], true);
  assert.deepEqual(decodeProjectsLazy(none.data, none.strings), []);
});

// Encoding version 3: version 2 with text in ASCII, escaped strings marked in their length.

test('version 3 round-trips eagerly and lazily; its text is ASCII and the layout version 2\'s', () => {
  const odd = ['C:\\Daten\\u00e4', 'Zitat "x"\n\t\u0001\u007f', '\\', 'nur ASCII', 'Straße 🚲 \u2028'];
  const many = Array.from({ length: 5 }, (_, i) => ({ ...structuredClone(fullProject), id: `p-${i}-ä🌳` }));
  many.push(emptyProject, ...odd.map((w, i) => withIdName(`${w}${i}`, w)));
  const catalog = { city, projects: many, partners: [partner], offers: [offerOf({ projects: 3, hours_per_month: 1.5 }, -0)] };
  const v3 = encodeCatalog(catalog, 3);
  assert.deepEqual([...v3.data.subarray(0, 4)], [0x64, 0x66, 0x62, 0x33]);
  assert.match(v3.strings, /^[\x00-\x7f]*$/);
  assert.deepEqual(decodeCatalog(v3.data, v3.strings), catalog);
  // Version 2's layout: the same bytes but for the magic, the string spans and the index's
  // count of characters; so the same index tables.
  const v2 = encodeCatalog(catalog, 2);
  assert.equal(v3.data.length, v2.data.length);
  const indexAt = dv(v3.data).getUint32(4, true);
  assert.equal(dv(v2.data).getUint32(4, true), indexAt);
  assert.deepEqual([...v3.data.subarray(indexAt + 20)], [...v2.data.subarray(indexAt + 20)]);
  assert.equal(dv(v3.data).getUint32(indexAt + 16, true), v3.strings.length);
  const p = encodeProjects(many, 3);
  assert.deepEqual(decodeProjects(p.data, p.strings), many);
  assert.deepEqual(decodeProjectsLazy(p.data, p.strings).map((x) => x.toJSON()), many);
  const batch = { projects: many, partners: [partner], offers: [offerOf({ projects: null, hours_per_month: null }, null)], candidates: [[0, 1, 0, 0]] };
  const b = encodeScorerBatch(batch, 3);
  assert.deepEqual(decodeScorerBatch(b.data, b.strings), batch);
  assert.deepEqual(decodeScorerBatchLazy(b.data, b.strings).projects.map((x) => x.toJSON()), many);
});

test('version 3 sends ASCII as it is and marks what it escapes', () => {
  const span = (name) => {
    const { data, strings } = encodeProjects([withIdName('id', name)], 3);
    // The first project's name: after the magic, the index's offset, the count and the id.
    const [start, len] = [dv(data).getUint32(20, true), dv(data).getUint32(24, true)];
    return [strings.substring(start, start + (len & 0x7fffffff)), len >= 0x80000000];
  };
  assert.deepEqual(span('plain "ASCII"\t'), ['plain "ASCII"\t', false]);
  assert.deepEqual(span('Münster'), ['M\\u00fcnster', true]);
  assert.deepEqual(span('a\\b'), ['a\\\\b', true]);
  // The escapes the Rust encoder writes (plugins/digifarm-plugin-codec, `escape_json`).
  assert.deepEqual(span('🚲 "\u0001\b\f\n\r\t\u007fé'), ['\\ud83d\\udeb2 \\"\\u0001\\b\\f\\n\\r\\t\u007f\\u00e9', true]);
});

test('version 3: a marked string that is not a JSON string body, or a mark in version 2, is refused', () => {
  const { data, strings } = encodeProjects([withIdName('id', 'Münster')], 3);
  const nameAt = 20;
  const bad = (text, len, version = 3) => {
    const d = data.slice();
    d[3] = 0x30 + version;
    dv(d).setUint32(nameAt, strings.length, true);
    dv(d).setUint32(nameAt + 4, len, true);
    const s = strings + text;
    // The index counts the text's characters.
    dv(d).setUint32(dv(d).getUint32(4, true) + 16, s.length, true);
    return () => decodeProjects(d, s)[0].name;
  };
  assert.equal(bad('a\\u00e4b', 8 + 0x80000000)(), 'aäb');
  assert.throws(bad('a"b', 3 + 0x80000000), (e) => e instanceof DecodeError && /JSON string/.test(e.message));
  assert.throws(bad('a\\', 2 + 0x80000000), /JSON string/);
  assert.throws(bad('a\\u00e4b', 4 + 0x80000000), /JSON string/);
  assert.throws(bad('a\\u00e4b', 8 + 0x80000000, 2), /outside `strings`/);
  assert.throws(bad('ab', 3 + 0x80000000), /outside `strings`/);
  // A lone surrogate, escaped, is no host string (the Rust codec refuses it too); a pair is.
  assert.throws(bad('a\\ud800b', 8 + 0x80000000), /lone surrogate/);
  assert.throws(bad('\\ud83d', 6 + 0x80000000), /lone surrogate/);
  assert.throws(bad('\\ude00\\ud83d', 12 + 0x80000000), /lone surrogate/);
  assert.equal(bad('\\ud83d\\ude00', 12 + 0x80000000)(), '😀');
});

test('version 3 writes a lone surrogate as U+FFFD, as UTF-8 does', () => {
  const lone = withIdName('id', 'a\ud800b\udc00');
  const v3 = encodeProjects([lone], 3);
  assert.match(v3.strings, /a\\ufffdb\\ufffd/);
  assert.equal(decodeProjects(v3.data, v3.strings)[0].name, 'a\ufffdb\ufffd');
});

test('version 2 counts characters, not UTF-16 units or UTF-8 bytes', () => {
  const { data, strings } = encodeProjects([withIdName('𝔘ü', 'ß')], true);
  const u = (at) => new DataView(data.buffer, data.byteOffset).getUint32(at, true);
  // The first project's id, then its name, right after the count.
  assert.deepEqual([u(12), u(16), u(20), u(24)], [0, 2, 2, 1]);
  assert.equal(decodeProjectsLazy(data, strings)[0].name, 'ß');
});

test('version 2: fields read in any order, needs out of project order, agree with version 1', () => {
  const words = ['', 'a', 'Münster', '🚲 Lastenrad', 'Straße "x"', 'ü'.repeat(40), '𝔘'.repeat(70)];
  let seed = 7;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const word = () => words[rand(words.length)];
  const opt = () => (rand(2) ? word() : null);
  const need = () => ({
    kind: word(), description: Array.from({ length: rand(3) }, () => ({ lang: word(), value: word() })),
    skills: Array.from({ length: rand(3) }, word), hours_per_month: rand(2) ? 1.5 : null, eur_per_year: null,
    priority: word(), since: opt(),
    supported_by: Array.from({ length: rand(3) }, () => ({ partner: word(), offer: opt(), since: opt() })),
  });
  const project = (i) => ({
    ...emptyProject, id: `p${i}`, name: word(), summary: [{ lang: '', value: word() }], lifecycle: word(),
    origin: rand(2) ? { city: opt(), community: opt(), started: opt() } : null,
    links: { homepage: opt(), source: opt(), info: opt() }, license: word(),
    deployment: rand(2) ? { mode: word(), cities: Array.from({ length: rand(3) }, word) } : null,
    needs: Array.from({ length: rand(4) }, need), last_reviewed: opt(),
  });
  const keys = Object.keys(fullProject);
  for (let round = 0; round < 30; round++) {
    const projects = Array.from({ length: 1 + rand(12) }, (_, i) => project(i));
    const v1 = encodeProjects(projects);
    const v2 = encodeProjects(projects, true);
    const walked = decodeProjectsLazy(v1.data, v1.strings);
    const indexed = decodeProjectsLazy(v2.data, v2.strings);
    const plain = (v) => JSON.parse(JSON.stringify(v));
    // From the last project back, keys in a shuffled order.
    const order = keys.slice().sort(() => rand(3) - 1);
    for (let i = projects.length - 1; i >= 0; i--) {
      for (const key of order) {
        assert.deepEqual(plain(indexed[i][key]), plain(walked[i][key]), `round ${round}, ${i}.${key}`);
        assert.deepEqual(plain(indexed[i][key]), projects[i][key], `round ${round}, ${i}.${key}`);
      }
    }
  }
});

test('version 2: a field read first on one record is decoded for all, keeping what was assigned', () => {
  const projects = [withIdName('a', 'b'), { ...structuredClone(fullProject), id: 'p-ä🌳' }, withIdName('𝔘', 'c')];
  const { data, strings } = encodeProjects(projects, true);
  const lazy = decodeProjectsLazy(data, strings);
  lazy[2].name = 'assigned';
  assert.equal(lazy[0].name, 'b');
  assert.equal(lazy[2].name, 'assigned');
  assert.equal(lazy[1].name, projects[1].name);
  // Needs of the second project read after those of the first: their fields as encoded.
  assert.deepEqual(lazy[0].needs, []);
  assert.equal(lazy[1].needs[1].kind, projects[1].needs[1].kind);
  assert.deepEqual(lazy[1].needs.map((n) => n.toJSON()), projects[1].needs);
  assert.deepEqual(lazy.map((p) => p.toJSON()), [projects[0], projects[1], { ...projects[2], name: 'assigned' }]);
  // An id of the third project outside the text: reading the first project's id fails, the
  // other fields still read.
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const indexAt = view.getUint32(4, true);
  const thirdId = view.getUint32(indexAt + 20 + 4 * 18 * 2, true);
  const bad = decodeProjectsLazy(setStr(data, thirdId, strings.length + 5, 1), strings);
  assert.throws(() => bad[0].id, /outside `strings`/);
  assert.equal(bad[0].name, 'b');
  assert.equal(bad[2].name, 'c');
});

test('version 2: an index that disagrees with the records is refused', () => {
  const { data, strings } = encodeProjects([fullProject, fullProject], true);
  const dv = (d) => new DataView(d.buffer, d.byteOffset, d.byteLength);
  const indexAt = dv(data).getUint32(4, true);
  const head = [0, 4, 8, 12, 16].map((k) => dv(data).getUint32(indexAt + k, true));
  assert.deepEqual(head.slice(1), [2, 4, 4, [...strings].length]);
  const withHead = (k, v) => {
    const bad = data.slice();
    dv(bad).setUint32(indexAt + k, v, true);
    return bad;
  };
  assert.throws(() => decodeProjectsLazy(withHead(4, 3), strings), /does not fill the rest/);
  assert.throws(() => decodeProjectsLazy(withHead(0, indexAt + 1), strings), /does not match the list of projects/);
  assert.throws(() => decodeProjectsLazy(withHead(0, indexAt - 1), strings), /trailing bytes/);
  // The count of characters: more than the text's UTF-16 units, or fewer than its characters.
  for (const chars of [strings.length + 1, head[4] - 1]) {
    assert.throws(() => decodeProjectsLazy(withHead(16, chars), strings), /does not count the characters/);
  }
  // The second project's first need row points elsewhere: its needs are not found.
  const row = indexAt + 20 + 72 * 2 + 32 * 2;
  const bad = data.slice();
  dv(bad).setUint32(row, dv(data).getUint32(row, true) + 1, true);
  const projects = decodeProjectsLazy(bad, strings);
  assert.throws(() => projects[1].needs, /the index does not match the needs/);
  for (let cut = 0; cut < data.length; cut++) {
    assert.throws(() => decodeProjectsLazy(data.subarray(0, cut), strings), DecodeError, `cut at ${cut}`);
  }
});

test('version 2 decodes from a Node Buffer, whose slice is a view, at any offset', () => {
  const { data, strings } = encodeProjects([fullProject, withIdName('x', 'ü𝔘')], true);
  const want = decodeProjectsLazy(data, strings).map((p) => p.toJSON());
  // Buffer.from copies into Node's shared pool, at an offset that need not be a multiple of 4.
  for (const b of [Buffer.from(data), Buffer.concat([Buffer.alloc(3), Buffer.from(data)]).subarray(3)]) {
    assert.deepEqual(decodeProjectsLazy(b, strings).map((p) => p.toJSON()), want);
  }
});
