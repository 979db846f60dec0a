// `TextEncoder` and `TextDecoder` (UTF-8 only) for engines without them: QuickJS has neither
// (StarlingMonkey and Node have both, and keep their own). Installed on `globalThis` when
// absent, so plugin code written against the web platform's names runs on either engine
// (`encode`, `encodeInto`, `decode` of a whole input; `stream: true` is refused).
//
// The common case runs in the engine's native code: `encodeURIComponent` and
// `decodeURIComponent` do the UTF-8 work (the latter refuses any invalid sequence, as
// `fatal: true` must), `escape`/`unescape` map between their %XX form and one character per
// byte. Lone surrogates (encoding) and invalid bytes (decoding without `fatal`) take a loop
// that replaces them with U+FFFD as the Encoding Standard says.

const CHUNK = 8192;

function wellFormed(s) {
  if (typeof s.toWellFormed === 'function') return s.toWellFormed();
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out += s[i] + s[i + 1];
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += '\ufffd';
    else out += s[i];
  }
  return out;
}

function bytesOf(input) {
  if (input === undefined) return new Uint8Array(0);
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (typeof SharedArrayBuffer === 'function' && input instanceof SharedArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new TypeError('TextDecoder.decode expects an ArrayBuffer or a view of one');
}

/** One character per byte (`\u0000`–`\u00ff`). */
function binary(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + CHUNK));
  }
  return out;
}

/** UTF-8 with each invalid sequence replaced by U+FFFD (the Encoding Standard's decoder). */
function decodeReplacing(b) {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      out += String.fromCharCode(c);
      i++;
      continue;
    }
    let need = 0;
    let cp = 0;
    let lower = 0x80;
    let upper = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      cp = c & 0x0f;
      if (c === 0xe0) lower = 0xa0;
      if (c === 0xed) upper = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      cp = c & 0x07;
      if (c === 0xf0) lower = 0x90;
      if (c === 0xf4) upper = 0x8f;
    } else {
      out += '\ufffd';
      i++;
      continue;
    }
    let j = i + 1;
    let ok = true;
    for (let k = 0; k < need; k++, j++) {
      const d = b[j];
      if (d === undefined || d < lower || d > upper) {
        ok = false;
        break;
      }
      lower = 0x80;
      upper = 0xbf;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (ok) {
      out += String.fromCodePoint(cp);
      i = j;
    } else {
      out += '\ufffd';
      i = j; // the maximal subpart is dropped; the offending byte starts the next sequence
    }
  }
  return out;
}

export class TextEncoderUtf8 {
  get encoding() {
    return 'utf-8';
  }

  encode(input = '') {
    const s = String(input);
    let bin;
    try {
      bin = unescape(encodeURIComponent(s));
    } catch {
      bin = unescape(encodeURIComponent(wellFormed(s)));
    }
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  /** Encodes as much of `source` as fits in `destination`, whole characters only. */
  encodeInto(source, destination) {
    if (!(destination instanceof Uint8Array)) throw new TypeError('encodeInto expects a Uint8Array destination');
    const s = wellFormed(String(source));
    let read = 0;
    let written = 0;
    while (read < s.length) {
      const cp = s.codePointAt(read);
      const units = cp > 0xffff ? 2 : 1;
      const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (written + n > destination.length) break;
      if (n === 1) destination[written] = cp;
      else {
        const bytes = this.encode(s.slice(read, read + units));
        destination.set(bytes, written);
      }
      read += units;
      written += n;
    }
    return { read, written };
  }
}

const LABELS = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8', 'unicode11utf8', 'unicode20utf8', 'x-unicode20utf8']);

export class TextDecoderUtf8 {
  #fatal;
  #ignoreBOM;

  constructor(label = 'utf-8', options = {}) {
    if (!LABELS.has(String(label).replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '').toLowerCase())) {
      throw new RangeError(`TextDecoder: only UTF-8 is available here, not \`${label}\``);
    }
    this.#fatal = Boolean(options?.fatal);
    this.#ignoreBOM = Boolean(options?.ignoreBOM);
  }

  get encoding() {
    return 'utf-8';
  }

  get fatal() {
    return this.#fatal;
  }

  get ignoreBOM() {
    return this.#ignoreBOM;
  }

  decode(input, options) {
    // Streaming would need the state of a sequence cut between two chunks: refused rather
    // than decoded wrongly.
    if (options?.stream) throw new TypeError('TextDecoder: `stream: true` is not available here; decode the whole input at once');
    let b = bytesOf(input);
    if (!this.#ignoreBOM && b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
    let bin;
    try {
      bin = escape(binary(b));
      return decodeURIComponent(bin);
    } catch (e) {
      if (bin === undefined || !(e instanceof URIError)) throw e; // not a matter of UTF-8
      if (this.#fatal) throw new TypeError('The encoded data was not valid UTF-8');
      return decodeReplacing(b);
    }
  }
}

if (typeof globalThis.TextEncoder !== 'function') globalThis.TextEncoder = TextEncoderUtf8;
if (typeof globalThis.TextDecoder !== 'function') globalThis.TextDecoder = TextDecoderUtf8;
