// The JS SDK's codec held to the host's: an exporter (id `conformance-js`) that decodes the
// catalog with the SDK's decoder and encodes it again with the SDK's encoder. Output: the
// u32 little-endian length of the re-encoded `data`, then `data` (starting `dfb1`, payload
// `catalog`), then the UTF-8 bytes of the re-encoded `strings`. A host test compares it with
// what the host's encoder sent (the Rust codec appends strings in the same order, so the two
// must be byte for byte equal).

import { defineExporter, encodeCatalog } from 'digifarm-plugin';

export const exporter = defineExporter((catalog) => {
  const { data, strings } = encodeCatalog(catalog);
  const text = new TextEncoder().encode(strings);
  const out = new Uint8Array(4 + data.length + text.length);
  new DataView(out.buffer).setUint32(0, data.length, true);
  out.set(data, 4);
  out.set(text, 4 + data.length);
  return { media_type: 'application/octet-stream', bytes: out };
});
