#!/usr/bin/env node
// digifarm-plugin build APP.js --id ID [options]
//
// Bundles APP.js with this SDK (esbuild), componentizes the bundle against the SDK's copy of
// the digifarm:plugin@0.1.0 WIT (componentize-qjs: QuickJS in a WebAssembly component; or
// componentize-js: SpiderMonkey), and writes DIR/ID.wasm and DIR/ID.plugin.toml (with the sha256 of the written wasm).

import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The encoding version of the input the SDK's decoder is built for.
import { ENCODING } from '../src/codec.js';

const SDK_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WIT_PATH = join(SDK_DIR, 'wit', 'plugin.wit');
const API_VERSION = '0.1.0';

/** Each kind: the WIT world, the function it exports, and what the app exports. */
const KINDS = {
  validator: { world: 'validator', fn: 'validate', define: 'defineValidator' },
  scorer: { world: 'scorer', fn: 'score', define: 'defineScorer' },
  exporter: { world: 'exporter', fn: 'exportCatalog', define: 'defineExporter' },
  importer: { world: 'importer', fn: 'importRecords', define: 'defineImporter' },
};
const CAPABILITIES = ['clocks', 'random', 'environment'];
// componentize-js engine features (StarlingMonkey's WASI use). A feature that is on makes the
// component import its WASI interfaces; by default every one is off, so a plugin imports only
// `digifarm:plugin` (its `plugin info` shows that it cannot even ask for files or clocks):
// - http, fetch-event: always off; the host never grants the network (`fetch` then traps).
// - clocks: on only when the manifest asks for the `clocks` capability. Off, `Date.now()`
//   answers the time the component was built (frozen), `performance.now()` and timers trap.
// - random: on only when the manifest asks for `random`. Off, `Math.random()` and
//   `crypto.getRandomValues()` are deterministic (the host's answer without the grant too).
// - stdio: on only with --stdio. The SDK sends `console.*` to the host's log either way. On,
//   the engine reports an exception that escapes the SDK on stderr, through the WASI preview 1
//   adapter, whose first write asks for `wasi:filesystem/preopens`: the host reports that as
//   a missing `filesystem` capability instead of the error. Off, such a call traps
//   (`unreachable`).
const ENGINE_FEATURES = ['stdio', 'random', 'clocks', 'http', 'fetch-event'];

// The engines a plugin can be built with (jco's two componentize backends):
// - quickjs (the default): QuickJS-ng through componentize-qjs. A 1.9 MB component that
//   compiles in about two seconds and runs the SDK's decoder about twice as fast; built with
//   no WASI import at all, so it takes no capability: the clock (`Date.now()`, `new Date()`)
//   traps, `Math.random()` is seeded at build time (deterministic), and of the web platform
//   only `TextEncoder`/`TextDecoder` (the SDK's, UTF-8) are there.
// - starlingmonkey: SpiderMonkey through componentize-js. A 12 MB component with the web
//   platform's APIs (`URL`, `crypto`, `Intl`, ...); its WASI features follow the plugin's
//   capabilities (below). Chosen when asked for, and by default when the plugin asks for a
//   capability or `--stdio`, which only it can take.
const BACKENDS = { quickjs: 'componentize-qjs', starlingmonkey: 'componentize-js' };

// QuickJS frees what nothing refers to at once (reference counts) and collects cycles now and
// then, each time walking every live object. A validator's or scorer's call is one batch of
// records on an instance the host throws away afterwards, so the collector's walks cost time
// (about 5 % of the Münster validator's, over its batches of 1,000 projects) and give back
// nothing the end of the call would not; those kinds are built without it, unless `--gc`. An
// exporter or importer sees the whole catalog in one call and keeps it. Either way the
// plugin's memory limit holds: a plugin that piles up cyclic garbage fails with it.
const NO_CYCLE_COLLECTOR = new Set(['validator', 'scorer']);
const BACKEND_NAMES = { quickjs: 'quickjs', qjs: 'quickjs', starlingmonkey: 'starlingmonkey', sm: 'starlingmonkey' };

function engineFeaturesOff(opts) {
  const on = new Set();
  if (opts.capabilities.includes('clocks')) on.add('clocks');
  if (opts.capabilities.includes('random')) on.add('random');
  if (opts.stdio) on.add('stdio');
  return ENGINE_FEATURES.filter((f) => !on.has(f));
}

const USAGE = `usage: digifarm-plugin build APP.js --id ID [options]

Builds a digifarm plugin from a JavaScript module into OUT/ID.wasm and OUT/ID.plugin.toml.

options:
  --id ID               plugin id, kebab-case (required)
  --kind KIND           validator | scorer | exporter | importer (default: what APP.js
                        exports: \`export const validator = defineValidator(...)\`, ...)
  --name NAME           human-readable name (default: the id)
  --version VERSION     plugin version (default: 0.1.0)
  --license SPDX        the plugin's licence (default: EUPL-1.2)
  --description TEXT    one line for \`digifarm plugin info\`
  --capabilities LIST   comma-separated: clocks, random, environment (default: none;
                        any of them builds with starlingmonkey unless --backend says otherwise)
  --memory-mb N         [limits] memory_mb in the manifest
  --timeout-ms N        [limits] timeout_ms in the manifest
  --backend ENGINE      quickjs | starlingmonkey (also qjs | sm): the JavaScript engine built
                        in. Default: quickjs (smaller and faster), or starlingmonkey when
                        --capabilities or --stdio is given; name starlingmonkey yourself
                        for the web APIs QuickJS lacks (URL, crypto, Intl; see README.md)
  --stdio               keep StarlingMonkey's stdio feature (default: off; builds with
                        starlingmonkey; see README.md)
  --gc                  QuickJS: keep the cycle collector in a validator or scorer (default:
                        built without it: each call is one batch on a fresh instance;
                        exporters and importers keep it)
  --out DIR             output directory (default: .)
  --manifest-name NAME  manifest file name (default: ID.plugin.toml; e.g. plugin.toml)
  --keep-bundle         also write OUT/ID.bundle.js (what was componentized)
  -q, --quiet           print nothing on success`;

class UsageError extends Error {}

function die(message, code = 1) {
  process.stderr.write(`digifarm-plugin: error: ${message}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    process.exit(command === undefined ? 2 : 0);
  }
  if (command !== 'build') throw new UsageError(`unknown command \`${command}\` (expected \`build\`)`);
  const opts = { positional: [] };
  const valued = new Set(['id', 'kind', 'name', 'version', 'license', 'description', 'capabilities',
    'memory-mb', 'timeout-ms', 'out', 'manifest-name', 'backend']);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (arg === '-q' || arg === '--quiet') opts.quiet = true;
    else if (arg === '--keep-bundle') opts['keep-bundle'] = true;
    else if (arg === '--stdio') opts.stdio = true;
    else if (arg === '--gc') opts.gc = true;
    else if (arg.startsWith('--')) {
      let [key, value] = arg.slice(2).split(/=(.*)/s);
      if (!valued.has(key)) throw new UsageError(`unknown option \`--${key}\``);
      if (value === undefined) {
        value = rest[++i];
        if (value === undefined) throw new UsageError(`\`--${key}\` needs a value`);
      }
      opts[key] = value;
    } else opts.positional.push(arg);
  }
  if (opts.positional.length !== 1) throw new UsageError('expected exactly one APP.js');
  if (!opts.id) throw new UsageError('`--id ID` is required');
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(opts.id) || opts.id.length > 64) {
    throw new UsageError(`the id \`${opts.id}\` is not kebab-case ([a-z0-9]+(-[a-z0-9]+)*, at most 64 characters)`);
  }
  if (opts.kind !== undefined && !Object.hasOwn(KINDS, opts.kind)) {
    throw new UsageError(`unknown kind \`${opts.kind}\` (validator, scorer, exporter or importer)`);
  }
  if (opts.backend !== undefined && !Object.hasOwn(BACKEND_NAMES, opts.backend)) {
    throw new UsageError(`unknown backend \`${opts.backend}\` (quickjs or starlingmonkey, or qjs or sm)`);
  }
  opts.capabilities = (opts.capabilities ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const c of opts.capabilities) {
    if (!CAPABILITIES.includes(c)) throw new UsageError(`unknown capability \`${c}\` (${CAPABILITIES.join(', ')})`);
  }
  // QuickJS imports no WASI: a plugin that asks for a capability or stdio gets StarlingMonkey
  // unless it names an engine.
  const needsWasi = opts.capabilities.length > 0 || opts.stdio === true;
  opts.backend = BACKEND_NAMES[opts.backend ?? (needsWasi ? 'starlingmonkey' : 'quickjs')];
  if (opts.backend === 'quickjs' && needsWasi) {
    throw new UsageError('the quickjs backend has no WASI imports: capabilities and --stdio need the starlingmonkey backend');
  }
  for (const k of ['memory-mb', 'timeout-ms']) {
    if (opts[k] !== undefined && !/^[1-9][0-9]{0,8}$/.test(opts[k])) {
      throw new UsageError(`\`--${k}\` must be a positive integer`);
    }
  }
  return opts;
}

/** A TOML basic string. */
function tomlString(s) {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function manifest(opts, kind, sha256) {
  const lines = [
    `id = ${tomlString(opts.id)}`,
    `name = ${tomlString(opts.name ?? opts.id)}`,
    `version = ${tomlString(opts.version ?? '0.1.0')}`,
    `api_version = ${tomlString(API_VERSION)}`,
    `encoding = ${ENCODING}`,
    `kind = ${tomlString(kind)}`,
    `license = ${tomlString(opts.license ?? 'EUPL-1.2')}`,
  ];
  if (opts.description) lines.push(`description = ${tomlString(opts.description)}`);
  lines.push(`sha256 = ${tomlString(sha256)}`);
  lines.push(`capabilities = [${opts.capabilities.map(tomlString).join(', ')}]`);
  if (opts['memory-mb'] || opts['timeout-ms']) {
    lines.push('', '[limits]');
    if (opts['memory-mb']) lines.push(`memory_mb = ${opts['memory-mb']}`);
    if (opts['timeout-ms']) lines.push(`timeout_ms = ${opts['timeout-ms']}`);
  }
  return `# Written by digifarm-plugin build (JavaScript SDK).\n${lines.join('\n')}\n`;
}

function esbuildErrors(e) {
  if (e && Array.isArray(e.errors) && e.errors.length) {
    return e.errors
      .map((m) => (m.location ? `${m.location.file}:${m.location.line}:${m.location.column}: ${m.text}` : m.text))
      .join('\n');
  }
  return e instanceof Error ? e.message : String(e);
}

/** Resolves `digifarm-plugin` (and its subpaths) to this SDK, whatever the app has installed. */
const SDK_ENTRIES = {
  '': join(SDK_DIR, 'src', 'index.js'),
  '/codec': join(SDK_DIR, 'src', 'codec.js'),
};
const sdkResolver = {
  name: 'digifarm-plugin-sdk',
  setup(b) {
    b.onResolve({ filter: /^digifarm-plugin(\/.*)?$/ }, (args) => {
      const path = SDK_ENTRIES[args.path.slice('digifarm-plugin'.length)];
      return path ? { path } : { errors: [{ text: `digifarm-plugin has no export \`${args.path}\`` }] };
    });
  },
};

async function bundle(esbuild, entry, { stdin } = {}) {
  const options = {
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    // the host interface is the component's import, bound by the componentize backend
    external: ['digifarm:*'],
    plugins: [sdkResolver],
    mainFields: ['module', 'main'],
    conditions: ['import', 'default'],
    logLevel: 'silent',
    legalComments: 'none',
  };
  if (stdin) options.stdin = stdin;
  else options.entryPoints = [entry];
  options.outfile = 'bundle.js';
  return esbuild.build(options);
}

async function build(opts) {
  const app = resolve(opts.positional[0]);
  if (!existsSync(app)) throw new Error(`no such file: ${opts.positional[0]}`);
  if (!statSync(app).isFile()) throw new Error(`not a file: ${opts.positional[0]}`);

  const esbuild = await import('esbuild');

  // 1. What does the app export?
  let exportsOfApp;
  try {
    const probe = await bundle(esbuild, app);
    exportsOfApp = Object.values(probe.metafile.outputs)[0]?.exports ?? [];
  } catch (e) {
    throw new Error(`cannot bundle ${opts.positional[0]}:\n${esbuildErrors(e)}`);
  }
  const found = Object.keys(KINDS).filter((k) => exportsOfApp.includes(k));
  let kind = opts.kind;
  let exportName;
  if (kind) {
    if (exportsOfApp.includes(kind)) exportName = kind;
    else if (exportsOfApp.includes('default')) exportName = 'default';
    else {
      throw new Error(`${opts.positional[0]} exports neither \`${kind}\` nor a default export (write \`export const ${kind} = ${KINDS[kind].define}(...)\`)`);
    }
  } else if (found.length === 1) {
    [kind] = found;
    exportName = kind;
  } else if (found.length === 0) {
    throw new Error(`cannot tell the plugin's kind: ${opts.positional[0]} exports none of validator, scorer, exporter, importer (write e.g. \`export const validator = defineValidator(...)\`, or pass --kind with a default export)`);
  } else {
    throw new Error(`cannot tell the plugin's kind: ${opts.positional[0]} exports ${found.join(' and ')}; pass --kind`);
  }
  const { world, fn, define } = KINDS[kind];

  // 2. Bundle an entry that exports the world's function from the app's plugin object. Its
  // top level runs when the componentize backend snapshots the engine, so a wrong export fails
  // the build.
  const entrySource = `import * as app from ${JSON.stringify(app)};
const plugin = app[${JSON.stringify(exportName)}];
if (!plugin || plugin.__digifarm_kind !== ${JSON.stringify(kind)} || typeof plugin.${fn} !== 'function') {
  throw new Error(${JSON.stringify(`the export \`${exportName}\` of ${opts.positional[0]} is not a${kind === 'importer' || kind === 'exporter' ? 'n' : ''} ${kind}: build it with ${define}(...) from 'digifarm-plugin'`)});
}
export const ${fn} = plugin.${fn};
`;
  let bundled;
  try {
    const out = await bundle(esbuild, null, {
      stdin: { contents: entrySource, resolveDir: dirname(app), sourcefile: 'digifarm-entry.js', loader: 'js' },
    });
    bundled = out.outputFiles[0].text;
  } catch (e) {
    throw new Error(`cannot bundle ${opts.positional[0]}:\n${esbuildErrors(e)}`);
  }

  // 3. Componentize.
  const outDir = resolve(opts.out ?? '.');
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'digifarm-plugin-'));
  const sourcePath = join(work, `${opts.id}.js`);
  writeFileSync(sourcePath, bundled);
  if (opts['keep-bundle']) writeFileSync(join(outDir, `${opts.id}.bundle.js`), bundled);
  const { backend } = opts;
  const disableFeatures = backend === 'quickjs' ? [] : engineFeaturesOff(opts);
  const cycleCollector = !(backend === 'quickjs' && NO_CYCLE_COLLECTOR.has(kind) && opts.gc !== true);
  let component;
  try {
    if (backend === 'quickjs') {
      const { componentize } = await import('componentize-qjs');
      ({ component } = await componentize({
        witPath: WIT_PATH,
        jsSource: bundled,
        jsPath: sourcePath,
        world,
        sync: true, // the host calls plugins synchronously
        stubWasi: true, // no WASI import at all: a call that needs one traps
        disableGc: !cycleCollector,
      }));
    } else {
      const { componentize } = await import('@bytecodealliance/componentize-js');
      ({ component } = await componentize({
        sourcePath,
        witPath: WIT_PATH,
        worldName: world,
        disableFeatures,
      }));
    }
  } catch (e) {
    throw new Error(`${BACKENDS[backend]} failed for ${opts.positional[0]} (world \`${world}\`):\n${e instanceof Error ? e.message : String(e)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  // 4. Write the wasm, then its manifest with the hash of what was written.
  const wasmPath = join(outDir, `${opts.id}.wasm`);
  const tmpWasm = `${wasmPath}.tmp-${process.pid}`;
  writeFileSync(tmpWasm, component);
  renameSync(tmpWasm, wasmPath);
  const sha256 = createHash('sha256').update(readFileSync(wasmPath)).digest('hex');
  const manifestPath = join(outDir, opts['manifest-name'] ?? `${opts.id}.plugin.toml`);
  writeFileSync(manifestPath, manifest(opts, kind, sha256));
  return { kind, wasmPath, manifestPath, size: component.length, sha256, backend, disableFeatures, cycleCollector };
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`digifarm-plugin: error: ${e.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    throw e;
  }
  const started = Date.now();
  let result;
  try {
    result = await build(opts);
  } catch (e) {
    die(e instanceof Error ? e.message : String(e));
  }
  if (!opts.quiet) {
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `built ${result.kind} \`${opts.id}\` in ${secs} s: ${result.wasmPath} (${result.size} bytes, sha256 ${result.sha256})\n` +
        `      manifest ${result.manifestPath}; engine ${result.backend}` +
        (result.backend === 'quickjs'
          ? ` (no WASI imports${result.cycleCollector ? '' : ', no cycle collector'})\n`
          : `, features off: ${result.disableFeatures.join(', ') || 'none'}\n`),
    );
  }
}

main().catch((e) => die(e instanceof Error ? e.stack ?? e.message : String(e)));
