// The digifarm record layout (encoding versions 1, 2 and 3) in JavaScript: the decoder every JS
// plugin runs on its input, and the matching encoder (used by tests and the conformance plugin).
//
// The layout is specified once, in plugins/digifarm-plugin-codec/src/lib.rs (Rust):
// `data` starts with the bytes `dfb1`, then the payload the function names; values follow the
// WIT records field by field in declaration order; `string` is a u32 byte offset and a u32
// byte length into the UTF-8 bytes of `strings`; `option<T>` is a byte 0 or 1 then a `T`;
// `list<T>` is a u32 count then the items; u32 and f64 are little-endian; `bool` is a byte
// 0 or 1; `localized` is a `list<text>`; a candidate is four u32.
//
// Version 2 (`dfb2`, what the host sends a plugin whose manifest says `encoding = 2`, as this
// SDK's build writes) is made for interpreters: a string's offset and length count characters
// (Unicode scalar values), which are UTF-16 units unless the text holds characters beyond the
// BMP; and after `dfb2` comes a u32 `index_at`, the payload up to it, then the index: five u32
// (where the list of projects ends, how many projects, needs and supporters there are, how
// many characters `strings` holds: as many as its UTF-16 length, and offsets map as they
// are, which spares a scan of the text) and
// tables of u32 positions in `data`: 18 per project, 8 per need, 3 per supporter. A lazy
// project takes its fields' positions from the index instead of walking the records.
//
// Version 3 (`dfb3`, what the host sends a plugin whose manifest says `encoding = 3`, as this
// SDK's build writes) is version 2 with text in ASCII: QuickJS makes the call's `strings` a
// string by copying ASCII text as it is, but decodes any other text character by character
// (a twelfth of the Münster validator's time on a synthetic catalog with an umlaut or two per
// project; a German catalog has many more). A
// string that is not ASCII, or holds a backslash, is sent as the body of a JSON string literal
// in ASCII, the top bit of its length set, and read with `JSON.parse` (native code) when the
// plugin reads it; offsets and lengths count bytes of `strings`, which are its UTF-16 units.
// The decoder takes the host's word that an unmarked string holds no escape and that no span
// starts inside another string's escape, as it takes the character count (the Rust codec's
// decoder checks all three). Version 3 makes text beyond ASCII longer (`é`: 2 bytes in
// UTF-8, 6 escaped), which counts against the host's limit on a call's input.
//
// Decoded records are plain objects whose field names are the Rust views' names
// (snake_case: `hours_per_month`, `supported_by`, `need_index`); an absent option is `null`.

/** The first bytes of every encoded input of version 1: the layout's version. */
export const MAGIC = 'dfb1';
const MAGIC_BYTES = [0x64, 0x66, 0x62, 0x31];
/** The first bytes of an input of version 2. */
export const MAGIC_INDEXED = 'dfb2';
/** The first bytes of an input of version 3. */
export const MAGIC_ASCII = 'dfb3';
/** The encoding version a plugin built with this SDK asks the host for (the manifest's `encoding`). */
export const ENCODING = 3;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

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

// The decoder is written for SpiderMonkey's interpreter (componentize-js runs plugins without
// a JIT): its state is module-level bindings rather than properties of an object, each field
// costs at most one function call (numbers are read from the bytes with shifts, inline), and
// no string passes through a TextDecoder. A call decodes from start to end without yielding, so
// the shared state cannot be seen by two calls at once; `begin` resets it.
//
// Strings: an offset counts UTF-8 bytes into `strings`, a JS string counts UTF-16 units. For
// ASCII text the two agree and `strings.substring` takes the offsets as they are. Otherwise
// `begin` lists the non-ASCII characters once (a native regular-expression split finds them,
// so the scan of the ASCII text is not JavaScript code): their byte offsets (`naStart`), the
// byte offsets after them (`naEnd`) and, up to each, how many more UTF-8 bytes than UTF-16
// units the text has (`naExtra`). A byte offset `b` past `k` non-ASCII characters is the
// UTF-16 index `b - naExtra[k - 1]`, and lies inside a character when `b < naEnd[k - 1]`. The
// host writes the strings in the order they are read, so the search for `k` resumes where the
// previous string ended (`naNext`); an offset before that, or past the next non-ASCII
// character (a lazily read field), starts from the first non-ASCII character of its block of
// 64 bytes (`naBlock`) instead: at most 32 steps (a block holds at most 32 non-ASCII
// characters), usually one or two, where a binary search over a batch's characters took about
// twenty. In version 2 an offset counts characters, and the same tables list the characters
// beyond the BMP (two UTF-16 units for one character); a block of 64 characters holds at most
// 64 of them.

var buf = null; // the data bytes
var pos = 0; // the read position in `buf`
var size = 0; // buf.length
var view = null; // a DataView of `buf` (f64 only)
var text = ''; // `strings`
var textBytes = 0; // the UTF-8 length of `strings`
var ascii = true; // whether `strings` is ASCII
var escapes = false; // version 3: whether a string may be marked escaped
var naStart = null;
var naEnd = null;
var naExtra = null;
var naCount = 0;
var naNext = 0;
var naBlock = null; // per 64 bytes of text, the index of its first non-ASCII character
const BLOCK_SHIFT = 6;
var current = null; // the lazily read input whose state this is (null: an eager decode's)
// Version 2: the index (null in version 1).
var ixProjects = null; // 18 positions per project
var ixNeeds = null; // 8 per need
var ixProjectCount = 0;
var ixNeedCount = 0;
var ixProjectsEnd = 0; // where the list of projects ends
const INDEX_HEAD = 20; // the index's five u32 before its tables

const NON_ASCII = /[^\x00-\x7f]/;
const NON_ASCII_RUNS = /([^\x00-\x7f]+)/;
const SURROGATE = /[\ud800-\udfff]/;
const SURROGATE_RUNS = /([\ud800-\udfff]+)/;

/**
 * `n` u32 from the bytes at `at`, copied: a typed array of u32 needs an aligned offset
 * (`Uint8Array`'s own `slice` copies even for a Node `Buffer`, whose `slice` is a view).
 */
function u32s(b, at, n) {
  if (LITTLE_ENDIAN) return new Uint32Array(Uint8Array.prototype.slice.call(b, at, at + 4 * n).buffer);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const p = at + 4 * i;
    out[i] = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  }
  return out;
}

function begin(data, strings) {
  current = null;
  const b = asBytes(data);
  if (typeof strings !== 'string') throw new TypeError('encoded strings must be a string');
  const dfb = b.length >= 4 && b[0] === 0x64 && b[1] === 0x66 && b[2] === 0x62;
  const v3 = dfb && b[3] === 0x33;
  const v2 = (dfb && b[3] === 0x32) || v3; // version 3 is version 2 in its layout
  if (!v2 && !(dfb && b[3] === 0x31)) {
    throw new DecodeError('it does not start with `dfb1`, `dfb2` or `dfb3` (encoding versions 1, 2 and 3)');
  }
  escapes = v3;
  buf = b;
  pos = 4;
  size = b.length;
  view = null;
  text = strings;
  naCount = 0;
  naNext = 0;
  ixProjects = ixNeeds = null;
  ixProjectCount = ixNeedCount = ixProjectsEnd = 0;
  let textChars = 0; // version 2: how many characters `strings` holds
  if (v2) {
    const indexAt = u32();
    if (indexAt < 8 || indexAt + INDEX_HEAD > size) throw fail('the index lies past the end', 4);
    const at = indexAt + INDEX_HEAD;
    const [projectsEnd, projects, needs, supporters, n] = u32s(b, indexAt, 5);
    if (at + 4 * (18 * projects + 8 * needs + 3 * supporters) !== size) {
      throw fail('the index does not fill the rest of the input', 4);
    }
    ixProjects = u32s(b, at, 18 * projects);
    ixNeeds = u32s(b, at + 72 * projects, 8 * needs);
    ixProjectCount = projects;
    ixNeedCount = needs;
    ixProjectsEnd = projectsEnd;
    textChars = n;
    size = indexAt;
  }
  // Offsets count UTF-8 bytes (version 1) or characters (version 2): in either, the text
  // maps onto UTF-16 units as they are unless it holds characters of more than one unit, or
  // of more than one byte.
  // Version 2 says how many characters the text holds: as many as its UTF-16 units, and no
  // character takes two (a regular expression over the text cost QuickJS 8 µs per project).
  // That case is taken on the host's word: only the scan it spares could contradict it (the
  // Rust and Python decoders check the count; the host's codec tests pin what it writes). A
  // count above the text's length, or one the scan contradicts, is refused.
  if (v2 && strings.length < textChars) throw fail('the index does not count the characters of `strings`', 4);
  // Version 3's text is ASCII: as many UTF-16 units as bytes.
  if (v3 && strings.length !== textChars) throw fail('the index does not count the bytes of `strings`', 4);
  ascii = v2 ? strings.length === textChars : !NON_ASCII.test(strings);
  if (ascii) {
    textBytes = strings.length;
    naStart = naEnd = naExtra = naBlock = null;
    return;
  }
  // Even parts map as they are, odd parts are runs of the characters that do not.
  const parts = strings.split(v2 ? SURROGATE_RUNS : NON_ASCII_RUNS);
  let chars = 0;
  for (let i = 1; i < parts.length; i += 2) chars += parts[i].length;
  naStart = new Int32Array(chars);
  naEnd = new Int32Array(chars);
  naExtra = new Int32Array(chars);
  let u = 0; // UTF-16 index
  let extra = 0; // UTF-8 bytes minus UTF-16 units so far
  let k = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const n = part.length;
    if ((i & 1) === 0) {
      u += n;
      continue;
    }
    for (let j = 0; j < n; j++) {
      const c = part.charCodeAt(j);
      let bytes; // in version 2: characters, one each
      let units = 1;
      if (c < 0x800) bytes = v2 ? 1 : 2;
      else if (c >= 0xd800 && c <= 0xdbff && j + 1 < n && (part.charCodeAt(j + 1) & 0xfc00) === 0xdc00) {
        bytes = v2 ? 1 : 4;
        units = 2;
        j++;
      } else bytes = v2 ? 1 : 3; // BMP, or a lone surrogate (U+FFFD in UTF-8: 3 bytes)
      const at = u + extra;
      naStart[k] = at;
      naEnd[k] = at + bytes;
      extra += bytes - units;
      naExtra[k] = extra;
      u += units;
      k++;
    }
  }
  naCount = k;
  textBytes = strings.length + extra;
  if (v2 && textBytes !== textChars) throw fail('the index does not count the characters of `strings`', 4);
  naBlock = new Int32Array((textBytes >> BLOCK_SHIFT) + 1);
  k = 0;
  for (let j = 0; j < naBlock.length; j++) {
    const first = j << BLOCK_SHIFT;
    while (k < naCount && naStart[k] < first) k++;
    naBlock[j] = k;
  }
}

function end() {
  if (pos !== size) throw fail('trailing bytes', pos);
}

/** Drops the state after a failed call (the error propagates). */
function reset() {
  current = null;
  escapes = false;
  buf = null;
  view = null;
  text = '';
  naStart = naEnd = naExtra = naBlock = null;
  ixProjects = ixNeeds = null;
}

function fail(what, at) {
  return new DecodeError(`${what} at byte ${at}`);
}

function u32() {
  const p = pos;
  if (p + 4 > size) throw fail('unexpected end', p);
  pos = p + 4;
  return (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0;
}

function f64() {
  const p = pos;
  if (p + 8 > size) throw fail('unexpected end', p);
  if (view === null) view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  pos = p + 8;
  return view.getFloat64(p, true);
}

/** A byte 0 or 1 (a bool, or an option's tag: whether a value follows). */
function flag(what) {
  const p = pos;
  if (p >= size) throw fail('unexpected end', p);
  const b = buf[p];
  if (b > 1) throw fail(what, p);
  pos = p + 1;
  return b === 1;
}

function bool() {
  return flag('bad bool');
}

function some() {
  return flag('bad option tag');
}

/** A list's count, checked against the bytes left (each item takes at least one). */
function count() {
  const p = pos;
  if (p + 4 > size) throw fail('unexpected end', p);
  const n = (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0;
  pos = p + 4;
  if (n > size - pos) throw fail('list longer than the input', pos);
  return n;
}

function str() {
  const p = pos;
  if (p + 8 > size) throw fail('unexpected end', p + 4 > size ? p : p + 4);
  const start = (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0;
  // The length as a signed number: negative when its top bit marks an escaped string.
  const len = buf[p + 4] | (buf[p + 5] << 8) | (buf[p + 6] << 16) | (buf[p + 7] << 24);
  pos = p + 8;
  if (len < 0) return escaped(start, len & 0x7fffffff, p);
  const stop = start + len;
  if (stop > textBytes) {
    throw fail('string outside `strings` or not on character boundaries', p + 8);
  }
  if (ascii) return text.substring(start, stop);
  // Non-ASCII text (inline: a call per string costs in an interpreter).
  let k = naNext;
  if ((k > 0 && naStart[k - 1] >= start) || (k < naCount && naStart[k] < start)) {
    k = naBlock[start >>> BLOCK_SHIFT];
    while (k < naCount && naStart[k] < start) k++;
  }
  let from = start;
  if (k > 0) {
    if (naEnd[k - 1] > start) throw fail('string outside `strings` or not on character boundaries', pos);
    from = start - naExtra[k - 1];
  }
  while (k < naCount && naStart[k] < stop) k++;
  let to = stop;
  if (k > 0) {
    if (naEnd[k - 1] > stop) throw fail('string outside `strings` or not on character boundaries', pos);
    to = stop - naExtra[k - 1];
  }
  naNext = k;
  return text.substring(from, to);
}

// A UTF-16 unit that is half of no pair: what `JSON.parse` makes of an escaped lone surrogate,
// which no host string holds (the Rust codec refuses it).
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Version 3: a string sent as the body of a JSON string literal (see above). */
function escaped(start, n, p) {
  const stop = start + n;
  if (!escapes || stop > textBytes) {
    throw fail('string outside `strings` or not on character boundaries', p + 8);
  }
  const body = text.substring(start, stop);
  let s;
  try {
    s = JSON.parse(`"${body}"`);
  } catch {
    throw fail('an escaped string that is not the body of a JSON string', p + 8);
  }
  // Only a body with a surrogate's escape can hold one; the others skip the scan.
  if ((body.includes('\\ud') || body.includes('\\uD')) && LONE_SURROGATE.test(s)) {
    throw fail('an escaped string with a lone surrogate', p + 8);
  }
  return s;
}

// The option's tag is read here rather than through `some()`: two calls fewer per optional
// string, about 3 % of the Münster validator's time in QuickJS (`plugin_probe`, alternating).
function optStr() {
  const p = pos;
  const t = p < size ? buf[p] : undefined;
  if (t === 0) {
    pos = p + 1;
    return null;
  }
  if (t !== 1) throw fail(t === undefined ? 'unexpected end' : 'bad option tag', p);
  pos = p + 1;
  return str();
}

function optF64() {
  return some() ? f64() : null;
}

function strs() {
  const n = count();
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = str();
  return out;
}

function texts() {
  const n = count();
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { lang: str(), value: str() };
  return out;
}

function supportRefs() {
  const n = count();
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = { partner: str(), offer: optStr(), since: optStr() };
  return out;
}

// One loop for the lists of records: a call per record is nothing next to the calls per field
// (lists of strings and texts keep their own loops: they are many and short).
function list(record) {
  const n = count();
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = record();
  return out;
}

function need() {
  return {
    kind: str(),
    description: texts(),
    skills: strs(),
    hours_per_month: optF64(),
    eur_per_year: optF64(),
    priority: str(),
    since: optStr(),
    supported_by: supportRefs(),
  };
}

function project() {
  return {
    id: str(),
    name: str(),
    summary: texts(),
    description: texts(),
    status: str(),
    status_since: optStr(),
    lifecycle: str(),
    categories: strs(),
    software_type: optStr(),
    complexity: optStr(),
    technologies: strs(),
    origin: some() ? { city: optStr(), community: optStr(), started: optStr() } : null,
    admitted_on: optStr(),
    links: { homepage: optStr(), source: optStr(), info: optStr() },
    license: str(),
    deployment: some() ? { mode: str(), cities: strs() } : null,
    needs: list(need),
    last_reviewed: optStr(),
  };
}

function partner() {
  return {
    id: str(),
    name: str(),
    kind: str(),
    sectors: strs(),
    region: optStr(),
    website: optStr(),
  };
}

function offer() {
  return {
    id: str(),
    partner: str(),
    kind: str(),
    description: texts(),
    skills: strs(),
    topics: strs(),
    regions: strs(),
    remote: bool(),
    capacity: {
      projects: some() ? u32() : null,
      hours_per_month: optF64(),
    },
    budget_eur_per_year: optF64(),
    license_requirement: optStr(),
    valid_from: optStr(),
    valid_until: optStr(),
  };
}

function city() {
  return {
    name: str(),
    ags: optStr(),
    languages: strs(),
    website: optStr(),
  };
}

function candidates() {
  const n = count();
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = [u32(), u32(), u32(), u32()];
  return out;
}

/**
 * Decodes a validator's input (`list<project>`).
 * @param {Uint8Array} data
 * @param {string} strings
 */
export function decodeProjects(data, strings) {
  begin(data, strings);
  try {
    const out = list(project);
    end();
    return out;
  } finally {
    reset();
  }
}

/**
 * Decodes a scorer's input: `{projects, partners, offers, candidates}` where each candidate
 * is `[project, need_index, offer, partner]` indexes (see `resolveCandidates`).
 */
export function decodeScorerBatch(data, strings) {
  begin(data, strings);
  try {
    const batch = {
      projects: list(project),
      partners: list(partner),
      offers: list(offer),
      candidates: candidates(),
    };
    end();
    return batch;
  } finally {
    reset();
  }
}

/** Decodes an exporter's input: `{city, projects, partners, offers}`. */
export function decodeCatalog(data, strings) {
  begin(data, strings);
  try {
    const catalog = {
      city: city(),
      projects: list(project),
      partners: list(partner),
      offers: list(offer),
    };
    end();
    return catalog;
  } finally {
    reset();
  }
}

// ---------------------------------------------------------------------------------------
// Lazy records (validators and scorers)
//
// A validator or scorer reads a few fields of each project (its links and licence, its
// origin); decoding every description, category and need costs an interpreter far more than
// the rules themselves. `decodeProjectsLazy` walks each project once, without building
// anything, noting where each field starts, and returns `Project` objects whose fields are
// decoded when first read and then kept (accessors on the class; a field may be assigned).
// `toJSON()` gives a plain object with every field, so `JSON.stringify` sees all of them;
// `Object.keys` and the spread operator do not (use `p.toJSON()` for a plain copy).
// Exporters, which read everything, get plain objects (`decodeCatalog`).
//
// A decoded field is kept under a symbol of the record. Measured in the engine
// (muenster-admission-js, 20,000 projects): 93 µs per record, against 133 µs when each read
// field became an own property (`Object.defineProperty`) and 222 µs decoding every field.
//
// In version 2 the first read of a field decodes it for every record of the input that has
// not got it yet (every project, or every need made so far: reading `needs` makes every
// project's), as the Python SDK does: a getter's slow path (which input, where the record
// starts, which table) then runs once per field and input instead of once per record and
// field, and a plugin reads the same fields of every record anyway. QuickJS, with the Münster
// admission validator over 20,000 projects (`plugin_probe`, alternating): 27.6–29.5 µs per
// record against 31.5–32.4 µs. A record whose field the plugin assigned keeps its value; a
// malformed field of any record fails the read, whichever record it was made on.

// A decoded input's state, for records read after `decodeProjectsLazy` returned.
function saveInput() {
  return {
    buf, size, text, textBytes, ascii, escapes, naStart, naEnd, naExtra, naCount, naBlock,
    ixProjects, ixNeeds, ixProjectCount, ixNeedCount, ixProjectsEnd, ixNeedNext: 0,
    // Version 2: the input's projects, and its needs as far as they have been made.
    projects: null, needs: null,
  };
}

function loadInput(c) {
  buf = c.buf;
  size = c.size;
  view = null;
  text = c.text;
  textBytes = c.textBytes;
  ascii = c.ascii;
  escapes = c.escapes;
  naStart = c.naStart;
  naEnd = c.naEnd;
  naExtra = c.naExtra;
  naCount = c.naCount;
  naBlock = c.naBlock;
  naNext = 0;
  ixProjects = c.ixProjects;
  ixNeeds = c.ixNeeds;
  ixProjectCount = c.ixProjectCount;
  ixNeedCount = c.ixNeedCount;
  ixProjectsEnd = c.ixProjectsEnd;
  current = c;
}

function tagAt(p) {
  const t = buf[p];
  if (t === 0) return 1;
  if (t === 1) return 9;
  throw t === undefined ? fail('unexpected end', p) : fail('bad option tag', p);
}

function countAt(p) {
  if (p + 4 > size) throw fail('unexpected end', p);
  const n = (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0;
  if (n > size - p - 4) throw fail('list longer than the input', p + 4);
  return n;
}

/**
 * Where each field of the need at `p` starts, and (last) where the need ends; with
 * `supporters`, each supporter's three field positions are appended to it.
 */
function needAt(p, supporters) {
  const description = p + 8;
  const skills = description + 4 + 16 * countAt(description);
  const hours = skills + 4 + 8 * countAt(skills);
  const eur = hours + tagAt(hours);
  const priority = eur + tagAt(eur);
  const since = priority + 8;
  const supportedBy = since + tagAt(since);
  const m = countAt(supportedBy);
  let q = supportedBy + 4;
  for (let i = 0; i < m; i++) {
    const offer = q + 8;
    const refSince = offer + tagAt(offer);
    if (supporters !== undefined) supporters.push(q, offer, refSince);
    q = refSince + tagAt(refSince);
  }
  return [p, description, skills, hours, eur, priority, since, supportedBy, q];
}

/** Where each field of the project at `pos` starts; moves `pos` past it. */
function projectAt() {
  const start = pos;
  const summary = start + 16;
  const description = summary + 4 + 16 * countAt(summary);
  const status = description + 4 + 16 * countAt(description);
  const statusSince = status + 8;
  const lifecycle = statusSince + tagAt(statusSince);
  const categories = lifecycle + 8;
  const softwareType = categories + 4 + 8 * countAt(categories);
  const complexity = softwareType + tagAt(softwareType);
  const technologies = complexity + tagAt(complexity);
  const origin = technologies + 4 + 8 * countAt(technologies);
  let p = origin + 1;
  if (tagAt(origin) === 9) {
    p += tagAt(p);
    p += tagAt(p);
    p += tagAt(p);
  }
  const admittedOn = p;
  const links = p + tagAt(p);
  p = links;
  p += tagAt(p);
  p += tagAt(p);
  p += tagAt(p);
  const license = p;
  const deployment = p + 8;
  p = deployment + 1;
  if (tagAt(deployment) === 9) p += 8 + 4 + 8 * countAt(p + 8);
  const needs = p;
  const n = countAt(p);
  p += 4;
  for (let i = 0; i < n; i++) p = needAt(p)[8];
  const lastReviewed = p;
  pos = p + tagAt(p);
  if (pos > size) throw fail('unexpected end', p);
  return [
    start, start + 8, summary, description, status, statusSince, lifecycle, categories,
    softwareType, complexity, technologies, origin, admittedOn, links, license, deployment,
    needs, lastReviewed,
  ];
}

// An option's bytes by its tag: 1 when absent, 9 when a string (offset, length) or an f64
// follows; any other tag gives `undefined`, which turns a position into NaN.
const STEP = [1, 9];

/**
 * `projectAt` without a call per field (each costs the interpreter a frame): where each field
 * of the project at `pos` starts, moving `pos` past it; or null, leaving `pos`, when the input
 * is malformed (`projectAt` then names the error). No check is needed on the way: positions
 * only grow, a read past the end gives 0 for a count and NaN for a tag, so any malformed
 * project ends past the input or at NaN, which the last comparison refuses; the lists a loop
 * runs over are checked against the bytes left first.
 */
function projectAtFast() {
  const b = buf;
  const start = pos;
  const summary = start + 16;
  const description = summary + 4 + 16 * ((b[summary] | (b[summary + 1] << 8) | (b[summary + 2] << 16) | (b[summary + 3] << 24)) >>> 0);
  const status = description + 4 + 16 * ((b[description] | (b[description + 1] << 8) | (b[description + 2] << 16) | (b[description + 3] << 24)) >>> 0);
  const statusSince = status + 8;
  const lifecycle = statusSince + STEP[b[statusSince]];
  const categories = lifecycle + 8;
  const softwareType = categories + 4 + 8 * ((b[categories] | (b[categories + 1] << 8) | (b[categories + 2] << 16) | (b[categories + 3] << 24)) >>> 0);
  const complexity = softwareType + STEP[b[softwareType]];
  const technologies = complexity + STEP[b[complexity]];
  const origin = technologies + 4 + 8 * ((b[technologies] | (b[technologies + 1] << 8) | (b[technologies + 2] << 16) | (b[technologies + 3] << 24)) >>> 0);
  let p = origin + 1;
  const originTag = b[origin];
  if (originTag === 1) {
    p += STEP[b[p]];
    p += STEP[b[p]];
    p += STEP[b[p]];
  } else if (originTag !== 0) return null;
  const admittedOn = p;
  const links = p + STEP[b[p]];
  p = links;
  p += STEP[b[p]];
  p += STEP[b[p]];
  p += STEP[b[p]];
  const license = p;
  const deployment = p + 8;
  const deploymentTag = b[deployment];
  p = deployment + 1;
  if (deploymentTag === 1) {
    const c = p + 8;
    p = c + 4 + 8 * ((b[c] | (b[c + 1] << 8) | (b[c + 2] << 16) | (b[c + 3] << 24)) >>> 0);
  } else if (deploymentTag !== 0) return null;
  const needs = p;
  const n = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
  if (!(n <= size - p)) return null;
  p += 4;
  for (let i = 0; i < n; i++) {
    p += 8; // kind
    p += 4 + 16 * ((b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0); // description
    p += 4 + 8 * ((b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0); // skills
    p += STEP[b[p]]; // hours_per_month
    p += STEP[b[p]]; // eur_per_year
    p += 8; // priority
    p += STEP[b[p]]; // since
    const m = (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
    if (!(m <= size - p)) return null;
    p += 4;
    for (let j = 0; j < m; j++) {
      p += 8; // partner
      p += STEP[b[p]]; // offer
      p += STEP[b[p]]; // since
    }
  }
  const lastReviewed = p;
  const end = p + STEP[b[p]];
  if (!(end <= size)) return null;
  pos = end;
  return [
    start, start + 8, summary, description, status, statusSince, lifecycle, categories,
    softwareType, complexity, technologies, origin, admittedOn, links, license, deployment,
    needs, lastReviewed,
  ];
}

function lazyNeeds() {
  const n = count();
  const out = new Array(n);
  const c = current;
  if (ixNeeds !== null) {
    // Version 2: the needs' rows in the index; needs are mostly read in project order.
    let row = c.ixNeedNext;
    if (n > 0 && !(row < ixNeedCount && ixNeeds[8 * row] === pos)) row = needRow(pos);
    if (row + n > ixNeedCount) throw fail('the index does not match the needs', pos);
    // A need's positions: its row's first entry in `ixNeeds` (a number: `subarray` is
    // self-hosted JavaScript in SpiderMonkey, dozens of interpreted steps per view).
    const all = c.needs ?? (c.needs = []);
    for (let i = 0; i < n; i++) all.push((out[i] = new Need(c, 8 * (row + i))));
    c.ixNeedNext = row + n;
    return out;
  }
  for (let i = 0; i < n; i++) {
    const at = needAt(pos);
    pos = at[8];
    out[i] = new Need(c, at);
  }
  return out;
}

/** The index row of the need that starts at `p` (the rows' starts only grow). */
function needRow(p) {
  let lo = 0;
  let hi = ixNeedCount;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ixNeeds[8 * mid] < p) lo = mid + 1;
    else hi = mid;
  }
  if (!(lo < ixNeedCount && ixNeeds[8 * lo] === p)) throw fail('the index does not match the needs', p);
  return lo;
}

function originOpt() {
  return some() ? { city: optStr(), community: optStr(), started: optStr() } : null;
}

function links() {
  return { homepage: optStr(), source: optStr(), info: optStr() };
}

function deploymentOpt() {
  return some() ? { mode: str(), cities: strs() } : null;
}

const INPUT = Symbol('input'); // the input a lazy record was decoded from
// Where each of its fields starts: an array of positions (version 1, from the walk), or the
// record's first entry in the index (version 2: `ixProjects` or `ixNeeds`).
const AT = Symbol('at');

function defineLazy(cls, readers, isNeed) {
  const names = readers.map(([name]) => name);
  readers.forEach(([name, read], i) => {
    const slot = Symbol(name); // the decoded value, once read or assigned
    Object.defineProperty(cls.prototype, name, {
      enumerable: true,
      configurable: true,
      get() {
        let value = this[slot];
        // `undefined` is never decoded (absent is `null`): not read yet, unless assigned.
        if (value === undefined && !(slot in this)) {
          const c = this[INPUT];
          if (c !== current) loadInput(c);
          const all = isNeed ? c.needs : c.projects;
          if (all !== null) {
            // Version 2: the field of every record of the input at once (see above).
            const table = isNeed ? ixNeeds : ixProjects;
            for (let k = 0; k < all.length; k++) {
              const r = all[k];
              if (r[slot] === undefined && !(slot in r)) {
                pos = table[r[AT] + i];
                r[slot] = read();
              }
            }
            value = this[slot];
          } else {
            // Version 1: the positions the walk noted for this record.
            pos = this[AT][i];
            value = this[slot] = read();
          }
        }
        return value;
      },
      set(value) {
        this[slot] = value;
      },
    });
  });
  cls.prototype.toJSON = function toJSON() {
    const out = {};
    for (const name of names) {
      const v = this[name];
      out[name] = Array.isArray(v) ? v.map((x) => (x instanceof Need ? x.toJSON() : x)) : v;
    }
    return out;
  };
}

/** A project of a validator's or scorer's input, decoded field by field when read. */
export class Project {
  constructor(input, at) {
    this[INPUT] = input;
    this[AT] = at;
  }
}

/** A need of a lazily decoded project, decoded field by field when read. */
export class Need {
  constructor(input, at) {
    this[INPUT] = input;
    this[AT] = at;
  }
}

defineLazy(Project, [
  ['id', str], ['name', str], ['summary', texts], ['description', texts], ['status', str],
  ['status_since', optStr], ['lifecycle', str], ['categories', strs], ['software_type', optStr],
  ['complexity', optStr], ['technologies', strs], ['origin', originOpt], ['admitted_on', optStr],
  ['links', links], ['license', str], ['deployment', deploymentOpt], ['needs', lazyNeeds],
  ['last_reviewed', optStr],
], false);
defineLazy(Need, [
  ['kind', str], ['description', texts], ['skills', strs], ['hours_per_month', optF64],
  ['eur_per_year', optF64], ['priority', str], ['since', optStr], ['supported_by', supportRefs],
], true);

function lazyProjects() {
  const n = count();
  const out = new Array(n);
  const c = current;
  if (ixProjects !== null) {
    // Version 2: each project's positions are its row of the index.
    if (n !== ixProjectCount || ixProjectsEnd > size) {
      throw fail('the index does not match the list of projects', pos);
    }
    for (let i = 0; i < n; i++) out[i] = new Project(c, 18 * i);
    c.projects = out;
    pos = ixProjectsEnd;
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = new Project(c, projectAtFast() ?? projectAt());
  return out;
}

function beginLazy(data, strings) {
  begin(data, strings);
  const p = pos;
  loadInput(saveInput());
  pos = p;
}

/**
 * For the SDK's tests: where each project's fields start, as `projectAtFast` (`fast`, null
 * for a project it refuses, and no further) or `projectAt` (which throws) finds them.
 */
export function _projectOffsets(data, strings, fast) {
  beginLazy(data, strings);
  try {
    const n = count();
    const out = [];
    for (let i = 0; i < n; i++) {
      const at = fast ? projectAtFast() : projectAt();
      out.push(at);
      if (at === null) break;
    }
    return out;
  } finally {
    reset();
  }
}

/**
 * Decodes a validator's input (`list<project>`) lazily: `Project` objects whose fields are
 * decoded when first read (see above). In version 1 the walk checks the input's structure
 * at once; in version 2 the host's index replaces the walk, and each field is checked when it
 * is read, as a string always is.
 */
export function decodeProjectsLazy(data, strings) {
  beginLazy(data, strings);
  const out = lazyProjects();
  end();
  return out;
}

/** `decodeScorerBatch` with lazily decoded projects (partners and offers are read whole). */
export function decodeScorerBatchLazy(data, strings) {
  beginLazy(data, strings);
  const projects = lazyProjects();
  const batch = { projects, partners: list(partner), offers: list(offer), candidates: candidates() };
  end();
  return batch;
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

/** The characters (Unicode scalar values) of `s`: its UTF-16 units less its surrogate pairs. */
function charLength(s) {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    n++;
  }
  return n;
}

// Version 3: what a string is sent escaped for, and the escapes JSON.stringify writes.
const NEEDS_ESCAPE = /[^\x00-\x7f]|\\/;
const ESCAPE = /["\\\x00-\x1f\u0080-\uffff]/g;
const SHORT_ESCAPES = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/**
 * `s` as the body of a JSON string literal in ASCII (version 3; as the Rust encoder writes
 * it). A lone surrogate, which no Rust string holds, is written as U+FFFD, as UTF-8 (versions
 * 1 and 2) writes it.
 */
function escapeJson(s) {
  return s
    .replace(LONE_SURROGATES, '\ufffd')
    .replace(ESCAPE, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The version an encoder writes: 1, 2 or 3 (`false` and `true` stand for 1 and 2). */
function versionOf(version) {
  const v = version === true ? 2 : version === false ? 1 : version;
  if (v !== 1 && v !== 2 && v !== 3) throw new RangeError(`not an encoding version: ${version}`);
  return v;
}

class Encoder {
  /**
   * Version 1, 2 or 3 (`true`: 2); in versions 2 and 3 the input holds one list of projects,
   * which the index describes.
   */
  constructor(version = 1) {
    this.buf = new Uint8Array(1024);
    this.view = new DataView(this.buf.buffer);
    this.len = 0;
    this.parts = [];
    this.stringsLen = 0;
    this.version = versionOf(version);
    this.indexed = this.version !== 1;
    this.projectsAt = -1;
    this.raw(this.indexed ? [0x64, 0x66, 0x62, 0x30 + this.version, 0, 0, 0, 0] : MAGIC_BYTES);
  }

  projects(items) {
    this.projectsAt = this.len;
    this.list(items, this.project);
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
    if (this.version === 3 && NEEDS_ESCAPE.test(s)) {
      const body = escapeJson(s);
      this.u32(this.stringsLen);
      this.u32(body.length + 0x80000000); // marked escaped
      this.parts.push(body);
      this.stringsLen += body.length;
      return;
    }
    const n = this.version === 1 ? utf8Length(s) : charLength(s);
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
    const strings = this.parts.join('');
    if (!this.indexed) return { data: this.buf.slice(0, this.len), strings };
    if (this.projectsAt < 0) throw new Error('an indexed input holds a list of projects');
    // The index, found by walking what was written as version 1 (positions 4 bytes less).
    const payload = this.buf.slice(4, this.len);
    payload.set(MAGIC_BYTES);
    const positions = [[], [], []];
    beginLazy(payload, strings);
    let projectsEnd;
    try {
      pos = this.projectsAt - 4;
      const n = count();
      for (let i = 0; i < n; i++) {
        const at = projectAt();
        positions[0].push(...at);
        let p = at[16] + 4;
        for (let j = countAt(at[16]); j > 0; j--) {
          const need = needAt(p, positions[2]);
          positions[1].push(...need.slice(0, 8));
          p = need[8];
        }
      }
      projectsEnd = pos;
    } finally {
      reset();
    }
    const indexAt = this.len;
    this.view.setUint32(4, indexAt, true);
    this.u32(projectsEnd + 4);
    this.u32(positions[0].length / 18);
    this.u32(positions[1].length / 8);
    this.u32(positions[2].length / 3);
    this.u32(this.version === 3 ? strings.length : charLength(strings));
    for (const table of positions) for (const at of table) this.u32(at + 4);
    return { data: this.buf.slice(0, this.len), strings };
  }
}

/**
 * Encodes a validator's input: `list<project>`, in `version` 1, 2 or 3 (`true`: 2). Returns
 * `{data, strings}`.
 */
export function encodeProjects(projects, version = 1) {
  const e = new Encoder(version);
  e.projects(projects);
  return e.finish();
}

/** Encodes a scorer's input `{projects, partners, offers, candidates}`. */
export function encodeScorerBatch(batch, version = 1) {
  const e = new Encoder(version);
  e.projects(batch.projects);
  e.list(batch.partners, e.partner);
  e.list(batch.offers, e.offer);
  e.list(batch.candidates, e.candidate);
  return e.finish();
}

/** Encodes an exporter's input `{city, projects, partners, offers}`. */
export function encodeCatalog(catalog, version = 1) {
  const e = new Encoder(version);
  e.city(catalog.city);
  e.projects(catalog.projects);
  e.list(catalog.partners, e.partner);
  e.list(catalog.offers, e.offer);
  return e.finish();
}
