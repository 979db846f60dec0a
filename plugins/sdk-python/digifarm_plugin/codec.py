"""The encoded input of a plugin call (WIT ``types.encoded``), read and written in Python.

The layout is specified once, in the WIT document (``wit/plugin.wit``, record ``encoded``) and
the Rust crate ``digifarm-plugin-codec``; this module follows it field by field and the
conformance suite (host test ``tests/conformance.rs``) holds it to the host's encoder.

``data`` starts with ``b"dfb1"``, then the payload: values little-endian, fields in WIT
declaration order. ``string``: u32 byte offset and u32 byte length into the UTF-8 of
``strings``; ``option<T>``: byte 0, or byte 1 and a ``T``; ``list<T>``: u32 count and the
items; ``f64``: 8 bytes IEEE 754; ``bool``: byte 0 or 1; ``candidate``: four u32.
"""

from __future__ import annotations

import struct
from typing import Any, List, Optional, Tuple

from .records import (
    Capacity,
    Catalog,
    City,
    Deployment,
    Links,
    Need,
    Offer,
    Origin,
    Partner,
    Project,
    ScorerBatch,
    SupportRef,
    Text,
)

MAGIC = b"dfb1"

_U32 = struct.Struct("<I")
_F64 = struct.Struct("<d")
_STR = struct.Struct("<II")
_CAND = struct.Struct("<IIII")
# The bytes an option takes by its tag, in the walks that skip fields: 1 when absent, 9 when
# it holds a string (offset, length) or an f64; any other tag is `None`, a `TypeError` there.
_OPTION = (1, 9) + (None,) * 254


class DecodeError(ValueError):
    """The input does not follow the layout (a host speaking another encoding version)."""


class Decoder:
    """Reads one encoded input: ``data`` (bytes) and ``strings`` (str).

    Written for CPython inside a component, where every Python call counts: fields are read
    with as few calls as possible, a string is a slice of ``strings`` itself when the text is
    ASCII (byte offsets are character offsets then) and a decoded slice of its UTF-8
    otherwise, and truncation surfaces as ``struct.error``/``IndexError``, which the
    ``decode_*`` functions turn into :class:`DecodeError`."""

    __slots__ = ("buf", "text", "ascii", "pos")

    def __init__(self, data: bytes, strings: str):
        if bytes(data[:4]) != MAGIC:
            raise DecodeError("cannot decode the host's input: it does not start with `dfb1` (encoding version 1)")
        self.buf = bytes(data)
        self.ascii = strings.isascii()
        self.text = strings if self.ascii else strings.encode("utf-8")
        self.pos = 4

    def _err(self, what: str) -> DecodeError:
        return DecodeError(f"cannot decode the host's input: {what} at byte {self.pos}")

    def finish(self) -> None:
        """Fails unless every byte was read."""
        if self.pos != len(self.buf):
            raise self._err("trailing bytes")

    def u32(self) -> int:
        v = _U32.unpack_from(self.buf, self.pos)[0]
        self.pos += 4
        return v

    def f64(self) -> float:
        v = _F64.unpack_from(self.buf, self.pos)[0]
        self.pos += 8
        return v

    def _flag(self, what: str) -> bool:
        b = self.buf[self.pos]
        if b > 1:
            raise self._err(what)
        self.pos += 1
        return b == 1

    def bool(self) -> bool:
        return self._flag("bad bool")

    def present(self) -> bool:
        return self._flag("bad option tag")

    def str(self) -> str:
        off, length = _STR.unpack_from(self.buf, self.pos)
        end = off + length
        s = self.text[off:end]
        if len(s) != length:
            raise self._err("string out of bounds")
        if not self.ascii:
            try:
                s = s.decode("utf-8")
            except UnicodeDecodeError:
                raise self._err("string not on character boundaries") from None
        self.pos += 8
        return s

    def opt_str(self) -> Optional[str]:
        b = self.buf[self.pos]
        if b == 0:
            self.pos += 1
            return None
        if b != 1:
            raise self._err("bad option tag")
        self.pos += 1
        return self.str()

    def opt_f64(self) -> Optional[float]:
        b = self.buf[self.pos]
        if b == 0:
            self.pos += 1
            return None
        if b != 1:
            raise self._err("bad option tag")
        v = _F64.unpack_from(self.buf, self.pos + 1)[0]
        self.pos += 9
        return v

    def count(self) -> int:
        n = _U32.unpack_from(self.buf, self.pos)[0]
        # Every item takes at least one byte: a count beyond the rest is malformed.
        if n > len(self.buf) - self.pos - 4:
            raise self._err("list longer than the input")
        self.pos += 4
        return n

    def strs(self) -> List[str]:
        n = self.count()
        s = self.str
        return [s() for _ in range(n)] if n else []

    def localized(self) -> List[Text]:
        n = self.count()
        if not n:
            return []
        s = self.str
        return [Text(s(), s()) for _ in range(n)]

    def partner(self) -> Partner:
        s, o = self.str, self.opt_str
        return Partner(s(), s(), s(), self.strs(), o(), o())

    def offer(self) -> Offer:
        s, o = self.str, self.opt_str
        oid = s()
        partner = s()
        kind = s()
        description = self.localized()
        skills = self.strs()
        topics = self.strs()
        regions = self.strs()
        remote = self.bool()
        projects = self.u32() if self.present() else None
        capacity = Capacity(projects, self.opt_f64())
        budget = self.opt_f64()
        return Offer(
            oid, partner, kind, description, skills, topics, regions, remote, capacity,
            budget, o(), o(), o(),
        )

    def city(self) -> City:
        return City(self.str(), self.opt_str(), self.strs(), self.opt_str())

    def list(self, item) -> list:
        """A ``list<T>`` of records, each read by ``item``."""
        n = self.count()
        return [item() for _ in range(n)]

    def projects(self) -> List[Project]:
        """The projects of a call, each decoded lazily (:class:`_LazyProject`)."""
        n = self.count()
        return [self._lazy_project() for _ in range(n)]

    def _lazy_project(self) -> Project:
        """Walks one project without building anything, noting where each field starts,
        and returns a project that decodes a field when it is first read.

        The walk is a tenth of what decoding every field costs; a plugin reads a few
        fields of each project (a validator its links and licence, a scorer its origin),
        so the descriptions, categories and needs it never reads are never built."""
        buf, u, opt, pos = self.buf, _U32.unpack_from, _OPTION, self.pos
        # id, name: two strings; summary, description: localized lists.
        at_summary = pos + 16
        at_description = at_summary + 4 + 16 * u(buf, at_summary)[0]
        at_status = at_description + 4 + 16 * u(buf, at_description)[0]
        at_status_since = at_status + 8
        at_lifecycle = at_status_since + opt[buf[at_status_since]]
        at_categories = at_lifecycle + 8
        at_software_type = at_categories + 4 + 8 * u(buf, at_categories)[0]
        at_complexity = at_software_type + opt[buf[at_software_type]]
        at_technologies = at_complexity + opt[buf[at_complexity]]
        at_origin = at_technologies + 4 + 8 * u(buf, at_technologies)[0]
        pos = at_origin + 1
        if buf[at_origin] > 1:
            raise TypeError
        if buf[at_origin]:
            pos += opt[buf[pos]]
            pos += opt[buf[pos]]
            pos += opt[buf[pos]]
        at_admitted_on = pos
        at_links = pos + opt[buf[pos]]
        pos = at_links
        pos += opt[buf[pos]]
        pos += opt[buf[pos]]
        pos += opt[buf[pos]]
        at_license = pos
        at_deployment = pos + 8
        if buf[at_deployment] > 1:
            raise TypeError
        if buf[at_deployment]:
            pos = at_deployment + 9
            pos += 4 + 8 * u(buf, pos)[0]
        else:
            pos = at_deployment + 1
        at_needs = pos
        n = u(buf, pos)[0]
        pos += 4
        for _ in range(n):  # needs: kind, description, skills, hours, eur, priority, since
            pos += 8
            pos += 4 + 16 * u(buf, pos)[0]
            pos += 4 + 8 * u(buf, pos)[0]
            pos += opt[buf[pos]]
            pos += opt[buf[pos]]
            pos += 8
            pos += opt[buf[pos]]
            m = u(buf, pos)[0]
            pos += 4
            for _ in range(m):  # supported_by: partner, offer, since
                pos += 8
                pos += opt[buf[pos]]
                pos += opt[buf[pos]]
        at_last_reviewed = pos
        self.pos = pos + opt[buf[pos]]
        if self.pos > len(buf):
            raise self._err("unexpected end")
        return _LazyProject._at_offsets(self, (
            at_summary - 16, at_summary - 8, at_summary, at_description, at_status,
            at_status_since, at_lifecycle, at_categories, at_software_type, at_complexity,
            at_technologies, at_origin, at_admitted_on, at_links, at_license, at_deployment,
            at_needs, at_last_reviewed,
        ))

    def _need_offsets(self, pos: int) -> Tuple[int, ...]:
        """Where each field of the need at ``pos`` starts, and where the need ends."""
        buf, u, opt = self.buf, _U32.unpack_from, _OPTION
        at_description = pos + 8
        at_skills = at_description + 4 + 16 * u(buf, at_description)[0]
        at_hours = at_skills + 4 + 8 * u(buf, at_skills)[0]
        at_eur = at_hours + opt[buf[at_hours]]
        at_priority = at_eur + opt[buf[at_eur]]
        at_since = at_priority + 8
        at_supported_by = at_since + opt[buf[at_since]]
        m = u(buf, at_supported_by)[0]
        end = at_supported_by + 4
        for _ in range(m):
            end += 8
            end += opt[buf[end]]
            end += opt[buf[end]]
        return (pos, at_description, at_skills, at_hours, at_eur, at_priority, at_since, at_supported_by, end)

    def lazy_needs(self) -> List[Need]:
        """A ``list<need>``, each need decoded lazily (:class:`_LazyNeed`)."""
        n = self.count()
        out = []
        for _ in range(n):
            at = self._need_offsets(self.pos)
            self.pos = at[-1]
            out.append(_LazyNeed._at_offsets(self, at))
        return out

    def partners(self) -> List[Partner]:
        return self.list(self.partner)

    def offers(self) -> List[Offer]:
        return self.list(self.offer)

    def candidates(self) -> List[Tuple[int, int, int, int]]:
        n = self.count()
        out = list(_CAND.iter_unpack(self.buf[self.pos:self.pos + 16 * n]))
        if len(out) != n:
            raise self._err("unexpected end")
        self.pos += 16 * n
        return out


def _read_origin(d: Decoder) -> Optional[Origin]:
    o = d.opt_str
    return Origin(o(), o(), o()) if d.present() else None


def _read_links(d: Decoder) -> Links:
    o = d.opt_str
    return Links(o(), o(), o())


def _read_deployment(d: Decoder) -> Optional[Deployment]:
    return Deployment(d.str(), d.strs()) if d.present() else None


# Project's and need's fields in WIT declaration order, each with the function that reads it.
_PROJECT_READERS = (
    ("id", Decoder.str),
    ("name", Decoder.str),
    ("summary", Decoder.localized),
    ("description", Decoder.localized),
    ("status", Decoder.str),
    ("status_since", Decoder.opt_str),
    ("lifecycle", Decoder.str),
    ("categories", Decoder.strs),
    ("software_type", Decoder.opt_str),
    ("complexity", Decoder.opt_str),
    ("technologies", Decoder.strs),
    ("origin", _read_origin),
    ("admitted_on", Decoder.opt_str),
    ("links", _read_links),
    ("license", Decoder.str),
    ("deployment", _read_deployment),
    ("needs", Decoder.lazy_needs),
    ("last_reviewed", Decoder.opt_str),
)
_NEED_READERS = (
    ("kind", Decoder.str),
    ("description", Decoder.localized),
    ("skills", Decoder.strs),
    ("hours_per_month", Decoder.opt_f64),
    ("eur_per_year", Decoder.opt_f64),
    ("priority", Decoder.str),
    ("since", Decoder.opt_str),
    ("supported_by", lambda d: d.list(lambda: SupportRef(d.str(), d.opt_str(), d.opt_str()))),
)

_UNSET = object()


def _lazy(record: type, readers: tuple) -> type:
    """A subclass of the dataclass ``record`` whose fields are decoded from the host's input
    when first read, and kept.

    It is a ``record`` for ``isinstance``, attribute reads and writes, ``repr``,
    ``dataclasses.fields``/``asdict``/``replace`` and equality (with eager records too);
    ``copy`` and ``pickle`` give an eager ``record``."""
    names = tuple(name for name, _ in readers)
    assert names == tuple(record.__dataclass_fields__), f"the layout follows {record.__name__}"
    count = len(names)

    def field(i: int, read: Any) -> property:
        def get(self: Any) -> Any:
            v = self._v[i]
            if v is _UNSET:
                d = self._d
                d.pos = self._at[i]
                try:
                    v = read(d)
                except (struct.error, IndexError) as e:
                    raise d._err("unexpected end") from e
                self._v[i] = v
            return v

        def set(self: Any, value: Any) -> None:
            try:
                self._v[i] = value
            except AttributeError:  # built by the dataclass's __init__ (`dataclasses.replace`)
                self._v = [_UNSET] * count
                self._v[i] = value

        return property(get, set)

    def at_offsets(d: Decoder, at: Tuple[int, ...]) -> Any:
        r = object.__new__(cls)
        r._d = d
        r._at = at
        r._v = [_UNSET] * count
        return r

    def eq(self: Any, other: object) -> Any:
        if isinstance(other, record):
            return all(getattr(self, n) == getattr(other, n) for n in names)
        return NotImplemented

    def reduce(self: Any) -> Any:
        return (record, tuple(getattr(self, n) for n in names))

    body: dict = {name: field(i, read) for i, (name, read) in enumerate(readers)}
    body.update(
        __slots__=("_d", "_at", "_v"),
        __eq__=eq,
        __hash__=None,
        __reduce__=reduce,
        __doc__=record.__doc__,
        _at_offsets=staticmethod(at_offsets),
    )
    cls = type(record.__name__, (record,), body)
    cls.__qualname__ = record.__qualname__
    return cls


_LazyProject = _lazy(Project, _PROJECT_READERS)
_LazyNeed = _lazy(Need, _NEED_READERS)


def _decode(data: bytes, strings: str, read):
    d = Decoder(data, strings)
    try:
        value = read(d)
    except (struct.error, IndexError, ValueError) as e:
        if isinstance(e, DecodeError):
            raise
        raise d._err("unexpected end") from None
    except TypeError:
        raise d._err("bad option tag in the record") from None
    d.finish()
    return value


def decode_projects(data: bytes, strings: str) -> List[Project]:
    """A validator's input: ``list<project>``."""
    return _decode(data, strings, Decoder.projects)


def decode_scorer_batch(data: bytes, strings: str) -> ScorerBatch:
    """A scorer's input: projects, partners, offers and candidates."""
    return _decode(data, strings, lambda d: ScorerBatch(d.projects(), d.partners(), d.offers(), d.candidates()))


def decode_catalog(data: bytes, strings: str) -> Catalog:
    """An exporter's input: ``city``, projects, partners, offers."""
    return _decode(data, strings, lambda d: Catalog(d.city(), d.projects(), d.partners(), d.offers()))


class Encoder:
    """Writes records in the same layout (for tests and for plugins that pass records on)."""

    __slots__ = ("data", "strings", "_len")

    def __init__(self) -> None:
        self.data = bytearray(MAGIC)
        self.strings: List[str] = []
        self._len = 0

    def finish(self) -> Tuple[bytes, str]:
        """``(data, strings)``, as the host would send them."""
        return bytes(self.data), "".join(self.strings)

    def u32(self, v: int) -> None:
        self.data += _U32.pack(v)

    def f64(self, v: float) -> None:
        self.data += _F64.pack(v)

    def bool(self, v: bool) -> None:
        self.data.append(1 if v else 0)

    def str(self, v: str) -> None:
        n = len(v.encode("utf-8"))
        self.data += _STR.pack(self._len, n)
        self.strings.append(v)
        self._len += n

    def opt(self, v, write) -> None:
        if v is None:
            self.data.append(0)
        else:
            self.data.append(1)
            write(v)

    def opt_str(self, v: Optional[str]) -> None:
        self.opt(v, self.str)

    def opt_f64(self, v: Optional[float]) -> None:
        self.opt(v, self.f64)

    def strs(self, items: List[str]) -> None:
        self.list(items, self.str)

    def localized(self, items: List[Text]) -> None:
        self.u32(len(items))
        for t in items:
            self.str(t.lang)
            self.str(t.value)

    def need(self, n: Need) -> None:
        self.str(n.kind)
        self.localized(n.description)
        self.strs(n.skills)
        self.opt_f64(n.hours_per_month)
        self.opt_f64(n.eur_per_year)
        self.str(n.priority)
        self.opt_str(n.since)
        self.u32(len(n.supported_by))
        for r in n.supported_by:
            self.str(r.partner)
            self.opt_str(r.offer)
            self.opt_str(r.since)

    def project(self, p: Project) -> None:
        self.str(p.id)
        self.str(p.name)
        self.localized(p.summary)
        self.localized(p.description)
        self.str(p.status)
        self.opt_str(p.status_since)
        self.str(p.lifecycle)
        self.strs(p.categories)
        self.opt_str(p.software_type)
        self.opt_str(p.complexity)
        self.strs(p.technologies)

        def origin(o: Origin) -> None:
            self.opt_str(o.city)
            self.opt_str(o.community)
            self.opt_str(o.started)

        self.opt(p.origin, origin)
        self.opt_str(p.admitted_on)
        self.opt_str(p.links.homepage)
        self.opt_str(p.links.source)
        self.opt_str(p.links.info)
        self.str(p.license)

        def deployment(d: Deployment) -> None:
            self.str(d.mode)
            self.strs(d.cities)

        self.opt(p.deployment, deployment)
        self.list(p.needs, self.need)
        self.opt_str(p.last_reviewed)

    def partner(self, p: Partner) -> None:
        self.str(p.id)
        self.str(p.name)
        self.str(p.kind)
        self.strs(p.sectors)
        self.opt_str(p.region)
        self.opt_str(p.website)

    def offer(self, o: Offer) -> None:
        self.str(o.id)
        self.str(o.partner)
        self.str(o.kind)
        self.localized(o.description)
        self.strs(o.skills)
        self.strs(o.topics)
        self.strs(o.regions)
        self.bool(o.remote)
        self.opt(o.capacity.projects, self.u32)
        self.opt_f64(o.capacity.hours_per_month)
        self.opt_f64(o.budget_eur_per_year)
        self.opt_str(o.license_requirement)
        self.opt_str(o.valid_from)
        self.opt_str(o.valid_until)

    def city(self, c: City) -> None:
        self.str(c.name)
        self.opt_str(c.ags)
        self.strs(c.languages)
        self.opt_str(c.website)

    def list(self, items, write) -> None:
        """A ``list<T>``: its count, then each item written by ``write``."""
        self.u32(len(items))
        for item in items:
            write(item)

    def projects(self, items: List[Project]) -> None:
        self.list(items, self.project)

    def partners(self, items: List[Partner]) -> None:
        self.list(items, self.partner)

    def offers(self, items: List[Offer]) -> None:
        self.list(items, self.offer)

    def candidates(self, items) -> None:
        self.u32(len(items))
        for c in items:
            self.data += _CAND.pack(*c)


def encode_projects(projects: List[Project]) -> Tuple[bytes, str]:
    e = Encoder()
    e.projects(projects)
    return e.finish()


def encode_scorer_batch(batch: ScorerBatch) -> Tuple[bytes, str]:
    e = Encoder()
    e.projects(batch.projects)
    e.partners(batch.partners)
    e.offers(batch.offers)
    e.candidates(batch.candidates)
    return e.finish()


def encode_catalog(catalog: Catalog) -> Tuple[bytes, str]:
    e = Encoder()
    e.city(catalog.city)
    e.projects(catalog.projects)
    e.partners(catalog.partners)
    e.offers(catalog.offers)
    return e.finish()
