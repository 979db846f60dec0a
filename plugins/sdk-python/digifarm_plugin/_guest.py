"""The bridge between the WIT world a plugin exports and the SDK's classes. Used only inside a
component: ``digifarm-plugin build`` generates the app module that calls these functions.

Every call decodes the host's encoded input into the SDK's records, calls the plugin, and
checks the shape of what it returns before converting it to the WIT records. A Python
exception (the plugin's own, a decode error or a wrong shape) becomes the call's ``err``
string, which the host reports as the plugin's error. Only ``MemoryError`` is left to trap,
so that the host reports the memory cap the plugin ran into.
"""

from __future__ import annotations

import gc
from typing import Any, List

from componentize_py_types import Err  # type: ignore[import-not-found]
from wit_world.imports import types  # type: ignore[import-not-found]

from . import (
    KINDS,
    SEVERITIES,
    Diagnostic,
    ExportOutput,
    ImportOutput,
    Score,
    ScoreTerm,
    codec,
)
from .records import City, Deployment, Links, Need, Offer, Origin, Partner, Project, SupportRef, Text

_SEVERITY = {"error": types.Severity.ERROR, "warning": types.Severity.WARNING, "info": types.Severity.INFO}


def _begin_call() -> None:
    """Collects cyclic garbage after 100,000 new container objects instead of CPython's 2,000.
    A call decodes a batch into many small records, and each young collection walks them:
    a collection every 2,000 objects cost the Münster validator 8-9 % of its time (A/B in one
    bench run, 20,000 projects). Cycles are still collected, and a call's instance ends with
    the call, so what waits for a collection is bounded and short-lived."""
    gc.set_threshold(100_000)


def find_plugin(module: Any, kind: str) -> Any:
    """The one class in ``module`` that implements ``kind``, instantiated."""
    base = KINDS[kind]
    found = [
        v for v in vars(module).values()
        if isinstance(v, type) and issubclass(v, base) and v is not base and v.__module__ == module.__name__
    ]
    if len(found) != 1:
        raise RuntimeError(f"{module.__name__} must define exactly one {base.__name__} subclass, found {len(found)}")
    return found[0]()


def _failure(e: BaseException) -> Err:
    if isinstance(e, MemoryError):
        # Out of memory is the sandbox's verdict, not the plugin's error: let it trap, and the
        # host reports the memory cap the plugin hit.
        raise e
    # The innermost frame, read from the traceback itself: `traceback` would open the source
    # file to quote its line, and a plugin has no files.
    where = ""
    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is not None:
        code = tb.tb_frame.f_code
        where = f" ({code.co_filename.rsplit('/', 1)[-1]}, line {tb.tb_lineno}, in {code.co_name})"
    return Err(f"{type(e).__name__}: {e}{where}")


def _shape(what: str) -> TypeError:
    return TypeError(f"invalid output: {what}")


def _list(value: Any, what: str) -> List[Any]:
    if not isinstance(value, (list, tuple)):
        raise _shape(f"{what} must return a list, not {type(value).__name__}")
    return list(value)


def _str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise _shape(f"{what} must be a str, not {type(value).__name__}")
    return value


def _opt_str(value: Any, what: str):
    return None if value is None else _str(value, what)


def _num(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _shape(f"{what} must be a number, not {type(value).__name__}")
    return float(value)


def _opt_num(value: Any, what: str):
    return None if value is None else _num(value, what)


def _city(c: Any) -> City:
    return City(c.name, c.ags, list(c.languages), c.website)


def _diagnostic(d: Any, i: int) -> Any:
    if not isinstance(d, Diagnostic):
        raise _shape(f"finding {i} is a {type(d).__name__}, not a Diagnostic")
    w = f"finding {i}"
    if d.severity not in _SEVERITY:
        raise _shape(f"{w}: severity must be one of {', '.join(SEVERITIES)}, not {d.severity!r}")
    return types.Diagnostic(
        subject=_str(d.subject, f"{w}: subject"),
        code=_str(d.code, f"{w}: code"),
        severity=_SEVERITY[d.severity],
        pointer=_str(d.pointer, f"{w}: pointer"),
        message=_str(d.message, f"{w}: message"),
        help=_opt_str(d.help, f"{w}: help"),
    )


def validate(plugin: Any, city: Any, projects: Any) -> List[Any]:
    _begin_call()
    try:
        records = codec.decode_projects(projects.data, projects.strings)
        out = _list(plugin.validate(_city(city), records), "validate")
        return [_diagnostic(d, i) for i, d in enumerate(out)]
    except Exception as e:  # the plugin's error, not a trap
        raise _failure(e) from None


def _score(s: Any, i: int) -> Any:
    if isinstance(s, Score):
        terms = _list(s.terms, f"score {i}: terms")
        wit_terms = []
        for j, t in enumerate(terms):
            if not isinstance(t, ScoreTerm):
                raise _shape(f"score {i}: term {j} is a {type(t).__name__}, not a ScoreTerm")
            wit_terms.append(types.ScoreTerm(
                name=_str(t.name, f"score {i}: term {j}: name"),
                value=_num(t.value, f"score {i}: term {j}: value"),
                explanation=_str(t.explanation, f"score {i}: term {j}: explanation"),
            ))
        return types.Score(value=_num(s.value, f"score {i}: value"), terms=wit_terms)
    return types.Score(value=_num(s, f"score {i}"), terms=[])


def score(plugin: Any, city: Any, candidates: Any) -> List[Any]:
    _begin_call()
    try:
        batch = codec.decode_scorer_batch(candidates.data, candidates.strings)
        out = _list(plugin.score(_city(city), batch.resolve()), "score")
        return [_score(s, i) for i, s in enumerate(out)]
    except Exception as e:
        raise _failure(e) from None


def export_catalog(plugin: Any, catalog: Any) -> Any:
    _begin_call()
    try:
        records = codec.decode_catalog(catalog.data, catalog.strings)
        out = plugin.export(records)
        if not isinstance(out, ExportOutput):
            raise _shape(f"export must return an ExportOutput, not {type(out).__name__}")
        data = out.data.encode("utf-8") if isinstance(out.data, str) else out.data
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise _shape(f"ExportOutput.data must be bytes or str, not {type(data).__name__}")
        return types.ExportOutput(media_type=_str(out.media_type, "ExportOutput.media_type"), bytes=bytes(data))
    except Exception as e:
        raise _failure(e) from None


def _texts(items: Any, what: str) -> List[Any]:
    out = []
    for t in _list(items, what):
        if not isinstance(t, Text):
            raise _shape(f"{what} must hold Text, not {type(t).__name__}")
        out.append(types.Text(lang=_str(t.lang, f"{what}: lang"), value=_str(t.value, f"{what}: value")))
    return out


def _strs(items: Any, what: str) -> List[str]:
    return [_str(s, what) for s in _list(items, what)]


def _typed(value: Any, cls: type, what: str) -> Any:
    if not isinstance(value, cls):
        raise _shape(f"{what} must be a {cls.__name__}, not {type(value).__name__}")
    return value


def _wit_need(n: Any, w: str) -> Any:
    n = _typed(n, Need, w)
    refs = []
    for j, r in enumerate(_list(n.supported_by, f"{w}.supported_by")):
        r = _typed(r, SupportRef, f"{w}.supported_by[{j}]")
        refs.append(types.SupportRef(
            partner=_str(r.partner, f"{w}.supported_by[{j}].partner"),
            offer=_opt_str(r.offer, f"{w}.supported_by[{j}].offer"),
            since=_opt_str(r.since, f"{w}.supported_by[{j}].since"),
        ))
    return types.Need(
        kind=_str(n.kind, f"{w}.kind"),
        description=_texts(n.description, f"{w}.description"),
        skills=_strs(n.skills, f"{w}.skills"),
        hours_per_month=_opt_num(n.hours_per_month, f"{w}.hours_per_month"),
        eur_per_year=_opt_num(n.eur_per_year, f"{w}.eur_per_year"),
        priority=_str(n.priority, f"{w}.priority"),
        since=_opt_str(n.since, f"{w}.since"),
        supported_by=refs,
    )


def _wit_project(p: Any, i: int) -> Any:
    w = f"projects[{i}]"
    p = _typed(p, Project, w)
    origin = None
    if p.origin is not None:
        o = _typed(p.origin, Origin, f"{w}.origin")
        origin = types.Origin(
            city=_opt_str(o.city, f"{w}.origin.city"),
            community=_opt_str(o.community, f"{w}.origin.community"),
            started=_opt_str(o.started, f"{w}.origin.started"),
        )
    links = _typed(p.links, Links, f"{w}.links")
    deployment = None
    if p.deployment is not None:
        d = _typed(p.deployment, Deployment, f"{w}.deployment")
        deployment = types.Deployment(mode=_str(d.mode, f"{w}.deployment.mode"), cities=_strs(d.cities, f"{w}.deployment.cities"))
    return types.Project(
        id=_str(p.id, f"{w}.id"),
        name=_str(p.name, f"{w}.name"),
        summary=_texts(p.summary, f"{w}.summary"),
        description=_texts(p.description, f"{w}.description"),
        status=_str(p.status, f"{w}.status"),
        status_since=_opt_str(p.status_since, f"{w}.status_since"),
        lifecycle=_str(p.lifecycle, f"{w}.lifecycle"),
        categories=_strs(p.categories, f"{w}.categories"),
        software_type=_opt_str(p.software_type, f"{w}.software_type"),
        complexity=_opt_str(p.complexity, f"{w}.complexity"),
        technologies=_strs(p.technologies, f"{w}.technologies"),
        origin=origin,
        admitted_on=_opt_str(p.admitted_on, f"{w}.admitted_on"),
        links=types.Links(
            homepage=_opt_str(links.homepage, f"{w}.links.homepage"),
            source=_opt_str(links.source, f"{w}.links.source"),
            info=_opt_str(links.info, f"{w}.links.info"),
        ),
        license=_str(p.license, f"{w}.license"),
        deployment=deployment,
        needs=[_wit_need(n, f"{w}.needs[{j}]") for j, n in enumerate(_list(p.needs, f"{w}.needs"))],
        last_reviewed=_opt_str(p.last_reviewed, f"{w}.last_reviewed"),
    )


def _wit_partner(p: Any, i: int) -> Any:
    w = f"partners[{i}]"
    p = _typed(p, Partner, w)
    return types.Partner(
        id=_str(p.id, f"{w}.id"),
        name=_str(p.name, f"{w}.name"),
        kind=_str(p.kind, f"{w}.kind"),
        sectors=_strs(p.sectors, f"{w}.sectors"),
        region=_opt_str(p.region, f"{w}.region"),
        website=_opt_str(p.website, f"{w}.website"),
    )


def _wit_offer(o: Any, i: int) -> Any:
    w = f"offers[{i}]"
    o = _typed(o, Offer, w)
    cap = o.capacity
    projects = cap.projects
    if projects is not None and (isinstance(projects, bool) or not isinstance(projects, int) or not 0 <= projects < 2**32):
        raise _shape(f"{w}.capacity.projects must be an int in [0, 2**32), not {projects!r}")
    if not isinstance(o.remote, bool):
        raise _shape(f"{w}.remote must be a bool, not {type(o.remote).__name__}")
    return types.Offer(
        id=_str(o.id, f"{w}.id"),
        partner=_str(o.partner, f"{w}.partner"),
        kind=_str(o.kind, f"{w}.kind"),
        description=_texts(o.description, f"{w}.description"),
        skills=_strs(o.skills, f"{w}.skills"),
        topics=_strs(o.topics, f"{w}.topics"),
        regions=_strs(o.regions, f"{w}.regions"),
        remote=o.remote,
        capacity=types.Capacity(projects=projects, hours_per_month=_opt_num(cap.hours_per_month, f"{w}.capacity.hours_per_month")),
        budget_eur_per_year=_opt_num(o.budget_eur_per_year, f"{w}.budget_eur_per_year"),
        license_requirement=_opt_str(o.license_requirement, f"{w}.license_requirement"),
        valid_from=_opt_str(o.valid_from, f"{w}.valid_from"),
        valid_until=_opt_str(o.valid_until, f"{w}.valid_until"),
    )


def import_records(plugin: Any, media_type: str, data: bytes) -> Any:
    _begin_call()
    try:
        out = plugin.import_records(media_type, bytes(data))
        if not isinstance(out, ImportOutput):
            raise _shape(f"import_records must return an ImportOutput, not {type(out).__name__}")
        return types.ImportOutput(
            projects=[_wit_project(p, i) for i, p in enumerate(_list(out.projects, "ImportOutput.projects"))],
            partners=[_wit_partner(p, i) for i, p in enumerate(_list(out.partners, "ImportOutput.partners"))],
            offers=[_wit_offer(o, i) for i, o in enumerate(_list(out.offers, "ImportOutput.offers"))],
            diagnostics=[_diagnostic(d, i) for i, d in enumerate(_list(out.diagnostics, "ImportOutput.diagnostics"))],
        )
    except Exception as e:
        raise _failure(e) from None
