"""The Python SDK in plain Python: the codec's round trip and its errors, the host stand-in,
the build command's refusals. (Inside a component, the host's conformance suite checks the
codec against the host's encoder: plugins/digifarm-plugin-host/tests/conformance.rs.)"""

import copy
import dataclasses
import math
import pickle
import struct
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from digifarm_plugin import Diagnostic, host
from digifarm_plugin.codec import (
    DecodeError,
    decode_catalog,
    decode_projects,
    decode_scorer_batch,
    encode_catalog,
    encode_projects,
    encode_scorer_batch,
)
from digifarm_plugin.records import (
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

ROOT = Path(__file__).resolve().parents[3]


def sample_catalog() -> Catalog:
    full = Project(
        id="gießkanne-𝔘",
        name="Gieß den Kiez — Münster ✓",
        summary=[Text("", "Bäume gießen"), Text("en", "Water trees 🌳")],
        description=[Text("de", "x" * 300)],
        status="in-development",
        status_since="2024-05-01",
        lifecycle="admitted",
        categories=["umwelt", "daten"],
        software_type="standalone/web",
        complexity="medium",
        technologies=["Python", "Vue"],
        origin=Origin("Münster", None, "2022-03-01"),
        admitted_on="2022-06-01",
        links=Links("https://example.org", None, "https://example.org/info"),
        license="EUPL-1.2 OR MIT",
        deployment=Deployment("city", ["Münster", "Köln"]),
        needs=[
            Need("technical", [Text("", "Hilfe")], ["rust"], 12.5, None, "high", "2024-01-01",
                 [SupportRef("citeq", "citeq-dev", "2024-02-01"), SupportRef("codeformuenster")]),
            Need("financial", [], [], None, 1e9, "normal", None, []),
        ],
        last_reviewed=None,
    )
    bare = Project(id="bare", name="", license="MIT", links=Links())
    partner = Partner("citeq", "citeq", "public-body", ["it"], "Münster", None)
    offer = Offer("citeq-dev", "citeq", "technical", [Text("", "Entwicklung")], ["rust"], ["daten"],
                  ["05515000"], True, Capacity(3, 0.5), -0.0, "OSI", "2024-01-01", None)
    offer2 = Offer("money", "citeq", "financial", capacity=Capacity(None, None), budget_eur_per_year=math.inf)
    return Catalog(City("Münster", "05515000", ["de", "en"], "https://www.stadt-muenster.de"),
                   [full, bare], [partner], [offer, offer2])


class Codec(unittest.TestCase):
    def test_catalog_round_trip(self):
        catalog = sample_catalog()
        data, strings = encode_catalog(catalog)
        self.assertEqual(data[:4], b"dfb1")
        self.assertEqual(decode_catalog(data, strings), catalog)

    def test_negative_zero_and_infinity_survive(self):
        back = decode_catalog(*encode_catalog(sample_catalog()))
        self.assertEqual(math.copysign(1, back.offers[0].budget_eur_per_year), -1.0)
        self.assertEqual(back.offers[1].budget_eur_per_year, math.inf)

    def test_projects_and_scorer_batch_round_trip(self):
        c = sample_catalog()
        self.assertEqual(decode_projects(*encode_projects(c.projects)), c.projects)
        batch = ScorerBatch(c.projects, c.partners, c.offers, [(0, 1, 0, 0), (0, 0, 1, 0)])
        back = decode_scorer_batch(*encode_scorer_batch(batch))
        self.assertEqual(back, batch)
        resolved = back.resolve()
        self.assertEqual(resolved[0].need.kind, "financial")
        self.assertEqual(resolved[1].offer.id, "money")
        batch.candidates.append((0, 5, 0, 0))
        with self.assertRaisesRegex(ValueError, "candidate 2 refers to a record not in the batch"):
            decode_scorer_batch(*encode_scorer_batch(batch)).resolve()

    def test_lazy_projects_behave_as_projects(self):
        cat = sample_catalog()
        data, strings = encode_projects(cat.projects)
        lazy = decode_projects(data, strings)
        self.assertTrue(all(isinstance(p, Project) for p in lazy))
        self.assertTrue(all(isinstance(n, Need) for p in lazy for n in p.needs))
        # Read out of order and twice, against the originals.
        for p, want in reversed(list(zip(lazy, cat.projects))):
            for name in ("license", "needs", "id", "links", "origin", "summary", "deployment", "needs"):
                self.assertEqual(getattr(p, name), getattr(want, name), name)
        fresh = decode_projects(data, strings)
        self.assertEqual(fresh, cat.projects)
        self.assertEqual(cat.projects, fresh)
        self.assertEqual(repr(fresh[0]), repr(cat.projects[0]))
        self.assertEqual(dataclasses.asdict(fresh[0]), dataclasses.asdict(cat.projects[0]))
        copied = copy.deepcopy(fresh[0])
        self.assertIs(type(copied), Project)
        self.assertEqual(copied, cat.projects[0])
        renamed = dataclasses.replace(fresh[0], name="neu")
        self.assertEqual(renamed.name, "neu")
        self.assertEqual(renamed.id, cat.projects[0].id)
        fresh[0].license = "EUPL-1.2"
        self.assertEqual(fresh[0].license, "EUPL-1.2")
        self.assertNotEqual(fresh[0], cat.projects[0])
        with self.assertRaises(AttributeError):
            fresh[0].no_such_field

    def test_a_field_is_decoded_for_the_whole_call_and_never_over_a_plugins_value(self):
        cat = sample_catalog()
        self.assertGreater(len(cat.projects), 1)
        data, strings = encode_projects(cat.projects)
        lazy = decode_projects(data, strings)
        # Set on one project before any project's licence was read, then read on another.
        lazy[0].license = "set by the plugin"
        self.assertEqual(lazy[1].license, cat.projects[1].license)
        self.assertEqual(lazy[0].license, "set by the plugin")
        # A deleted field stays deleted; others read on.
        del lazy[1].name
        with self.assertRaises(AttributeError):
            lazy[1].name
        self.assertEqual(lazy[0].name, cat.projects[0].name)
        # Reordering the list the plugin got does not mix up the records.
        lazy.reverse()
        self.assertEqual([p.id for p in lazy], [p.id for p in reversed(cat.projects)])
        needs = [n for p in lazy for n in p.needs]
        want = [n for p in reversed(cat.projects) for n in p.needs]
        self.assertEqual([n.supported_by for n in needs], [n.supported_by for n in want])

    def test_small_records_are_lazy_too_and_behave_as_records(self):
        cat = sample_catalog()
        for indexed in (False, True):
            data, strings = encode_projects(cat.projects, indexed=indexed)
            lazy = decode_projects(data, strings)
            small = [(p.origin, want.origin) for p, want in zip(lazy, cat.projects)]
            small += [(p.links, want.links) for p, want in zip(lazy, cat.projects)]
            small += [(p.deployment, want.deployment) for p, want in zip(lazy, cat.projects)]
            small += [
                (s, w)
                for p, want in zip(lazy, cat.projects)
                for n, wn in zip(p.needs, want.needs)
                for s, w in zip(n.supported_by, wn.supported_by)
            ]
            self.assertTrue(any(w is not None for _, w in small))
            self.assertTrue(any(isinstance(w, SupportRef) for _, w in small))
            for got, want in small:
                if want is None:
                    self.assertIsNone(got)
                    continue
                self.assertIsInstance(got, type(want))
                # Assigned before any of its kind was read: kept.
                first = dataclasses.fields(want)[0].name
                setattr(got, first, "set by the plugin")
                self.assertEqual(getattr(got, first), "set by the plugin")
                setattr(got, first, getattr(want, first))
                self.assertEqual(got, want)
                self.assertEqual(repr(got), repr(want))
                self.assertEqual(dataclasses.asdict(got), dataclasses.asdict(want))
                self.assertIs(type(copy.deepcopy(got)), type(want))
                self.assertEqual(pickle.loads(pickle.dumps(got)), want)
            self.assertEqual(lazy, cat.projects)

    def test_a_bad_string_in_one_project_surfaces_when_its_field_is_read_on_any(self):
        projects = [Project(id="a", name="b", license="MIT"), Project(id="c", name="d", license="MIT")]
        data, strings = encode_projects(projects)
        c = strings.index("cd")  # the second project's id and name (ASCII: bytes are characters)
        at = data.index(struct.pack("<II", c, 1))  # the second project's id, "c"
        bad = data[:at] + struct.pack("<II", c, 999) + data[at + 8:]
        first, second = decode_projects(bad, strings)
        self.assertEqual(second.name, "d")
        with self.assertRaisesRegex(DecodeError, f"string out of bounds at byte {at}"):
            first.id

    def test_wrong_version_is_refused(self):
        data, strings = encode_projects([])
        with self.assertRaisesRegex(DecodeError, "does not start with `dfb1` or `dfb2`"):
            decode_projects(b"dfb3" + data[4:], strings)

    def test_every_truncation_is_an_error(self):
        data, strings = encode_catalog(sample_catalog())
        for end in range(4, len(data)):
            with self.assertRaises(DecodeError, msg=f"cut at {end}"):
                decode_catalog(data[:end], strings)
        with self.assertRaisesRegex(DecodeError, "trailing bytes"):
            decode_catalog(data + b"\0", strings)

    def test_strings_out_of_bounds_or_inside_a_character(self):
        # A project's strings are checked when the field is read (projects decode lazily).
        p = Project(id="a", name="b", license="MIT")
        data, strings = encode_projects([p])
        bad = data[:8] + struct.pack("<II", 0, 99) + data[16:]
        (lazy,) = decode_projects(bad, strings)
        self.assertEqual(lazy.name, "b")
        with self.assertRaisesRegex(DecodeError, "string out of bounds at byte 8"):
            lazy.id
        (lazy,) = decode_projects(data[:8] + struct.pack("<II", 0, 1) + data[16:], "ü" + strings[1:])
        with self.assertRaisesRegex(DecodeError, "character boundaries"):
            lazy.id
        # Other records are read whole.
        data, strings = encode_catalog(Catalog(City("a"), [], [Partner("p", "q", "r")], []))
        at = 4  # the city's name: offset 0, length 1
        self.assertEqual(data[at:at + 8], struct.pack("<II", 0, 1))
        with self.assertRaisesRegex(DecodeError, "string out of bounds"):
            decode_catalog(data[:at] + struct.pack("<II", 0, 99) + data[at + 8:], strings)
        # An empty string past the end of the text is out of bounds too, as for the host.
        with self.assertRaisesRegex(DecodeError, "string out of bounds at byte 4"):
            decode_catalog(data[:at] + struct.pack("<II", 99, 0) + data[at + 8:], strings)
        data, strings = encode_projects([Project(id="a", name="b")])
        (lazy,) = decode_projects(data[:8] + struct.pack("<II", 99, 0) + data[16:], strings)
        with self.assertRaisesRegex(DecodeError, "string out of bounds at byte 8"):
            lazy.id

    def test_bad_tags_and_huge_counts(self):
        p = Project(id="a", name="b", license="MIT")
        data, strings = encode_projects([p])
        # The byte after the first project's id, name, summary, description and status is
        # status_since's option tag.
        at = 4 + 4 + 8 + 8 + 4 + 4 + 8
        self.assertEqual(data[at], 0)
        with self.assertRaisesRegex(DecodeError, "bad option tag"):
            decode_projects(data[:at] + b"\x07" + data[at + 1:], strings)
        # origin's tag, after lifecycle, categories, software_type, complexity, technologies
        at += 1 + 8 + 4 + 1 + 1 + 4
        self.assertEqual(data[at], 0)
        with self.assertRaisesRegex(DecodeError, "bad option tag"):
            decode_projects(data[:at] + b"\x02" + data[at + 1:], strings)
        with self.assertRaisesRegex(DecodeError, "list longer than the input"):
            decode_projects(b"dfb1" + struct.pack("<I", 2**32 - 1), "")


class Version2(unittest.TestCase):
    """Encoding version 2: strings as character offsets, and the host's index of where each
    project's, need's and supporter's fields start. The conformance suite runs the same
    decoder on the host's own version-2 inputs."""

    def test_round_trips(self):
        c = sample_catalog()
        data, strings = encode_catalog(c, indexed=True)
        self.assertEqual(data[:4], b"dfb2")
        self.assertEqual(strings, encode_catalog(c)[1])
        self.assertEqual(decode_catalog(data, strings), c)
        self.assertEqual(decode_projects(*encode_projects(c.projects, indexed=True)), c.projects)
        batch = ScorerBatch(c.projects, c.partners, c.offers, [(0, 1, 0, 0), (0, 0, 1, 0)])
        self.assertEqual(decode_scorer_batch(*encode_scorer_batch(batch, indexed=True)), batch)
        self.assertEqual(decode_projects(*encode_projects([], indexed=True)), [])

    def test_strings_are_character_offsets(self):
        data, strings = encode_projects([Project(id="𝔘ü", name="ß", license="MIT")], indexed=True)
        # The first project's id, then its name: right after the count.
        at = 12
        self.assertEqual(struct.unpack_from("<IIII", data, at), (0, 2, 2, 1))
        self.assertEqual(decode_projects(data, strings)[0].name, "ß")

    def test_the_index_and_the_walk_agree_field_by_field(self):
        rng = __import__("random").Random(7)
        words = ["", "a", "Münster", "🚲 Lastenrad", "Straße\n\"x\"", "ü" * 40]

        def opt():
            return rng.choice(words) if rng.random() < 0.5 else None

        def need():
            refs = [SupportRef(rng.choice(words), opt(), opt()) for _ in range(rng.randrange(3))]
            texts = [Text(rng.choice(words), rng.choice(words)) for _ in range(rng.randrange(3))]
            return Need(rng.choice(words), texts, [rng.choice(words) for _ in range(rng.randrange(3))],
                        rng.choice([None, 1.5]), rng.choice([None, -0.0]), rng.choice(words), opt(), refs)

        def project(i):
            return Project(
                f"p{i}", rng.choice(words), [Text("", rng.choice(words))] * rng.randrange(3), [], rng.choice(words),
                opt(), rng.choice(words), [rng.choice(words)] * rng.randrange(3), opt(), opt(),
                [rng.choice(words)] * rng.randrange(3), rng.choice([None, Origin(opt(), opt(), opt())]), opt(),
                Links(opt(), opt(), opt()), rng.choice(words),
                rng.choice([None, Deployment(rng.choice(words), [rng.choice(words)] * rng.randrange(3))]),
                [need() for _ in range(rng.randrange(4))], opt(),
            )

        for round in range(30):
            projects = [project(i) for i in range(rng.randrange(1, 12))]
            walked = decode_projects(*encode_projects(projects))
            indexed = decode_projects(*encode_projects(projects, indexed=True))
            # Fields read one at a time, in an order that differs per round.
            names = [f.name for f in dataclasses.fields(Project)]
            rng.shuffle(names)
            for name in names:
                self.assertEqual([getattr(p, name) for p in indexed], [getattr(p, name) for p in walked], name)
            self.assertEqual(indexed, projects, f"round {round}")

    def test_an_index_that_disagrees_is_refused(self):
        c = sample_catalog()
        data, strings = encode_projects(c.projects, indexed=True)
        index_at = struct.unpack_from("<I", data, 4)[0]

        def with_head(projects_end, projects, needs, supporters, chars):
            head = struct.pack("<IIIII", projects_end, projects, needs, supporters, chars)
            return data[:index_at] + head + data[index_at + 20:]

        end, n, needs, supporters, chars = struct.unpack_from("<IIIII", data, index_at)
        self.assertEqual((n, needs, supporters, chars), (2, 2, 2, len(strings)))
        for bad, what in (
            (with_head(end, n + 1, needs, supporters, chars), "does not fill the rest"),
            (with_head(index_at + 1, n, needs, supporters, chars), "does not match the list of projects"),
            (with_head(end - 1, n, needs, supporters, chars), "trailing bytes"),
            (with_head(end, n, needs, supporters, chars + 1), "does not count the characters"),
        ):
            with self.assertRaisesRegex(DecodeError, what):
                decode_projects(bad, strings)
        # Records that disagree with the index: the first project's needs (row field 16) and its
        # first need's supporters (need field 7), each one fewer.
        at_needs = struct.unpack_from("<I", data, index_at + 20 + 4 * 16)[0]
        at_supported_by = struct.unpack_from("<I", data, index_at + 20 + 72 * 2 + 4 * 7)[0]
        for at, count, what in ((at_needs, 2, "needs"), (at_supported_by, 2, "supporters")):
            self.assertEqual(struct.unpack_from("<I", data, at)[0], count)
            bad = data[:at] + struct.pack("<I", count - 1) + data[at + 4:]
            with self.assertRaisesRegex(DecodeError, f"the index does not match the {what}"):
                [n.supported_by for p in decode_projects(bad, strings) for n in p.needs]
        for cut in range(len(data)):
            with self.assertRaises(DecodeError, msg=f"cut at {cut}"):
                decode_projects(data[:cut], strings)

    def test_counts_and_tags_are_checked_without_a_walk(self):
        # No walk vouches for a version-2 payload: a huge count and a tag other than 0 or 1
        # are refused when their field is read, as version 1 refuses them at once.
        data, strings = encode_projects([Project("a", "b", categories=["x"])], indexed=True)
        index_at = struct.unpack_from("<I", data, 4)[0]
        row = struct.unpack_from("<18I", data, index_at + 20)
        at = row[7]  # categories: a count
        huge = data[:at] + struct.pack("<I", 0xFFFFFFFF) + data[at + 4:]
        with self.assertRaisesRegex(DecodeError, "list longer than the input"):
            decode_projects(huge, strings)[0].categories
        # `links` is a record of three options: its first tag is read with its first field.
        for field, column, inner in (
            ("status_since", 5, None), ("origin", 11, None), ("deployment", 15, None), ("links", 13, "homepage"),
        ):
            at = row[column]
            bad = data[:at] + b"\x02" + data[at + 1:]
            with self.assertRaisesRegex(DecodeError, "bad option tag", msg=field):
                value = getattr(decode_projects(bad, strings)[0], field)
                if inner is not None:
                    getattr(value, inner)
            if inner is not None:
                # A later field's position depends on that tag.
                with self.assertRaisesRegex(DecodeError, "bad option tag", msg=field):
                    decode_projects(bad, strings)[0].links.info
        # Eager reads stop at the payload's end, as in version 1.
        data, strings = encode_catalog(sample_catalog(), indexed=True)
        cut = struct.unpack_from("<I", data, 4)[0]
        index = data[cut:]
        # The payload 8 bytes shorter, the index moved with it: the last offer is cut off.
        shorter = data[:4] + struct.pack("<I", cut - 8) + data[8:cut - 8] + index
        with self.assertRaisesRegex(DecodeError, "unexpected end"):
            decode_catalog(shorter, strings)


class Host(unittest.TestCase):
    def test_the_stand_in_answers_outside_a_component(self):
        host.local.config["city_partners"] = "citeq"
        host.local.licenses["MIT"] = True
        self.assertEqual(host.config("city_partners"), "citeq")
        self.assertIsNone(host.config("missing"))
        self.assertTrue(host.check_license("MIT").allowed)
        self.assertFalse(host.check_license("LicenseRef-Proprietary").allowed)
        host.log("warn", "careful")
        self.assertEqual(host.local.lines[-1], ("warn", "careful"))
        with self.assertRaisesRegex(ValueError, "log level"):
            host.log("loud", "x")

    def test_the_muenster_example_runs_in_plain_python(self):
        sys.path.insert(0, str(ROOT / "plugins" / "examples-python" / "muenster-admission"))
        try:
            from muenster_admission import MuensterAdmission
        finally:
            sys.path.pop(0)
        host.local.config["city_partners"] = "citeq"
        host.local.licenses.update({"EUPL-1.2": True, "LicenseRef-Proprietary": False})
        good = Project(id="good", name="Good", lifecycle="admitted", license="EUPL-1.2",
                       origin=Origin("Münster"), links=Links(source="https://example.org/r"))
        bad = Project(id="bad", name="Bad", lifecycle="proposed", license="LicenseRef-Proprietary",
                      origin=Origin("Berlin"), links=Links(source="http://example.org/r"))
        found = MuensterAdmission().validate(City("Münster"), [good, bad])
        self.assertTrue(all(isinstance(d, Diagnostic) for d in found))
        self.assertEqual(sorted((d.subject, d.code, d.severity, d.pointer) for d in found), [
            ("bad", "city-link", "warning", ""),
            ("bad", "license-not-open", "warning", "/license"),
            ("bad", "source-repository", "warning", "/links/source"),
        ])


class Build(unittest.TestCase):
    def build(self, source: str, *args: str) -> subprocess.CompletedProcess:
        tmp = Path(tempfile.mkdtemp())
        app = tmp / "plug.py"
        app.write_text(source)
        return subprocess.run([sys.executable, "-m", "digifarm_plugin", "build", str(app), *args],
                              capture_output=True, text=True)

    def test_refusals_name_the_problem(self):
        r = self.build("x = 1\n", "--id", "p")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no plugin class", r.stderr)
        two = ("from digifarm_plugin import Validator, Scorer\n"
               "class A(Validator): pass\nclass B(Scorer): pass\n")
        r = self.build(two, "--id", "p")
        self.assertEqual(r.returncode, 1)
        self.assertIn("more than one plugin class (A (validator), B (scorer))", r.stderr)
        r = self.build("raise RuntimeError('at import')\n", "--id", "p")
        self.assertIn("importing it failed: RuntimeError: at import", r.stderr)
        one = "from digifarm_plugin import Validator\nclass A(Validator): pass\n"
        r = self.build(one, "--id", "Not Kebab")
        self.assertIn("--id 'Not Kebab': use a kebab-case id", r.stderr)
        r = self.build(one, "--id", "p", "--kind", "scorer")
        self.assertIn("--kind scorer given, but the module defines a validator", r.stderr)
        r = self.build(one, "--id", "p", "--capabilities", "network")
        self.assertIn("unknown capability 'network'", r.stderr)


if __name__ == "__main__":
    unittest.main()
