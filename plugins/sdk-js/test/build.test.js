// The build command's refusals, which need no componentize run (an unknown backend, and
// capabilities with the QuickJS backend, whose component imports no WASI at all), and which
// engine it picks when none is named (three real builds, one with StarlingMonkey: about 15 s).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, '..', 'bin', 'digifarm-plugin.js');
const app = resolve(here, '..', '..', 'examples-js', 'muenster-admission', 'app.js');

function buildApp(source, ...args) {
  const out = mkdtempSync(join(tmpdir(), 'digifarm-build-test-'));
  const r = spawnSync(process.execPath, [bin, 'build', source, '--id', 'x', '--out', out, ...args], { encoding: 'utf8' });
  const written = readdirSync(out).sort();
  const manifest = existsSync(join(out, 'x.plugin.toml')) ? readFileSync(join(out, 'x.plugin.toml'), 'utf8') : null;
  rmSync(out, { recursive: true, force: true });
  return { ...r, written, manifest };
}

const build = (...args) => buildApp(app, ...args);

test('an unknown backend is a usage error', () => {
  const r = build('--backend', 'v8');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown backend `v8` \(quickjs or starlingmonkey, or qjs or sm\)/);
  assert.deepEqual(r.written, []);
});

test('names inherited from Object.prototype are no backend and no kind', () => {
  for (const args of [['--backend', 'toString'], ['--backend', '__proto__'], ['--kind', 'constructor']]) {
    const r = build(...args);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, /unknown (backend|kind) `/, args.join(' '));
    assert.deepEqual(r.written, []);
  }
});

test('QuickJS refuses capabilities and stdio, and writes nothing', () => {
  for (const extra of [['--capabilities', 'clocks'], ['--stdio']]) {
    const r = build('--backend', 'quickjs', ...extra);
    assert.equal(r.status, 2, extra.join(' '));
    assert.match(r.stderr, /the quickjs backend has no WASI imports: capabilities and --stdio need the starlingmonkey backend/);
    assert.deepEqual(r.written, []);
  }
});

test('the default engine is QuickJS, and StarlingMonkey when a capability or stdio asks for WASI', () => {
  const plain = build();
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stdout, /engine quickjs \(no WASI imports, no cycle collector\)/);
  assert.deepEqual(plain.written, ['x.plugin.toml', 'x.wasm']);
  assert.match(plain.manifest, /^capabilities = \[\]$/m);
  const clocks = build('--capabilities', 'clocks');
  assert.equal(clocks.status, 0, clocks.stderr);
  assert.match(clocks.stdout, /engine starlingmonkey, features off: stdio, random, http, fetch-event/);
  assert.deepEqual(clocks.written, ['x.plugin.toml', 'x.wasm']);
  assert.match(clocks.manifest, /capabilities = \["clocks"\]/);
  const stdio = build('--stdio');
  assert.equal(stdio.status, 0, stdio.stderr);
  assert.match(stdio.stdout, /engine starlingmonkey, features off: random, clocks, http, fetch-event/);
});

test('QuickJS validators are built without the cycle collector unless --gc; exporters keep it', () => {
  const plain = build('--backend', 'quickjs');
  const gc = build('--backend', 'quickjs', '--gc');
  assert.equal(plain.status, 0, plain.stderr);
  assert.equal(gc.status, 0, gc.stderr);
  assert.match(plain.stdout, /engine quickjs \(no WASI imports, no cycle collector\)\n/);
  assert.match(gc.stdout, /engine quickjs \(no WASI imports\)\n/);
  const feed = resolve(here, '..', '..', 'examples-js', 'rss-feed', 'app.js');
  const exporter = buildApp(feed);
  assert.equal(exporter.status, 0, exporter.stderr);
  assert.match(exporter.stdout, /built exporter .*\n.*engine quickjs \(no WASI imports\)\n/);
  assert.match(plain.manifest, /^encoding = 3$/m);
});
