"""DIGIFARM Münster's admission rules (plugins/examples-python/muenster-admission) on the
typed WIT records of the probe world `typed-validator`: the same code, reading the records
componentize-py built before the call instead of the SDK's lazily decoded ones. A
measurement for the bench `typed_world`, not a plugin."""

import wit_world
from wit_world.imports import host
from wit_world.imports.types import Diagnostic, Severity

_verdicts = {}


def check_license(expression):
    # As the SDK does: one host call per expression and call, a fresh verdict per caller.
    known = _verdicts.get(expression)
    if known is None:
        known = host.check_license(expression)
        _verdicts[expression] = known
    return host.LicenseVerdict(known.valid_expression, known.allowed, known.normalized, list(known.problems))


def same_place(a, b):
    def norm(s):
        return s.strip().lower().replace("muenster", "münster")

    return a.strip() != "" and norm(a) == norm(b)


class WitWorld(wit_world.WitWorld):
    def validate(self, city, projects):
        city_partners = [s.strip() for s in (host.config("city_partners") or "").split(",") if s.strip()]
        out = []
        for p in projects:
            severity = Severity.ERROR if p.lifecycle in ("admitted", "sustained") else Severity.WARNING

            def push(code, pointer, message, help):
                out.append(Diagnostic(p.id, code, severity, pointer, message, help))

            from_city = p.origin is not None and p.origin.city is not None and same_place(p.origin.city, city.name)
            deployed = p.deployment is not None and any(same_place(c, city.name) for c in p.deployment.cities)
            city_partner = any(s.partner in city_partners for n in p.needs for s in n.supported_by)
            if not (from_city or deployed or city_partner):
                push(
                    "city-link",
                    "",
                    f"`{p.id}` has no link to {city.name}: it does not originate or run there, and no city partner supports it",
                    "set origin.city, list the city under deployment.cities, or record the city partner under a need's supported_by",
                )

            source = p.links.source
            if source is None:
                push("source-repository", "/links", f"`{p.id}` does not link its source repository",
                     "add links.source with the repository URL")
            elif not source.startswith("https://"):
                push("source-repository", "/links/source", f"the source link `{source}` is not an https:// URL",
                     "link the public repository over https")

            verdict = check_license(p.license)
            if not verdict.allowed:
                why = "; ".join(verdict.problems) if verdict.problems else "not allowed by the city's policy"
                push("license-not-open", "/license", f"the licence `{p.license}` is not open source: {why}",
                     "DIGIFARM admits open-source projects only; use an OSI-approved licence")
        return out
