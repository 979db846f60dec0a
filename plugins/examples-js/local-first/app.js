// Local partners first, as a digifarm scorer plugin written in JavaScript: the rule of the
// Rust example plugins/examples/local-first (the host's tests compare the scores pair by pair).
//
// The project's city is `origin.city`, else the catalog's city. A region names that city when
// it is the city's name (case-insensitive, `muenster` = `münster`) or, for the catalog's own
// city, its official municipality key (AGS, e.g. `05515000`). Score: 1 when the partner's
// region is that city, 0.5 when the offer lists it among its regions, 0 otherwise.

import { Score, ScoreTerm, defineScorer } from 'digifarm-plugin';

const norm = (s) => s.trim().toLowerCase().replaceAll('ue', 'ü').replaceAll('oe', 'ö').replaceAll('ae', 'ä');

function names(region, home, city) {
  const r = region.trim();
  if (norm(r) === norm(home)) return true;
  return norm(home) === norm(city.name) && city.ags !== null && r === city.ags;
}

export const scorer = defineScorer((city, candidates) =>
  candidates.map((c) => {
    const home = c.project.origin?.city ?? city.name;
    let value;
    let why;
    if (c.partner.region !== null && names(c.partner.region, home, city)) {
      [value, why] = [1, `${c.partner.name} is based in ${home}`];
    } else if (c.offer.regions.some((r) => names(r, home, city))) {
      [value, why] = [0.5, `${c.partner.name} works in ${home}`];
    } else {
      [value, why] = [0, `${c.partner.name} is not local to ${home}`];
    }
    return Score(value, [ScoreTerm('local', value, why)]);
  }),
);
