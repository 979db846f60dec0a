// The UTF-8 TextEncoder and TextDecoder the SDK installs where the engine has none (QuickJS),
// against Node's own on the same inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDecoderUtf8, TextEncoderUtf8 } from '../src/text.js';

let seed = 12345;
const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);

test('encoding agrees with Node, lone surrogates included', () => {
  const pieces = ['a', 'ü', '€', '🌳', '\ud800', '\udc00', '\u0000', '%', '+', ' ', '\uffff', 'Münster'];
  const mine = new TextEncoderUtf8();
  const node = new TextEncoder();
  for (let round = 0; round < 2000; round++) {
    let s = '';
    for (let n = next() % 12; n > 0; n--) s += pieces[next() % pieces.length];
    assert.deepEqual(mine.encode(s), node.encode(s), JSON.stringify(s));
  }
  assert.deepEqual(mine.encode(), new Uint8Array(0));
  assert.equal(mine.encoding, 'utf-8');
});

test('decoding agrees with Node on random and on damaged bytes, fatal or not', () => {
  const enc = new TextEncoder();
  for (let round = 0; round < 3000; round++) {
    const b = Array.from(enc.encode('aü€🌳%+ x'.repeat(1 + (next() % 3))));
    for (let n = next() % 4; n > 0; n--) b[next() % b.length] = next() % 256;
    if (next() % 3 === 0) b.length = next() % (b.length + 1);
    const bytes = new Uint8Array(b);
    for (const fatal of [false, true]) {
      const node = new TextDecoder('utf-8', { fatal });
      const mine = new TextDecoderUtf8('utf-8', { fatal });
      let want;
      try {
        want = node.decode(bytes);
      } catch {
        want = TypeError;
      }
      if (want === TypeError) assert.throws(() => mine.decode(bytes), TypeError, `${b}`);
      else assert.equal(mine.decode(bytes), want, `${b} fatal=${fatal}`);
    }
  }
  // A byte-order mark is dropped unless asked to keep it; views and buffers decode alike.
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, 0x61]);
  assert.equal(new TextDecoderUtf8().decode(bom), 'a');
  assert.equal(new TextDecoderUtf8('utf8', { ignoreBOM: true }).decode(bom), '\ufeffa');
  assert.equal(new TextDecoderUtf8().decode(bom.buffer), 'a');
  assert.equal(new TextDecoderUtf8().decode(new DataView(bom.buffer, 3)), 'a');
  assert.equal(new TextDecoderUtf8().decode(), '');
  assert.throws(() => new TextDecoderUtf8('latin1'), RangeError);
});

test('long text crosses the chunks of the byte string', () => {
  const s = 'Lastenrad für alle 🚲 '.repeat(5000);
  const bytes = new TextEncoderUtf8().encode(s);
  assert.deepEqual(bytes, new TextEncoder().encode(s));
  assert.equal(new TextDecoderUtf8('utf-8', { fatal: true }).decode(bytes), s);
});

test('encodeInto writes whole characters only, as Node does', () => {
  const pieces = ['a', 'ü', '€', '🌳', '\ud800', 'x'];
  const mine = new TextEncoderUtf8();
  const node = new TextEncoder();
  for (let round = 0; round < 1000; round++) {
    let s = '';
    for (let n = next() % 8; n > 0; n--) s += pieces[next() % pieces.length];
    const size = next() % 12;
    const a = new Uint8Array(size);
    const b = new Uint8Array(size);
    assert.deepEqual(mine.encodeInto(s, a), node.encodeInto(s, b), JSON.stringify(s));
    assert.deepEqual(a, b, JSON.stringify(s));
  }
});

test('what the polyfill refuses or accepts beyond whole UTF-8 input', () => {
  // Streaming is refused, not decoded wrongly chunk by chunk.
  assert.throws(() => new TextDecoderUtf8().decode(new Uint8Array([0xc3]), { stream: true }), TypeError);
  // Labels: ASCII whitespace around the name only.
  assert.equal(new TextDecoderUtf8('\t UTF-8 \n').encoding, 'utf-8');
  assert.throws(() => new TextDecoderUtf8('\u00a0utf-8'), RangeError);
  // A shared buffer decodes like any other.
  const shared = new SharedArrayBuffer(2);
  new Uint8Array(shared).set([0xc3, 0xa9]);
  assert.equal(new TextDecoderUtf8('utf-8', { fatal: true }).decode(shared), 'é');
});
