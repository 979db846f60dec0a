"""Validate large JSON Lines catalogs with `digifarm validate` and, side by side on the same
records, with the loop a data person would write (orjson + jsonschema-rs, schema only), and
print wall time, peak memory and the ratios.

Inputs (written to --workdir, deterministic):

* realistic: Münster's public records (`digifarm export examples/muenster --format json`),
  copied to --records projects (default 100,000), each under its own id, as `projects.jsonl`
  at the root of a catalog with Münster's digifarm.toml, partners and offers (about 1.9 KB
  per record, 190 MB);
* small: --small minimal projects (default 1,000,007, about 200 MB) as one JSON Lines file
  given directly;
* yaml: --yaml of the realistic records (default 10,000) as one YAML file each
  (`projects/<id>.yaml`, written with PyYAML's `safe_dump`) in a catalog like the realistic
  one; the anchor there is a Python loop over the files with PyYAML's libyaml loader
  (`CSafeLoader`, the fastest YAML parser a data person would pick) + jsonschema-rs.

A second anchor, on the same inputs: pydantic v2, with the model generated from the same JSON
Schema by datamodel-code-generator (`extra="forbid"`, constraints as field constraints),
`Project.model_validate_json` per line (pydantic's own JSON parser, its fastest path) or
`Project.model_validate` per YAML file. pydantic's default lax mode coerces where the schema
refuses (`"4"` for a number); that is the validation a data person would get.

Each command runs in its own process, --repeat times (median wall time); the peak resident
memory is the kernel's figure for that process (`os.wait4`). The kernel counts the launching
process's own peak in it too (the child starts as its copy), so the inputs are written by a
separate process and this one stays small (about 10 MiB). digifarm does more than the
anchor: the typed model, the semantic rules (references, licences, dates, publiccode.yml
export readiness), positions and excerpts of every finding; the anchor checks the JSON
Schema only (`is_valid` per record).

Usage: python bench/compare_validate_cli.py [--binary target/release/digifarm] [--records N]
       [--small N] [--yaml N] [--repeat N] [--workdir DIR]
Requires: a release build (`cargo build --release -p digifarm-cli`), pip install orjson
jsonschema-rs pyyaml pydantic datamodel-code-generator (without the last two, the pydantic
anchor is skipped and says so).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "digifarm-core" / "schemas" / "project.schema.json"

# Each anchor is a checker's set-up (its arguments first) and a loop over the input (the last
# argument) that counts valid and invalid records; the loops stay inline, as a data person would
# write them, so that no extra call per record slows the anchor down.
SCHEMA_CHECKER = r"""
import sys, orjson, jsonschema_rs
validator = jsonschema_rs.validator_for(orjson.loads(open(sys.argv[1], "rb").read()))
"""

# The model module and its class are the first two arguments.
MODEL_CHECKER = r"""
import importlib.util, sys, pydantic
spec = importlib.util.spec_from_file_location("project_model", sys.argv[1])
module = sys.modules[spec.name] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
Project = getattr(module, sys.argv[2])
"""

# Each YAML file's record, or NOT_YAML for a file that does not parse (counted invalid).
YAML_RECORDS = r"""
import os, yaml
NOT_YAML = object()
def yaml_records(folder):
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            try:
                record = yaml.load(f, Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                record = NOT_YAML
        yield record
"""

ANCHOR = SCHEMA_CHECKER + r"""
valid = invalid = 0
with open(sys.argv[-1], "rb") as f:
    for line in f:
        if not line.strip():
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            invalid += 1
            continue
        if validator.is_valid(record):
            valid += 1
        else:
            invalid += 1
print(valid, invalid)
"""

ANCHOR_YAML = SCHEMA_CHECKER + YAML_RECORDS + r"""
valid = invalid = 0
for record in yaml_records(sys.argv[-1]):
    if record is not NOT_YAML and validator.is_valid(record):
        valid += 1
    else:
        invalid += 1
print(valid, invalid)
"""

# A record the model refuses (or that is not JSON) counts as invalid, as in the loops above.
ANCHOR_PYDANTIC = MODEL_CHECKER + r"""
valid = invalid = 0
with open(sys.argv[-1], "rb") as f:
    for line in f:
        if not line.strip():
            continue
        try:
            Project.model_validate_json(line)
            valid += 1
        except pydantic.ValidationError:
            invalid += 1
print(valid, invalid)
"""

ANCHOR_PYDANTIC_YAML = MODEL_CHECKER + YAML_RECORDS + r"""
valid = invalid = 0
for record in yaml_records(sys.argv[-1]):
    if record is NOT_YAML:
        invalid += 1
        continue
    try:
        Project.model_validate(record)
        valid += 1
    except pydantic.ValidationError:
        invalid += 1
print(valid, invalid)
"""

MODEL_CLASS = "Project"


def pydantic_model(work: pathlib.Path) -> pathlib.Path | None:
    """The pydantic v2 model of the project schema, generated into `work`; None (and a
    message) when pydantic or datamodel-code-generator is not installed."""
    try:
        import pydantic  # noqa: F401
        import datamodel_code_generator  # noqa: F401
    except ImportError:
        print("pydantic anchor: skipped (pip install pydantic datamodel-code-generator)")
        return None
    out = work / "project_model.py"
    subprocess.run(
        [sys.executable, "-m", "datamodel_code_generator", "--input", str(SCHEMA),
         "--input-file-type", "jsonschema", "--output-model-type", "pydantic_v2.BaseModel",
         "--class-name", MODEL_CLASS, "--extra-fields", "forbid", "--field-constraints",
         "--target-python-version", f"{sys.version_info.major}.{sys.version_info.minor}",
         "--disable-timestamp", "--formatters", "builtin", "--output", str(out)],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    return out


def run(cmd: list[str], ok: tuple[int, ...], capture: bool) -> tuple[float, int, str]:
    """Wall seconds, peak resident bytes and (with `capture`) stdout of one process. The
    output goes to a file, or is discarded (read here through a pipe, it would count in the
    next process's figure); an exit code not in `ok` stops the comparison."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out if capture else subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok:
            sys.exit(f"{cmd[0]} {cmd[1]} exited with {proc.returncode}")
        out.seek(0)
        return wall, usage.ru_maxrss * 1024, out.read().decode("utf-8", "replace")


def measure(
    name: str, cmd: list[str], repeat: int, ok: tuple[int, ...] = (0,), capture: bool = False
) -> tuple[float, int, str]:
    runs = [run(cmd, ok, capture) for _ in range(repeat)]
    wall = statistics.median(r[0] for r in runs)
    peak = max(r[1] for r in runs)
    print(f"  {name:<34} {wall:7.2f} s   peak {peak / 2**20:7.0f} MiB", flush=True)
    return wall, peak, runs[-1][2]


def realistic(binary: pathlib.Path, work: pathlib.Path, n: int) -> pathlib.Path:
    exported = work / "export"
    if exported.exists():
        shutil.rmtree(exported)
    subprocess.run(
        [str(binary), "export", str(ROOT / "examples" / "muenster"), "--format", "json", "--out", str(exported)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    records = json.loads((exported / "projects.json").read_text(encoding="utf-8"))
    catalog = work / "realistic"
    if catalog.exists():
        shutil.rmtree(catalog)
    catalog.mkdir()
    source = ROOT / "examples" / "muenster"
    shutil.copy(source / "digifarm.toml", catalog / "digifarm.toml")
    shutil.copytree(source / "partners", catalog / "partners")
    shutil.copytree(source / "offers", catalog / "offers")
    with open(catalog / "projects.jsonl", "w", encoding="utf-8") as f:
        for i in range(n):
            record = dict(records[i % len(records)])
            record["id"] = f"{record['id']}-{i}"
            f.write(json.dumps(record, ensure_ascii=False))
            f.write("\n")
    return catalog


def yaml_catalog(work: pathlib.Path, n: int) -> pathlib.Path:
    """The realistic records as one YAML file each, in a catalog like the realistic one."""
    import yaml  # only the input writer needs it

    records = json.loads((work / "export" / "projects.json").read_text(encoding="utf-8"))
    catalog = work / "yaml"
    if catalog.exists():
        shutil.rmtree(catalog)
    (catalog / "projects").mkdir(parents=True)
    source = ROOT / "examples" / "muenster"
    shutil.copy(source / "digifarm.toml", catalog / "digifarm.toml")
    shutil.copytree(source / "partners", catalog / "partners")
    shutil.copytree(source / "offers", catalog / "offers")
    for i in range(n):
        record = dict(records[i % len(records)])
        record["id"] = f"{record['id']}-{i}"
        with open(catalog / "projects" / f"{record['id']}.yaml", "w", encoding="utf-8") as f:
            yaml.safe_dump(record, f, allow_unicode=True, sort_keys=False)
    return catalog


def small(work: pathlib.Path, n: int) -> pathlib.Path:
    path = work / "small.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            f.write(
                json.dumps(
                    {
                        "id": f"projekt-{i}",
                        "name": f"Projekt {i}",
                        "summary": "Ein kleines Projekt für die Stadt Münster",
                        "status": "idea",
                        "lifecycle": "proposed",
                        "license": "EUPL-1.2",
                        "categories": ["Umwelt"],
                    },
                    ensure_ascii=False,
                )
            )
            f.write("\n")
    return path


def compare(
    title: str,
    binary: pathlib.Path,
    target: pathlib.Path,
    jsonl: pathlib.Path,
    repeat: int,
    model: pathlib.Path | None,
) -> None:
    if jsonl.is_dir():
        files = list(jsonl.iterdir())
        size = sum(f.stat().st_size for f in files)
        print(f"{title}: {len(files):,} records, {size / 2**20:.0f} MiB of YAML in {len(files):,} files")
        schema_anchor = ("PyYAML (libyaml) + jsonschema-rs", ANCHOR_YAML)
        model_anchor = ("PyYAML (libyaml) + pydantic v2", ANCHOR_PYDANTIC_YAML)
    else:
        size = jsonl.stat().st_size
        lines = sum(1 for _ in open(jsonl, "rb"))
        print(f"{title}: {lines:,} records, {size / 2**20:.0f} MiB of JSON Lines")
        schema_anchor = ("orjson + jsonschema-rs", ANCHOR)
        model_anchor = ("pydantic v2 (its JSON parser)", ANCHOR_PYDANTIC)
    anchors = [(*schema_anchor, [str(SCHEMA)])]
    if model is not None:
        anchors.append((*model_anchor, [str(model), MODEL_CLASS]))
    records = len(files) if jsonl.is_dir() else lines
    cmd = [str(binary), "validate", str(target), "--format", "json", "--today", "2022-09-01"]
    # Exit 1: the records have findings (the realistic ones do); anything else is a failure.
    ours, our_peak, _ = measure("digifarm validate", cmd, repeat, ok=(0, 1))
    results = []
    for name, script, inputs in anchors:
        anchor_cmd = [sys.executable, "-c", script, *inputs, str(jsonl)]
        theirs, their_peak, counted = measure(name, anchor_cmd, repeat, capture=True)
        valid, invalid = (int(x) for x in counted.split())
        if valid + invalid != records:
            sys.exit(f"{name} checked {valid + invalid} records of {records}")
        results.append((name, theirs, their_peak, invalid))
    print(f"  digifarm peak memory {our_peak / size:.2f}x the file")
    for name, theirs, their_peak, invalid in results:
        print(
            f"  {name}: {theirs / ours:.2f}x digifarm's wall time (ratio anchor / digifarm), "
            f"peak memory {their_peak / size:.2f}x the file, {invalid:,} records refused"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", type=pathlib.Path, default=ROOT / "target" / "release" / "digifarm")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000_007)
    parser.add_argument("--yaml", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=pathlib.Path, default=None)
    parser.add_argument("--write-inputs", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.yaml:
        try:
            import yaml

            yaml.CSafeLoader  # noqa: B018 (PyYAML built with libyaml)
        except (ImportError, AttributeError):
            sys.exit("the YAML case needs PyYAML with libyaml (pip install pyyaml), or --yaml 0")
    work = args.workdir or pathlib.Path(tempfile.mkdtemp(prefix="digifarm-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.write_inputs:
        realistic(args.binary, work, args.records)
        if args.small:
            small(work, args.small)
        if args.yaml:
            yaml_catalog(work, args.yaml)
        return
    subprocess.run(
        [sys.executable, __file__, "--write-inputs", "--workdir", str(work), "--binary", str(args.binary),
         "--records", str(args.records), "--small", str(args.small), "--yaml", str(args.yaml)],
        check=True,
    )
    print(f"machine: {os.cpu_count()} cores; inputs in {work}")
    model = pydantic_model(work)
    catalog = work / "realistic"
    compare("realistic (Münster's records)", args.binary, catalog, catalog / "projects.jsonl", args.repeat, model)
    if args.small:
        path = work / "small.jsonl"
        compare("small records", args.binary, path, path, args.repeat, model)
    if args.yaml:
        catalog = work / "yaml"
        compare("YAML files (Münster's records)", args.binary, catalog, catalog / "projects", args.repeat, model)
    else:
        print("YAML files: skipped (--yaml 0)")


if __name__ == "__main__":
    main()
