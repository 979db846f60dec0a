// digifarm-plugin: write a digifarm plugin in JavaScript.
//
//   import { defineValidator, Diagnostic, host } from 'digifarm-plugin';
//   export const validator = defineValidator((city, projects) =>
//     projects.filter((p) => !p.links.source).map((p) =>
//       Diagnostic.warning(p.id, 'no-source', '/links', `${p.id} links no source repository`)));
//
// and `npx digifarm-plugin build app.js --id my-rule` makes `my-rule.wasm` and its manifest.
//
// Records have the Rust views' field names (snake_case); an absent option is `null`. An
// exporter's records are plain objects; a validator's and a scorer's projects (and their
// needs) are `Project` and `Need` objects that decode a field when it is first read (see
// `decodeProjectsLazy` in codec.js; `toJSON()` gives a plain object). A thrown exception
// becomes the call's error (the WIT `result`'s `err`, a string with the exception's message),
// which the host reports as the plugin's error.

import './text.js'; // TextEncoder and TextDecoder where the engine lacks them (QuickJS)
import { beginCall, endCall } from './host.js';
import { decodeCatalog, decodeProjectsLazy, decodeScorerBatchLazy, resolveCandidates } from './codec.js';

export { host, log, config, checkLicense } from './host.js';
export {
  MAGIC,
  MAGIC_INDEXED,
  MAGIC_ASCII,
  ENCODING,
  DecodeError,
  decodeProjects,
  decodeProjectsLazy,
  decodeScorerBatch,
  decodeScorerBatchLazy,
  decodeCatalog,
  Project as LazyProject,
  Need as LazyNeed,
  resolveCandidates,
  encodeProjects,
  encodeScorerBatch,
  encodeCatalog,
} from './codec.js';

/** The digifarm:plugin WIT package version this SDK implements (the manifest's api_version). */
export const API_VERSION = '0.1.0';

/** The property naming a plugin's kind on what the define* functions return. */
export const KIND = '__digifarm_kind';

// ---------------------------------------------------------------------------------------
// Errors

/**
 * What the component returns as the call's error. componentize-js turns a thrown value with
 * an own `payload` into the `err` of the export's `result`; any other thrown Error would
 * trap the instance, so every entry point below catches and rethrows one of these.
 */
class PluginError extends Error {
  constructor(message) {
    super(message);
    this.name = 'PluginError';
    this.payload = message;
  }
}

function describe(e) {
  if (e instanceof PluginError) return e.payload;
  if (e instanceof Error) {
    const name = e.name && e.name !== 'Error' ? `${e.name}: ` : '';
    return `${name}${e.message}`;
  }
  try {
    return String(e);
  } catch {
    return 'a value that is not an Error was thrown';
  }
}

function guard(run) {
  beginCall();
  try {
    return run();
  } catch (e) {
    throw new PluginError(describe(e));
  } finally {
    endCall();
  }
}

function fail(message) {
  throw new Error(message);
}

// ---------------------------------------------------------------------------------------
// Conversions between the WIT bindings (camelCase, `undefined` for none) and plugin records

const opt = (v) => (v === undefined ? null : v);

function cityFromWit(c) {
  return {
    name: c.name,
    ags: opt(c.ags),
    languages: c.languages,
    website: opt(c.website),
  };
}

function typeName(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v).slice(0, 40)}`;
}

function reqStr(v, where) {
  if (typeof v !== 'string') fail(`${where} must be a string, not ${typeName(v)}`);
  return v;
}

function optStr(v, where) {
  if (v === null || v === undefined) return undefined;
  return reqStr(v, where);
}

function num(v, where) {
  if (typeof v !== 'number') fail(`${where} must be a number, not ${typeName(v)}`);
  return v;
}

function optNum(v, where) {
  if (v === null || v === undefined) return undefined;
  return num(v, where);
}

function list(v, where, item) {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) fail(`${where} must be an array, not ${typeName(v)}`);
  return v.map((x, i) => item(x, `${where}[${i}]`));
}

function obj(v, where) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    fail(`${where} must be an object, not ${typeName(v)}`);
  }
  return v;
}

const strs = (v, where) => list(v, where, reqStr);
const texts = (v, where) =>
  list(v, where, (t, w) => {
    obj(t, w);
    return { lang: reqStr(t.lang ?? '', `${w}.lang`), value: reqStr(t.value, `${w}.value`) };
  });

const SEVERITIES = new Set(['error', 'warning', 'info']);

function diagnosticToWit(d, where) {
  obj(d, where);
  if (!SEVERITIES.has(d.severity)) {
    fail(`${where}.severity must be "error", "warning" or "info", not ${typeName(d.severity)}`);
  }
  return {
    subject: reqStr(d.subject ?? '', `${where}.subject`),
    code: reqStr(d.code, `${where}.code`),
    severity: d.severity,
    pointer: reqStr(d.pointer ?? '', `${where}.pointer`),
    message: reqStr(d.message, `${where}.message`),
    help: optStr(d.help, `${where}.help`),
  };
}

function diagnosticsToWit(v, where) {
  if (!Array.isArray(v)) fail(`${where} must return an array of diagnostics, not ${typeName(v)}`);
  return v.map((d, i) => diagnosticToWit(d, `diagnostic ${i}`));
}

function scoreToWit(s, where) {
  if (typeof s === 'number') return { value: s, terms: [] };
  obj(s, where);
  return {
    value: num(s.value, `${where}.value`),
    terms: list(s.terms, `${where}.terms`, (t, w) => {
      obj(t, w);
      return {
        name: reqStr(t.name, `${w}.name`),
        value: num(t.value, `${w}.value`),
        explanation: reqStr(t.explanation ?? '', `${w}.explanation`),
      };
    }),
  };
}

function bytesOf(v, where) {
  if (typeof v === 'string') return new TextEncoder().encode(v);
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (Array.isArray(v)) return Uint8Array.from(v);
  return fail(`${where} must be a string or a Uint8Array, not ${typeName(v)}`);
}

function projectToWit(p, w) {
  obj(p, w);
  const links = p.links ?? {};
  obj(links, `${w}.links`);
  return {
    id: reqStr(p.id, `${w}.id`),
    name: reqStr(p.name, `${w}.name`),
    summary: texts(p.summary, `${w}.summary`),
    description: texts(p.description, `${w}.description`),
    status: reqStr(p.status, `${w}.status`),
    statusSince: optStr(p.status_since, `${w}.status_since`),
    lifecycle: reqStr(p.lifecycle, `${w}.lifecycle`),
    categories: strs(p.categories, `${w}.categories`),
    softwareType: optStr(p.software_type, `${w}.software_type`),
    complexity: optStr(p.complexity, `${w}.complexity`),
    technologies: strs(p.technologies, `${w}.technologies`),
    origin:
      p.origin === null || p.origin === undefined
        ? undefined
        : {
            city: optStr(obj(p.origin, `${w}.origin`).city, `${w}.origin.city`),
            community: optStr(p.origin.community, `${w}.origin.community`),
            started: optStr(p.origin.started, `${w}.origin.started`),
          },
    admittedOn: optStr(p.admitted_on, `${w}.admitted_on`),
    links: {
      homepage: optStr(links.homepage, `${w}.links.homepage`),
      source: optStr(links.source, `${w}.links.source`),
      info: optStr(links.info, `${w}.links.info`),
    },
    license: reqStr(p.license, `${w}.license`),
    deployment:
      p.deployment === null || p.deployment === undefined
        ? undefined
        : {
            mode: reqStr(obj(p.deployment, `${w}.deployment`).mode, `${w}.deployment.mode`),
            cities: strs(p.deployment.cities, `${w}.deployment.cities`),
          },
    needs: list(p.needs, `${w}.needs`, (n, nw) => {
      obj(n, nw);
      return {
        kind: reqStr(n.kind, `${nw}.kind`),
        description: texts(n.description, `${nw}.description`),
        skills: strs(n.skills, `${nw}.skills`),
        hoursPerMonth: optNum(n.hours_per_month, `${nw}.hours_per_month`),
        eurPerYear: optNum(n.eur_per_year, `${nw}.eur_per_year`),
        priority: reqStr(n.priority, `${nw}.priority`),
        since: optStr(n.since, `${nw}.since`),
        supportedBy: list(n.supported_by, `${nw}.supported_by`, (s, sw) => {
          obj(s, sw);
          return {
            partner: reqStr(s.partner, `${sw}.partner`),
            offer: optStr(s.offer, `${sw}.offer`),
            since: optStr(s.since, `${sw}.since`),
          };
        }),
      };
    }),
    lastReviewed: optStr(p.last_reviewed, `${w}.last_reviewed`),
  };
}

function partnerToWit(p, w) {
  obj(p, w);
  return {
    id: reqStr(p.id, `${w}.id`),
    name: reqStr(p.name, `${w}.name`),
    kind: reqStr(p.kind, `${w}.kind`),
    sectors: strs(p.sectors, `${w}.sectors`),
    region: optStr(p.region, `${w}.region`),
    website: optStr(p.website, `${w}.website`),
  };
}

function offerToWit(o, w) {
  obj(o, w);
  const capacity = o.capacity ?? {};
  obj(capacity, `${w}.capacity`);
  const projects = capacity.projects;
  if (projects !== null && projects !== undefined &&
      !(Number.isInteger(projects) && projects >= 0 && projects <= 0xffffffff)) {
    fail(`${w}.capacity.projects must be an integer in [0, 2^32), not ${typeName(projects)}`);
  }
  return {
    id: reqStr(o.id, `${w}.id`),
    partner: reqStr(o.partner, `${w}.partner`),
    kind: reqStr(o.kind, `${w}.kind`),
    description: texts(o.description, `${w}.description`),
    skills: strs(o.skills, `${w}.skills`),
    topics: strs(o.topics, `${w}.topics`),
    regions: strs(o.regions, `${w}.regions`),
    remote: Boolean(o.remote),
    capacity: {
      projects: projects === null ? undefined : projects,
      hoursPerMonth: optNum(capacity.hours_per_month, `${w}.capacity.hours_per_month`),
    },
    budgetEurPerYear: optNum(o.budget_eur_per_year, `${w}.budget_eur_per_year`),
    licenseRequirement: optStr(o.license_requirement, `${w}.license_requirement`),
    validFrom: optStr(o.valid_from, `${w}.valid_from`),
    validUntil: optStr(o.valid_until, `${w}.valid_until`),
  };
}

// ---------------------------------------------------------------------------------------
// Plugin kinds

function checkFn(fn, what) {
  if (typeof fn !== 'function') {
    throw new TypeError(`${what} expects a function, not ${typeName(fn)}`);
  }
}

/**
 * A validator: `fn(city, projects)` returns the findings (an array of diagnostics, see
 * `Diagnostic`). Export the result as `validator`.
 */
export function defineValidator(fn) {
  checkFn(fn, 'defineValidator');
  return {
    [KIND]: 'validator',
    validate: (city, projects) =>
      guard(() => {
        const out = fn(cityFromWit(city), decodeProjectsLazy(projects.data, projects.strings));
        return diagnosticsToWit(out, 'the validator');
      }),
  };
}

/**
 * A scorer: `fn(city, candidates)` returns one score per candidate, in the same order: a
 * number in [0, 1] or `{value, terms}` (see `Score`). Each candidate is
 * `{project, need_index, need, offer, partner}`. Export the result as `scorer`.
 */
export function defineScorer(fn) {
  checkFn(fn, 'defineScorer');
  return {
    [KIND]: 'scorer',
    score: (city, candidates) =>
      guard(() => {
        const resolved = resolveCandidates(decodeScorerBatchLazy(candidates.data, candidates.strings));
        const out = fn(cityFromWit(city), resolved);
        if (!Array.isArray(out)) fail(`the scorer must return an array of scores, not ${typeName(out)}`);
        if (out.length !== resolved.length) {
          fail(`the scorer returned ${out.length} scores for ${resolved.length} candidates`);
        }
        return out.map((s, i) => scoreToWit(s, `score ${i}`));
      }),
  };
}

/**
 * An exporter: `fn(catalog)` gets `{city, projects, partners, offers}` and returns
 * `{media_type, bytes}` (`bytes`: a string, written as UTF-8, or a Uint8Array). Export the
 * result as `exporter`.
 */
export function defineExporter(fn) {
  checkFn(fn, 'defineExporter');
  return {
    [KIND]: 'exporter',
    exportCatalog: (catalog) =>
      guard(() => {
        const out = fn(decodeCatalog(catalog.data, catalog.strings));
        obj(out, 'what the exporter returns');
        return {
          mediaType: reqStr(out.media_type ?? out.mediaType, 'media_type'),
          bytes: bytesOf(out.bytes, 'bytes'),
        };
      }),
  };
}

/**
 * An importer: `fn(mediaType, bytes)` (bytes: a Uint8Array; `text(bytes)` decodes UTF-8)
 * returns `{projects, partners, offers, diagnostics}` with records shaped as the decoded ones
 * (snake_case; absent lists may be left out). Export the result as `importer`.
 */
export function defineImporter(fn) {
  checkFn(fn, 'defineImporter');
  return {
    [KIND]: 'importer',
    importRecords: (mediaType, bytes) =>
      guard(() => {
        const out = fn(mediaType, bytes);
        obj(out, 'what the importer returns');
        return {
          projects: list(out.projects, 'projects', projectToWit),
          partners: list(out.partners, 'partners', partnerToWit),
          offers: list(out.offers, 'offers', offerToWit),
          diagnostics: list(out.diagnostics, 'diagnostics', diagnosticToWit),
        };
      }),
  };
}

// ---------------------------------------------------------------------------------------
// Helpers for results

function diagnostic(severity, subject, code, pointer, message, help) {
  return {
    subject,
    code,
    severity,
    pointer: pointer ?? '',
    message,
    help: help === undefined ? null : help,
  };
}

/**
 * A finding. `subject`: the record's id (a project id for validators); `code`: kebab-case
 * (the host shows it as `<plugin-id>/<code>`); `pointer`: a JSON pointer into the record
 * (`/links/source`) or ''.
 */
export const Diagnostic = {
  error: (subject, code, pointer, message, help) =>
    diagnostic('error', subject, code, pointer, message, help),
  warning: (subject, code, pointer, message, help) =>
    diagnostic('warning', subject, code, pointer, message, help),
  info: (subject, code, pointer, message, help) =>
    diagnostic('info', subject, code, pointer, message, help),
};

/** A score in [0, 1] with the terms that explain it. */
export function Score(value, terms = []) {
  return { value, terms };
}

/** One term of a score, explained. */
export function ScoreTerm(name, value, explanation = '') {
  return { name, value, explanation };
}

/** The text of `bytes` decoded as UTF-8 (invalid sequences become U+FFFD). */
export function text(bytes) {
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * The text of a localized field in the first of `languages` it has, else its entry without
 * a language tag, else its first entry; `null` when the field is empty.
 */
export function localized(texts, languages = []) {
  if (!texts || texts.length === 0) return null;
  for (const lang of languages) {
    const t = texts.find((x) => x.lang === lang);
    if (t) return t.value;
  }
  const untagged = texts.find((x) => x.lang === '');
  return (untagged ?? texts[0]).value;
}
