// The digifarm record layout (encoding version 1) in JavaScript: the decoder every JS plugin
// runs on its input, and the matching encoder (used by tests and the conformance plugin).
//
// The layout is specified once, in plugins/digifarm-plugin-codec/src/lib.rs (Rust):
// `data` starts with the bytes `dfb1`, then the payload the function names; values follow the
// WIT records field by field in declaration order; `string` is a u32 byte offset and a u32
// byte length into the UTF-8 bytes of `strings`; `option<T>` is a byte 0 or 1 then a `T`;
// `list<T>` is a u32 count then the items; u32 and f64 are little-endian; `bool` is a byte
// 0 or 1; `localized` is a `list<text>`; a candidate is four u32.
//
// Decoded records are plain objects whose field names are the Rust views' names
// (snake_case: `hours_per_month`, `supported_by`, `need_index`); an absent option is `null`.

/** The first bytes of every encoded input: the layout's version. */
export const MAGIC = 'dfb1';
const MAGIC_BYTES = [0x64, 0x66, 0x62, 0x31];

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');

/** Why an input could not be decoded (message as the Rust codec's `DecodeError`). */
export class DecodeError extends Error {
  constructor(message) {
    super(`cannot decode the host's input: ${message}`);
    this.name = 'DecodeError';
  }
}

function asBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (Array.isArray(data)) return Uint8Array.from(data);
  throw new TypeError('encoded data must be a Uint8Array');
}

class Decoder {
  constructor(data, strings) {
    const buf = asBytes(data);
    if (typeof strings !== 'string') throw new TypeError('encoded strings must be a string');
    if (
      buf.length < 4 ||
      buf[0] !== MAGIC_BYTES[0] ||
      buf[1] !== MAGIC_BYTES[1] ||
      buf[2] !== MAGIC_BYTES[2] ||
      buf[3] !== MAGIC_BYTES[3]
    ) {
      throw new DecodeError('it does not start with `dfb1` (encoding version 1)');
    }
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.pos = 4;
    this.strings = strings;
    // Offsets count UTF-8 bytes. For ASCII text (byte length = UTF-16 length) the offsets
    // index the JS string directly; otherwise the text is encoded once per call and sliced.
    const bytes = utf8Encoder.encode(strings);
    this.ascii = bytes.length === strings.length;
    this.bytes = this.ascii ? null : bytes;
    this.stringsLen = bytes.length;
  }

  err(what) {
    return new DecodeError(`${what} at byte ${this.pos}`);
  }

  finish() {
    if (this.pos !== this.buf.length) throw this.err('trailing bytes');
  }

  byte() {
    if (this.pos >= this.buf.length) throw this.err('unexpected end');
    return this.buf[this.pos++];
  }

  u32() {
    if (this.pos + 4 > this.buf.length) throw this.err('unexpected end');
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  f64() {
    if (this.pos + 8 > this.buf.length) throw this.err('unexpected end');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  bool() {
    const b = this.byte();
    if (b === 0) return false;
    if (b === 1) return true;
    this.pos -= 1;
    throw this.err('bad bool');
  }

  present() {
    const b = this.byte();
    if (b === 0) return false;
    if (b === 1) return true;
    this.pos -= 1;
    throw this.err('bad option tag');
  }

  str() {
    const start = this.u32();
    const len = this.u32();
    const end = start + len;
    if (end > this.stringsLen) {
      throw this.err('string outside `strings` or not on character boundaries');
    }
    if (this.ascii) return this.strings.slice(start, end);
    const bytes = this.bytes;
    // A character boundary: not a UTF-8 continuation byte (10xxxxxx), or the end.
    if ((start < bytes.length && (bytes[start] & 0xc0) === 0x80) ||
        (end < bytes.length && (bytes[end] & 0xc0) === 0x80)) {
      throw this.err('string outside `strings` or not on character boundaries');
    }
    return utf8Decoder.decode(bytes.subarray(start, end));
  }

  optStr() {
    return this.present() ? this.str() : null;
  }

  optF64() {
    return this.present() ? this.f64() : null;
  }

  list(item) {
    const n = this.u32();
    // Each item takes at least one byte: a corrupt count cannot make us loop for long.
    if (n > this.buf.length - this.pos) throw this.err('list longer than the input');
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = item.call(this);
    return out;
  }

  strs() {
    return this.list(this.str);
  }

  text() {
    return { lang: this.str(), value: this.str() };
  }

  texts() {
    return this.list(this.text);
  }

  supportRef() {
    return { partner: this.str(), offer: this.optStr(), since: this.optStr() };
  }

  need() {
    return {
      kind: this.str(),
      description: this.texts(),
      skills: this.strs(),
      hours_per_month: this.optF64(),
      eur_per_year: this.optF64(),
      priority: this.str(),
      since: this.optStr(),
      supported_by: this.list(this.supportRef),
    };
  }

  project() {
    return {
      id: this.str(),
      name: this.str(),
      summary: this.texts(),
      description: this.texts(),
      status: this.str(),
      status_since: this.optStr(),
      lifecycle: this.str(),
      categories: this.strs(),
      software_type: this.optStr(),
      complexity: this.optStr(),
      technologies: this.strs(),
      origin: this.present()
        ? { city: this.optStr(), community: this.optStr(), started: this.optStr() }
        : null,
      admitted_on: this.optStr(),
      links: { homepage: this.optStr(), source: this.optStr(), info: this.optStr() },
      license: this.str(),
      deployment: this.present() ? { mode: this.str(), cities: this.strs() } : null,
      needs: this.list(this.need),
      last_reviewed: this.optStr(),
    };
  }

  partner() {
    return {
      id: this.str(),
      name: this.str(),
      kind: this.str(),
      sectors: this.strs(),
      region: this.optStr(),
      website: this.optStr(),
    };
  }

  offer() {
    return {
      id: this.str(),
      partner: this.str(),
      kind: this.str(),
      description: this.texts(),
      skills: this.strs(),
      topics: this.strs(),
      regions: this.strs(),
      remote: this.bool(),
      capacity: {
        projects: this.present() ? this.u32() : null,
        hours_per_month: this.optF64(),
      },
      budget_eur_per_year: this.optF64(),
      license_requirement: this.optStr(),
      valid_from: this.optStr(),
      valid_until: this.optStr(),
    };
  }

  city() {
    return {
      name: this.str(),
      ags: this.optStr(),
      languages: this.strs(),
      website: this.optStr(),
    };
  }

  candidate() {
    return [this.u32(), this.u32(), this.u32(), this.u32()];
  }

  projects() {
    return this.list(this.project);
  }
  partners() {
    return this.list(this.partner);
  }
  offers() {
    return this.list(this.offer);
  }
  candidates() {
    return this.list(this.candidate);
  }
}

/**
 * Decodes a validator's input (`list<project>`).
 * @param {Uint8Array} data
 * @param {string} strings
 */
export function decodeProjects(data, strings) {
  const d = new Decoder(data, strings);
  const projects = d.projects();
  d.finish();
  return projects;
}

/**
 * Decodes a scorer's input: `{projects, partners, offers, candidates}` where each candidate
 * is `[project, need_index, offer, partner]` indexes (see `resolveCandidates`).
 */
export function decodeScorerBatch(data, strings) {
  const d = new Decoder(data, strings);
  const batch = {
    projects: d.projects(),
    partners: d.partners(),
    offers: d.offers(),
    candidates: d.candidates(),
  };
  d.finish();
  return batch;
}

/** Decodes an exporter's input: `{city, projects, partners, offers}`. */
export function decodeCatalog(data, strings) {
  const d = new Decoder(data, strings);
  const catalog = {
    city: d.city(),
    projects: d.projects(),
    partners: d.partners(),
    offers: d.offers(),
  };
  d.finish();
  return catalog;
}

/**
 * Resolves a scorer batch's index candidates into
 * `{project, need_index, need, offer, partner}` objects; throws when an index is out of range.
 */
export function resolveCandidates(batch) {
  return batch.candidates.map(([p, n, o, pa], i) => {
    const project = batch.projects[p];
    const need = project ? project.needs[n] : undefined;
    const offer = batch.offers[o];
    const partner = batch.partners[pa];
    if (!project || !need || !offer || !partner) {
      throw new Error(`candidate ${i} refers to a record not in the batch`);
    }
    return { project, need_index: n, need, offer, partner };
  });
}

// ---------------------------------------------------------------------------------------
// Encoder

function utf8Length(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length &&
             (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3; // BMP, or a lone surrogate (U+FFFD after encoding: 3 bytes)
  }
  return n;
}

class Encoder {
  constructor() {
    this.buf = new Uint8Array(1024);
    this.view = new DataView(this.buf.buffer);
    this.len = 0;
    this.parts = [];
    this.stringsLen = 0;
    this.raw(MAGIC_BYTES);
  }

  reserve(n) {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  raw(bytes) {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  byte(b) {
    this.reserve(1);
    this.buf[this.len++] = b;
  }

  u32(n) {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
      throw new RangeError(`not a u32: ${n}`);
    }
    this.reserve(4);
    this.view.setUint32(this.len, n, true);
    this.len += 4;
  }

  f64(v) {
    if (typeof v !== 'number') throw new TypeError(`not a number: ${v}`);
    this.reserve(8);
    this.view.setFloat64(this.len, v, true);
    this.len += 8;
  }

  bool(v) {
    this.byte(v ? 1 : 0);
  }

  str(s) {
    if (typeof s !== 'string') throw new TypeError(`not a string: ${s}`);
    const n = utf8Length(s);
    this.u32(this.stringsLen);
    this.u32(n);
    this.parts.push(s);
    this.stringsLen += n;
  }

  opt(v, write) {
    if (v === null || v === undefined) this.byte(0);
    else {
      this.byte(1);
      write.call(this, v);
    }
  }

  optStr(s) {
    this.opt(s, this.str);
  }

  optF64(v) {
    this.opt(v, this.f64);
  }

  list(items, write) {
    const list = items ?? [];
    this.u32(list.length);
    for (const item of list) write.call(this, item);
  }

  strs(items) {
    this.list(items, this.str);
  }

  texts(items) {
    this.list(items, (t) => {
      this.str(t.lang);
      this.str(t.value);
    });
  }

  need(n) {
    this.str(n.kind);
    this.texts(n.description);
    this.strs(n.skills);
    this.optF64(n.hours_per_month);
    this.optF64(n.eur_per_year);
    this.str(n.priority);
    this.optStr(n.since);
    this.list(n.supported_by, (s) => {
      this.str(s.partner);
      this.optStr(s.offer);
      this.optStr(s.since);
    });
  }

  project(p) {
    this.str(p.id);
    this.str(p.name);
    this.texts(p.summary);
    this.texts(p.description);
    this.str(p.status);
    this.optStr(p.status_since);
    this.str(p.lifecycle);
    this.strs(p.categories);
    this.optStr(p.software_type);
    this.optStr(p.complexity);
    this.strs(p.technologies);
    this.opt(p.origin, (o) => {
      this.optStr(o.city);
      this.optStr(o.community);
      this.optStr(o.started);
    });
    this.optStr(p.admitted_on);
    const links = p.links ?? {};
    this.optStr(links.homepage);
    this.optStr(links.source);
    this.optStr(links.info);
    this.str(p.license);
    this.opt(p.deployment, (d) => {
      this.str(d.mode);
      this.strs(d.cities);
    });
    this.list(p.needs, this.need);
    this.optStr(p.last_reviewed);
  }

  partner(p) {
    this.str(p.id);
    this.str(p.name);
    this.str(p.kind);
    this.strs(p.sectors);
    this.optStr(p.region);
    this.optStr(p.website);
  }

  offer(o) {
    this.str(o.id);
    this.str(o.partner);
    this.str(o.kind);
    this.texts(o.description);
    this.strs(o.skills);
    this.strs(o.topics);
    this.strs(o.regions);
    this.bool(o.remote);
    const capacity = o.capacity ?? {};
    this.opt(capacity.projects, this.u32);
    this.optF64(capacity.hours_per_month);
    this.optF64(o.budget_eur_per_year);
    this.optStr(o.license_requirement);
    this.optStr(o.valid_from);
    this.optStr(o.valid_until);
  }

  city(c) {
    this.str(c.name);
    this.optStr(c.ags);
    this.strs(c.languages);
    this.optStr(c.website);
  }

  candidate(c) {
    // Accepts `[project, need_index, offer, partner]` or an object with index fields.
    const [p, n, o, pa] = Array.isArray(c) ? c : [c.project, c.need_index, c.offer, c.partner];
    this.u32(p);
    this.u32(n);
    this.u32(o);
    this.u32(pa);
  }

  finish() {
    return { data: this.buf.slice(0, this.len), strings: this.parts.join('') };
  }
}

/** Encodes a validator's input: `list<project>`. Returns `{data, strings}`. */
export function encodeProjects(projects) {
  const e = new Encoder();
  e.list(projects, e.project);
  return e.finish();
}

/** Encodes a scorer's input `{projects, partners, offers, candidates}`. */
export function encodeScorerBatch(batch) {
  const e = new Encoder();
  e.list(batch.projects, e.project);
  e.list(batch.partners, e.partner);
  e.list(batch.offers, e.offer);
  e.list(batch.candidates, e.candidate);
  return e.finish();
}

/** Encodes an exporter's input `{city, projects, partners, offers}`. */
export function encodeCatalog(catalog) {
  const e = new Encoder();
  e.city(catalog.city);
  e.list(catalog.projects, e.project);
  e.list(catalog.partners, e.partner);
  e.list(catalog.offers, e.offer);
  return e.finish();
}
