"""civic.json files read into digifarm records, as a Python importer plugin: the same reading
as the Rust example `plugins/examples/civic-json` (same ids, statuses, needs, codes and
messages; the host's tests compare the two record by record).

Input: one civic.json object, or a JSON array of them, in either common variant:
- BetaNYC (`status`, `name`, `description`, `bornAt`, `geography`, `type`,
  `needs: [{"need": …}]`, `categories: [{"category": …}]`, `moreInfo`, `repository`);
- DCgov (`status`, `name`, `description`, `license`, `type`, `geography`, `tags`,
  `homepage`, `repository`, `partners`).

Contact fields (`contact`, emails) are personal data and are not imported. Ids are made from
the name (or the repository's last path segment). A missing licence becomes `NOASSERTION`
plus a `license-missing` finding rather than a guess.
"""

import json

from digifarm_plugin import Diagnostic, ImportOutput, Importer, Links, Need, Origin, Project, Text

STATUSES = {
    "idea": ("idea", "concept", "proposed"),
    "in-development": ("alpha", "beta", "in development", "development", "prototype", "pilot"),
    "live": ("production", "live", "released", "active", "stable"),
    "paused": ("paused", "inactive", "on hold"),
    "archived": ("archived", "retired", "deprecated", "decommissioned"),
}
UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}


def slug(s):
    out = "".join(UMLAUTS.get(c, c if c.isascii() and c.isalnum() else "-") for c in s.lower())
    return "-".join(p for p in out.split("-") if p)[:80].rstrip("-")


def string(v, key):
    """A non-empty trimmed string under `key`, else None."""
    s = v.get(key)
    if isinstance(s, str) and s.strip():
        return s.strip()
    return None


def status(raw):
    if raw is not None:
        lowered = raw.strip().lower()
        for status, names in STATUSES.items():
            if lowered in names:
                return status, True
    return "in-development", False


def need_kind(need):
    n = need.lower()
    if any(k in n for k in ("fund", "money", "sponsor", "donat", "financ")):
        return "financial"
    if any(k in n for k in ("writ", "content", "translat", "data entry", "research", "outreach")):
        return "content"
    return "technical"


def texts_of(v, key, inner):
    """The strings of the list under `key`: each item a string or an object with `inner`."""
    items = v.get(key)
    out = []
    if isinstance(items, list):
        for item in items:
            s = item.get(inner) if isinstance(item, dict) else item
            if isinstance(s, str):
                out.append(s)
    return out


def project(v, index, out):
    repository = string(v, "repository") or string(v, "repositoryUrl") or string(v, "code")
    name = string(v, "name") or string(v, "title")
    if name is None and repository is not None:
        name = repository.rstrip("/").rsplit("/", 1)[-1]
    if name is None:
        out.diagnostics.append(Diagnostic.error(
            "", "name-missing", f"/{index}",
            f"civic.json entry {index} has neither a name nor a repository; skipped",
        ).with_help('add "name" to the civic.json'))
        return None
    pid = slug(name)
    raw_status = string(v, "status")
    project_status, known = status(raw_status)
    if not known:
        out.diagnostics.append(Diagnostic.warning(
            pid, "status-unknown", "/status",
            f"civic.json status `{raw_status or ''}` is not one digifarm knows; imported as in-development",
        ))
    license = string(v, "license")
    if license is None:
        out.diagnostics.append(Diagnostic.warning(
            pid, "license-missing", "/license", "civic.json has no licence; returned as NOASSERTION",
        ))
        license = "NOASSERTION"
    needs = [
        Need(kind=need_kind(s), description=[Text("", s)], skills=[s.lower()], priority="medium")
        for s in texts_of(v, "needs", "need")
    ]
    return Project(
        id=pid,
        name=name,
        summary=[Text("", string(v, "description") or name)],
        status=project_status,
        lifecycle="proposed",
        categories=texts_of(v, "categories", "category"),
        software_type=string(v, "type"),
        technologies=texts_of(v, "tags", "tag"),
        origin=Origin(city=string(v, "geography"), started=string(v, "bornAt")),
        links=Links(homepage=string(v, "homepage") or string(v, "moreInfo"), source=repository),
        license=license,
        needs=needs,
    )


class CivicJson(Importer):
    def import_records(self, media_type, data):
        if not (media_type.startswith("application/json") or media_type.endswith("+json")):
            raise ValueError(f"civic-json reads application/json, not `{media_type}`")
        try:
            value = json.loads(bytes(data).decode("utf-8"))
        except ValueError as e:
            raise ValueError(f"not JSON: {e}") from None
        if isinstance(value, dict):
            entries = [value]
        elif isinstance(value, list):
            entries = value
        else:
            raise ValueError("a civic.json is a JSON object (or an array of them)")
        out = ImportOutput()
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                out.diagnostics.append(Diagnostic.error(
                    "", "not-an-object", f"/{i}", f"entry {i} is not a JSON object; skipped",
                ))
                continue
            p = project(entry, i, out)
            if p is not None:
                out.projects.append(p)
        return out
