"""Local partners first, as a Python scorer plugin (the rule of the Rust example
`plugins/examples/local-first`): 1 when the offer's partner is based in the project's city,
0.5 when the offer works there, 0 otherwise, each explained."""

from digifarm_plugin import Score, Scorer, ScoreTerm


def norm(s):
    return s.strip().lower().replace("ue", "ü").replace("oe", "ö").replace("ae", "ä")


def names(region, home, city):
    region = region.strip()
    if norm(region) == norm(home):
        return True
    return norm(home) == norm(city.name) and city.ags is not None and region == city.ags


class LocalFirst(Scorer):
    def score(self, city, candidates):
        out = []
        for c in candidates:
            home = c.project.origin.city if c.project.origin and c.project.origin.city else city.name
            if c.partner.region is not None and names(c.partner.region, home, city):
                value, why = 1.0, f"{c.partner.name} is based in {home}"
            elif any(names(r, home, city) for r in c.offer.regions):
                value, why = 0.5, f"{c.partner.name} works in {home}"
            else:
                value, why = 0.0, f"{c.partner.name} is not local to {home}"
            out.append(Score(value, [ScoreTerm("local", value, why)]))
        return out
