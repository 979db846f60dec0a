// DIGIFARM Münster's admission criteria that code can check, as a digifarm validator plugin
// written in JavaScript: the same three rules, codes, pointers, severities and messages as the
// Rust plugin in plugins/examples/muenster-admission.
//
// 1. `city-link`: the project is linked to the city: it originates there (`origin.city`), is
//    deployed there (`deployment.cities`), or one of its needs is supported by a city partner
//    (the partner ids the city grants as config key `city_partners`, comma-separated).
// 2. `source-repository`: the project links its source repository with an `https://` URL.
// 3. `license-not-open`: the licence is open source under the city's policy (checked by the
//    host's licence engine).
//
// Findings are errors for admitted and sustained projects and warnings for the others.

import { defineValidator, host } from 'digifarm-plugin';

// Unicode's White_Space at either end, what Rust's `str::trim` removes, so that the three
// languages' plugins compare the same way: `String.prototype.trim` also removes U+FEFF and
// keeps U+0085. Where it removes nothing and no end is U+0085, the two agree.
const EDGE_SPACE = /^[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;
const trim = (s) =>
  s.trim().length === s.length && s.charCodeAt(0) !== 0x85 && s.charCodeAt(s.length - 1) !== 0x85
    ? s
    : s.replace(EDGE_SPACE, '');

// A place name as compared: trimmed, lower-case, "muenster" spelt "münster".
const norm = (place) => trim(place).toLowerCase().replaceAll('muenster', 'münster');

export const validator = defineValidator((city, projects) => {
  const here = norm(city.name);
  // A place that is only white space matches no city (nor a city that is). Places repeat
  // from project to project, so each is normalised once per call.
  const placesSeen = new Map();
  const isHere = (place) => {
    let yes = placesSeen.get(place);
    if (yes === undefined) {
      yes = here !== '' && norm(place) === here;
      placesSeen.set(place, yes);
    }
    return yes;
  };
  const cityPartners = new Set((host.config('city_partners') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== ''));
  const out = [];
  for (const p of projects) {
    const lifecycle = p.lifecycle;
    const severity = lifecycle === 'admitted' || lifecycle === 'sustained' ? 'error' : 'warning';
    const push = (code, pointer, message, help) =>
      out.push({ subject: p.id, code, severity, pointer, message, help });

    // Each of the three links is checked for every project, as in the other languages'
    // examples (the benchmark compares them on the same work). Plain loops: a callback per
    // item (`some`) costs an interpreter a call each.
    const originCity = p.origin?.city;
    const fromCity = originCity != null && isHere(originCity);
    let deployed = false;
    const places = p.deployment?.cities ?? [];
    for (let i = 0; i < places.length && !deployed; i++) deployed = isHere(places[i]);
    let supported = false;
    const needs = p.needs;
    for (let i = 0; i < needs.length && !supported; i++) {
      const by = needs[i].supported_by;
      for (let j = 0; j < by.length && !supported; j++) supported = cityPartners.has(by[j].partner);
    }
    if (!(fromCity || deployed || supported)) {
      push(
        'city-link',
        '',
        `\`${p.id}\` has no link to ${city.name}: it does not originate or run there, and no city partner supports it`,
        'set origin.city, list the city under deployment.cities, or record the city partner under a need\'s supported_by',
      );
    }

    const source = p.links.source;
    if (source === null) {
      push(
        'source-repository',
        '/links',
        `\`${p.id}\` does not link its source repository`,
        'add links.source with the repository URL',
      );
    } else if (!source.startsWith('https://')) {
      push(
        'source-repository',
        '/links/source',
        `the source link \`${source}\` is not an https:// URL`,
        'link the public repository over https',
      );
    }

    const verdict = host.checkLicense(p.license);
    if (!verdict.allowed) {
      const why = verdict.problems.length === 0 ? "not allowed by the city's policy" : verdict.problems.join('; ');
      push(
        'license-not-open',
        '/license',
        `the licence \`${p.license}\` is not open source: ${why}`,
        'DIGIFARM admits open-source projects only; use an OSI-approved licence',
      );
    }
  }
  return out;
});
