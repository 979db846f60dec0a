// civic.json files read into digifarm records, as an importer plugin written in JavaScript:
// the same reading as the Rust example plugins/examples/civic-json (same ids, statuses,
// needs, codes and messages; the host's tests compare the two record by record).
//
// Input: one civic.json object, or a JSON array of them, in either common variant: BetaNYC
// (`status`, `name`, `description`, `bornAt`, `geography`, `type`, `needs: [{"need": …}]`,
// `categories: [{"category": …}]`, `moreInfo`, `repository`) or DCgov (`status`, `name`,
// `description`, `license`, `type`, `geography`, `tags`, `homepage`, `repository`).
//
// Contact fields (`contact`, emails) are personal data and are not imported. Ids are made from
// the name (or the repository's last path segment). A missing licence becomes `NOASSERTION`
// plus a `license-missing` finding rather than a guess.

import { Diagnostic, defineImporter } from 'digifarm-plugin';

const STATUSES = {
  idea: ['idea', 'concept', 'proposed'],
  'in-development': ['alpha', 'beta', 'in development', 'development', 'prototype', 'pilot'],
  live: ['production', 'live', 'released', 'active', 'stable'],
  paused: ['paused', 'inactive', 'on hold'],
  archived: ['archived', 'retired', 'deprecated', 'decommissioned'],
};
const UMLAUTS = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };

function slug(s) {
  let out = '';
  for (const c of s.toLowerCase()) out += UMLAUTS[c] ?? (/^[a-z0-9]$/.test(c) ? c : '-');
  return out.split('-').filter((p) => p !== '').join('-').slice(0, 80).replace(/-+$/, '');
}

/** A non-empty trimmed string under `key`, else null. */
function string(v, key) {
  const s = v[key];
  return typeof s === 'string' && s.trim() !== '' ? s.trim() : null;
}

function status(raw) {
  if (raw !== null) {
    const lowered = raw.trim().toLowerCase();
    for (const [name, words] of Object.entries(STATUSES)) if (words.includes(lowered)) return [name, true];
  }
  return ['in-development', false];
}

function needKind(need) {
  const n = need.toLowerCase();
  if (['fund', 'money', 'sponsor', 'donat', 'financ'].some((k) => n.includes(k))) return 'financial';
  if (['writ', 'content', 'translat', 'data entry', 'research', 'outreach'].some((k) => n.includes(k))) return 'content';
  return 'technical';
}

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The strings of the list under `key`: each item a string or an object with `inner`. */
function textsOf(v, key, inner) {
  const items = v[key];
  if (!Array.isArray(items)) return [];
  return items.map((item) => (isObject(item) ? item[inner] : item)).filter((s) => typeof s === 'string');
}

function project(v, index, diagnostics) {
  const repository = string(v, 'repository') ?? string(v, 'repositoryUrl') ?? string(v, 'code');
  let name = string(v, 'name') ?? string(v, 'title');
  if (name === null && repository !== null) name = repository.replace(/\/+$/, '').split('/').pop();
  if (name === null) {
    diagnostics.push(
      Diagnostic.error('', 'name-missing', `/${index}`,
        `civic.json entry ${index} has neither a name nor a repository; skipped`, 'add "name" to the civic.json'),
    );
    return null;
  }
  const id = slug(name);
  const rawStatus = string(v, 'status');
  const [projectStatus, known] = status(rawStatus);
  if (!known) {
    diagnostics.push(
      Diagnostic.warning(id, 'status-unknown', '/status',
        `civic.json status \`${rawStatus ?? ''}\` is not one digifarm knows; imported as in-development`),
    );
  }
  let license = string(v, 'license');
  if (license === null) {
    diagnostics.push(Diagnostic.warning(id, 'license-missing', '/license', 'civic.json has no licence; returned as NOASSERTION'));
    license = 'NOASSERTION';
  }
  return {
    id,
    name,
    summary: [{ lang: '', value: string(v, 'description') ?? name }],
    description: [],
    status: projectStatus,
    status_since: null,
    lifecycle: 'proposed',
    categories: textsOf(v, 'categories', 'category'),
    software_type: string(v, 'type'),
    complexity: null,
    technologies: textsOf(v, 'tags', 'tag'),
    origin: { city: string(v, 'geography'), community: null, started: string(v, 'bornAt') },
    admitted_on: null,
    links: { homepage: string(v, 'homepage') ?? string(v, 'moreInfo'), source: repository, info: null },
    license,
    deployment: null,
    needs: textsOf(v, 'needs', 'need').map((s) => ({
      kind: needKind(s),
      description: [{ lang: '', value: s }],
      skills: [s.toLowerCase()],
      hours_per_month: null,
      eur_per_year: null,
      priority: 'medium',
      since: null,
      supported_by: [],
    })),
    last_reviewed: null,
  };
}

export const importer = defineImporter((mediaType, bytes) => {
  if (!(mediaType.startsWith('application/json') || mediaType.endsWith('+json'))) {
    throw new Error(`civic-json reads application/json, not \`${mediaType}\``);
  }
  let value;
  try {
    // Strict: bytes that are not UTF-8 are refused, not replaced (as the Rust plugin does).
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new Error(`not JSON: ${e.message}`);
  }
  let entries;
  if (Array.isArray(value)) entries = value;
  else if (isObject(value)) entries = [value];
  else throw new Error('a civic.json is a JSON object (or an array of them)');
  const projects = [];
  const diagnostics = [];
  entries.forEach((entry, i) => {
    if (!isObject(entry)) {
      diagnostics.push(Diagnostic.error('', 'not-an-object', `/${i}`, `entry ${i} is not a JSON object; skipped`));
      return;
    }
    const p = project(entry, i, diagnostics);
    if (p !== null) projects.push(p);
  });
  return { projects, partners: [], offers: [], diagnostics };
});
