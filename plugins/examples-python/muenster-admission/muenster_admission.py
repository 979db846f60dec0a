"""DIGIFARM Münster's admission criteria that code can check, as a Python validator plugin
(the same rules, codes and messages as the Rust example `plugins/examples/muenster-admission`).

1. `city-link`: the project is linked to the city: it originates there (`origin.city`), is
   deployed there (`deployment.cities`), or one of its needs is supported by a city partner
   (the partner ids the city grants as config key `city_partners`, comma-separated).
2. `source-repository`: the project links its source repository with an `https://` URL.
3. `license-not-open`: the licence is open source under the city's policy (checked by the
   host's licence engine).

Findings are errors for admitted and sustained projects and warnings for the others.
"""

from digifarm_plugin import Diagnostic, Validator, host


# Unicode's White_Space, what Rust's `str::trim` removes (`str.strip()` would also remove
# U+001C-U+001F): the three languages' plugins compare the same way.
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"


def norm(place):
    """A place name as compared: trimmed, lower-case, "muenster" spelt "münster"."""
    return place.strip(WHITE_SPACE).lower().replace("muenster", "münster")


class MuensterAdmission(Validator):
    def validate(self, city, projects):
        here = norm(city.name)
        city_partners = {s.strip() for s in (host.config("city_partners") or "").split(",") if s.strip()}

        def is_here(place):
            # A place that is only white space matches no city (nor a city that is).
            return here != "" and norm(place) == here

        out = []
        for p in projects:
            severity = "error" if p.lifecycle in ("admitted", "sustained") else "warning"

            def push(code, pointer, message, help):
                out.append(Diagnostic(p.id, code, severity, pointer, message, help))

            # Each of the three links is checked for every project, as in the other languages'
            # examples (the benchmark compares them on the same work).
            origin_city = p.origin.city if p.origin is not None else None
            from_city = origin_city is not None and is_here(origin_city)
            deployed = p.deployment is not None and any(map(is_here, p.deployment.cities))
            supported = any(s.partner in city_partners for n in p.needs for s in n.supported_by)
            if not (from_city or deployed or supported):
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

            verdict = host.check_license(p.license)
            if not verdict.allowed:
                why = "; ".join(verdict.problems) if verdict.problems else "not allowed by the city's policy"
                push("license-not-open", "/license", f"the licence `{p.license}` is not open source: {why}",
                     "DIGIFARM admits open-source projects only; use an OSI-approved licence")
        return out
