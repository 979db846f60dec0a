"""The conformance suite's Python plugin: decodes the catalog the host sends and encodes it
again with the SDK's encoder. Output: u32 little-endian length of `data`, `data`, then the
UTF-8 of `strings`; the host's test decodes it and compares every field with what it sent."""

import struct

from digifarm_plugin import Exporter, ExportOutput
from digifarm_plugin.codec import encode_catalog


class Conformance(Exporter):
    def export(self, catalog):
        data, strings = encode_catalog(catalog)
        return ExportOutput("application/octet-stream", struct.pack("<I", len(data)) + data + strings.encode("utf-8"))
