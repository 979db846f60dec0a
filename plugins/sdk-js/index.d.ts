// Types of `digifarm-plugin`, the JavaScript SDK for digifarm plugins (digifarm:plugin@0.1.0).
// Records carry the Rust views' field names (snake_case); an absent option is `null`.

/** One language version of a text; `lang` is '' for the catalog's default language. */
export interface Text {
  lang: string;
  value: string;
}

/** A localized text: one entry per language (empty when the field is absent). */
export type Localized = Text[];

export interface Links {
  homepage: string | null;
  source: string | null;
  info: string | null;
}

export interface Origin {
  city: string | null;
  community: string | null;
  started: string | null;
}

/** A partner (and optionally one of its offers) that supports a need. */
export interface SupportRef {
  partner: string;
  offer: string | null;
  since: string | null;
}

/** Something a project needs. */
export interface Need {
  kind: string;
  description: Localized;
  skills: string[];
  hours_per_month: number | null;
  eur_per_year: number | null;
  priority: string;
  since: string | null;
  /** Empty: the need wants help. */
  supported_by: SupportRef[];
}

export interface Deployment {
  mode: string;
  cities: string[];
}

/** A project, public fields only. Dates are ISO 8601 strings (`2024-05-01`). */
export interface Project {
  id: string;
  name: string;
  summary: Localized;
  description: Localized;
  status: string;
  status_since: string | null;
  lifecycle: string;
  categories: string[];
  software_type: string | null;
  complexity: string | null;
  technologies: string[];
  origin: Origin | null;
  admitted_on: string | null;
  links: Links;
  license: string;
  deployment: Deployment | null;
  needs: Need[];
  last_reviewed: string | null;
}

export interface Partner {
  id: string;
  name: string;
  kind: string;
  sectors: string[];
  region: string | null;
  website: string | null;
}

export interface Capacity {
  projects: number | null;
  hours_per_month: number | null;
}

export interface Offer {
  id: string;
  partner: string;
  kind: string;
  description: Localized;
  skills: string[];
  topics: string[];
  regions: string[];
  remote: boolean;
  capacity: Capacity;
  budget_eur_per_year: number | null;
  license_requirement: string | null;
  valid_from: string | null;
  valid_until: string | null;
}

/** The city running the catalog. */
export interface City {
  name: string;
  ags: string | null;
  languages: string[];
  website: string | null;
}

/** What an exporter gets. */
export interface Catalog {
  city: City;
  projects: Project[];
  partners: Partner[];
  offers: Offer[];
}

/** One need of one project and an offer (with its partner) that could meet it. */
export interface Candidate {
  project: Project;
  need_index: number;
  need: Need;
  offer: Offer;
  partner: Partner;
}

/** A scorer's input as decoded: candidates are `[project, need_index, offer, partner]` indexes. */
export interface ScorerBatch {
  projects: Project[];
  partners: Partner[];
  offers: Offer[];
  candidates: [number, number, number, number][];
}

export type Severity = 'error' | 'warning' | 'info';

/** A finding. The host prefixes `code` with the plugin id (`muenster-admission/city-link`). */
export interface Diagnostic {
  /** The id of the record the finding is about (a project id for validators). */
  subject: string;
  /** kebab-case, stable: `[a-z0-9]+(-[a-z0-9]+)*`. */
  code: string;
  severity: Severity;
  /** JSON pointer into the record (`/links/source`), or ''. */
  pointer: string;
  message: string;
  help?: string | null;
}

export declare const Diagnostic: {
  error(subject: string, code: string, pointer: string, message: string, help?: string | null): Diagnostic;
  warning(subject: string, code: string, pointer: string, message: string, help?: string | null): Diagnostic;
  info(subject: string, code: string, pointer: string, message: string, help?: string | null): Diagnostic;
};

/** One term of a score, explained. */
export interface ScoreTerm {
  name: string;
  value: number;
  explanation: string;
}

/** A score for one candidate: `value` in [0, 1]. */
export interface Score {
  value: number;
  terms: ScoreTerm[];
}

export declare function Score(value: number, terms?: ScoreTerm[]): Score;
export declare function ScoreTerm(name: string, value: number, explanation?: string): ScoreTerm;

/** What an exporter returns. `bytes`: a string (written as UTF-8) or bytes. */
export interface ExportOutput {
  media_type: string;
  bytes: string | Uint8Array | ArrayBuffer | number[];
}

/** A record an importer returns: as decoded, but lists and options may be left out. */
export type Input<T> = {
  [K in keyof T]?: T[K] extends (infer U)[]
    ? Input<U>[]
    : T[K] extends object | null
      ? Input<NonNullable<T[K]>> | null
      : T[K];
};

/** What an importer returns; absent lists are empty. */
export interface ImportOutput {
  projects?: Input<Project>[];
  partners?: Input<Partner>[];
  offers?: Input<Offer>[];
  /** Findings about the input (subject: the record id or ''). */
  diagnostics?: Diagnostic[];
}

/** The host licence engine's verdict on an SPDX expression. */
export interface LicenseVerdict {
  valid_expression: boolean;
  allowed: boolean;
  normalized: string | null;
  /** One line per problem, `code: message`. */
  problems: string[];
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Appends a line to the plugin's log (bounded; shows up in error messages). */
export declare function log(level: LogLevel, message: string): void;
/** A configuration value the city granted this plugin, or null. */
export declare function config(key: string): string | null;
/** Checks an SPDX expression against the city's licence policy. */
export declare function checkLicense(expression: string): LicenseVerdict;

/** What the host offers every plugin. `console.*` also goes to `log`. */
export declare const host: {
  log: typeof log;
  config: typeof config;
  checkLicense: typeof checkLicense;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
};

/** The property naming a plugin's kind on what the define* functions return. */
export declare const KIND: '__digifarm_kind';
/** The digifarm:plugin WIT version this SDK implements. */
export declare const API_VERSION: '0.1.0';

/** The component-facing object a define* function returns; export it as `validator`, … */
export interface ValidatorPlugin {
  readonly __digifarm_kind: 'validator';
  validate(city: unknown, projects: { data: Uint8Array; strings: string }): unknown;
}
export interface ScorerPlugin {
  readonly __digifarm_kind: 'scorer';
  score(city: unknown, candidates: { data: Uint8Array; strings: string }): unknown;
}
export interface ExporterPlugin {
  readonly __digifarm_kind: 'exporter';
  exportCatalog(catalog: { data: Uint8Array; strings: string }): unknown;
}
export interface ImporterPlugin {
  readonly __digifarm_kind: 'importer';
  importRecords(mediaType: string, bytes: Uint8Array): unknown;
}

/** `export const validator = defineValidator((city, projects) => [...diagnostics])`. A thrown
 * exception becomes the call's error, with its message.
 *
 * A validator's and a scorer's projects (and their needs) are decoded lazily: each field when
 * it is first read on any of them, for all of the call's projects (or needs) at once, then
 * kept. Read and assign fields as usual; `JSON.stringify(p)` and
 * `p.toJSON()` give every field, `Object.keys(p)` and `{...p}` none (they are accessors of
 * the class `LazyProject`). */
export declare function defineValidator(fn: (city: City, projects: Project[]) => Diagnostic[]): ValidatorPlugin;
/** `export const scorer = defineScorer((city, candidates) => scores)`: one score (a number in
 * [0, 1] or a `Score`) per candidate, in order. */
export declare function defineScorer(fn: (city: City, candidates: Candidate[]) => (number | Score)[]): ScorerPlugin;
/** `export const exporter = defineExporter((catalog) => ({media_type, bytes}))`. */
export declare function defineExporter(fn: (catalog: Catalog) => ExportOutput): ExporterPlugin;
/** `export const importer = defineImporter((mediaType, bytes) => ({projects, partners, offers, diagnostics}))`. */
export declare function defineImporter(fn: (mediaType: string, bytes: Uint8Array) => ImportOutput): ImporterPlugin;

/** The text of `bytes` decoded as UTF-8. */
export declare function text(bytes: Uint8Array): string;
/** A localized field's text in the first of `languages` it has, else untagged, else first; null if empty. */
export declare function localized(texts: Localized, languages?: string[]): string | null;

// The codec (also `digifarm-plugin/codec`).
export declare const MAGIC: 'dfb1';
/** Version 2's first bytes: character offsets and an index of field positions. */
export declare const MAGIC_INDEXED: 'dfb2';
/** Version 3's first bytes: version 2 with text in ASCII, escaped strings read with `JSON.parse`. */
export declare const MAGIC_ASCII: 'dfb3';
/** The encoding version a plugin built with this SDK reads (its manifest's `encoding`). */
export declare const ENCODING: 3;
export declare class DecodeError extends Error {}
export interface Encoded {
  data: Uint8Array;
  strings: string;
}
export declare function decodeProjects(data: Uint8Array, strings: string): Project[];
export declare function decodeScorerBatch(data: Uint8Array, strings: string): ScorerBatch;
/** A project decoded lazily (a validator's or scorer's input). */
export type LazyProjectRecord = Project & { toJSON(): Project };
/** Like `decodeProjects`, each project decoded field by field when read (strings are checked then). */
export declare function decodeProjectsLazy(data: Uint8Array, strings: string): LazyProjectRecord[];
/** Like `decodeScorerBatch`, with lazily decoded projects. */
export declare function decodeScorerBatchLazy(data: Uint8Array, strings: string): ScorerBatch;
/** The classes of lazily decoded projects and needs (for `instanceof`). */
export declare const LazyProject: { prototype: LazyProjectRecord };
export declare const LazyNeed: { prototype: Need & { toJSON(): Need } };
export declare function decodeCatalog(data: Uint8Array, strings: string): Catalog;
export declare function resolveCandidates(batch: ScorerBatch): Candidate[];
/**
 * `version`: 1 (the default), 2, or 3 (as the host sends a plugin built with this SDK);
 * `true` and `false` stand for 2 and 1.
 */
export declare function encodeProjects(projects: Project[], version?: 1 | 2 | 3 | boolean): Encoded;
export declare function encodeScorerBatch(batch: ScorerBatch, version?: 1 | 2 | 3 | boolean): Encoded;
export declare function encodeCatalog(catalog: Catalog, version?: 1 | 2 | 3 | boolean): Encoded;
