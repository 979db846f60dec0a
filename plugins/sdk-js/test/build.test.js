// The build command's refusals that need no componentize run (an unknown backend, and
// capabilities with the QuickJS backend, whose component imports no WASI at all), and which
// engine it picks when none is named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, '..', 'bin', 'digifarm-plugin.js');
const app = resolve(here, '..', '..', 'examples-js', 'muenster-admission', 'app.js');

function build(...args) {
  const out = mkdtempSync(join(tmpdir(), 'digifarm-build-test-'));
  const r = spawnSync(process.execPath, [bin, 'build', app, '--id', 'x', '--out', out, ...args], { encoding: 'utf8' });
  return { ...r, out, written: readdirSync(out) };
}

test('an unknown backend is a usage error', () => {
  const r = build('--backend', 'v8');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown backend `v8` \(starlingmonkey or quickjs\)/);
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

test('the default engine is QuickJS, and StarlingMonkey when a capability asks for WASI', () => {
  const plain = build();
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stdout, /engine quickjs \(no WASI imports\)/);
  const clocks = build('--capabilities', 'clocks');
  assert.equal(clocks.status, 0, clocks.stderr);
  assert.match(clocks.stdout, /engine starlingmonkey, features off: stdio, random, http, fetch-event/);
  assert.match(readFileSync(join(clocks.out, 'x.plugin.toml'), 'utf8'), /capabilities = \["clocks"\]/);
});
