// A validator that misbehaves on purpose, to hold the host (and the JS SDK) to their
// guarantees. What it does is chosen by the host config key `mode` (granted in the catalog's
// digifarm.toml: `grants.config = { mode = "loop" }`). Findings are about the first project.
//
//   behave       returns no findings
//   loop         loops forever (the host's deadline must stop it)
//   memory       allocates without bound (the memory limit must stop it)
//   throw        throws Error("boom") (through the SDK: the call's error)
//   trap         throws past the SDK (StarlingMonkey's bindings rethrow and the instance traps;
//                QuickJS's return it as the call's error)
//   recursion    recurses without bound (SpiderMonkey's "too much recursion"; QuickJS exhausts
//                the WebAssembly stack, a trap)
//   oversized    returns ~20 MB of message text (20 findings of 1,000,000 characters; config
//                key `mb` sets the count)
//   oversized-many  the same in 2,000 findings of 10,000 characters
//   wrong-shape  returns a number instead of a list of findings (through the SDK)
//   wrong-shape-raw  the same, past the SDK: what the engine's bindings do with it
//   bad-enum     returns a finding with severity "fatal", past the SDK
//   control      a finding whose message and help hold ESC [31m and U+202E (a valid code)
//   control-code the same in the code (which the host refuses: not kebab-case)
//   fetch        calls fetch("http://127.0.0.1:9/") (the network is never granted)
//   clock        Date.now() and new Date() in the message (StarlingMonkey without `clocks`: the
//                build's time; QuickJS: a trap)
//   clock-perf   performance.now() (without `clocks`: traps)
//   env          the environment, if the runtime exposes one
//   entropy      crypto.getRandomValues and Math.random in the message
//   math-random  Math.random alone (QuickJS has no `crypto`)

import { defineValidator, host } from 'digifarm-plugin';

const finding = (subject, message, code = 'hostile') => ({
  subject,
  code,
  severity: 'info',
  pointer: '',
  message,
  help: null,
});

const sdk = defineValidator((city, projects) => {
  const mode = host.config('mode') ?? 'behave';
  const subject = projects.length > 0 ? projects[0].id : '';
  host.log('info', `hostile-js: mode ${mode}, ${projects.length} projects`);
  switch (mode) {
    case 'behave':
      return [];
    case 'loop': {
      let n = 0;
      for (;;) n = (n + 1) | 0;
    }
    case 'memory': {
      const hoard = [];
      for (;;) hoard.push(new Array(1 << 16).fill(hoard.length));
    }
    case 'throw':
      throw new Error('boom');
    case 'recursion': {
      const down = (n) => down(n + 1) + 1;
      return [finding(subject, String(down(0)))];
    }
    case 'oversized': {
      const out = [];
      const mb = Number(host.config('mb') ?? '20');
      for (let i = 0; i < mb; i++) out.push(finding(subject, `${i} ${'x'.repeat(1000000)}`));
      return out;
    }
    case 'oversized-many': {
      const out = [];
      for (let i = 0; i < 2000; i++) out.push(finding(subject, `${i} ${'x'.repeat(10000)}`));
      return out;
    }
    case 'wrong-shape':
      return 42;
    case 'control':
      return [{ ...finding(subject, 'red \u001b[31mALERT\u001b[0m and \u202egnp.exe'), help: 'help \u001b[2J\u202e' }];
    case 'control-code':
      return [finding(subject, 'control characters in the code', 'ctl-\u001b[31m-\u202e')];
    case 'fetch': {
      const r = fetch('http://127.0.0.1:9/');
      return [finding(subject, `fetch returned ${Object.prototype.toString.call(r)}`)];
    }
    case 'clock':
      return [finding(subject, `Date.now() = ${Date.now()}, new Date() = ${new Date().toISOString()}`)];
    case 'clock-perf':
      return [finding(subject, `performance.now() = ${performance.now()}`)];
    case 'env': {
      const env = typeof process !== 'undefined' && process.env ? JSON.stringify(process.env) : 'no process.env';
      const globals = Object.getOwnPropertyNames(globalThis).sort().join(' ');
      return [finding(subject, `environment: ${env}; globals: ${globals}`.slice(0, 1900))];
    }
    case 'entropy': {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
      return [finding(subject, `getRandomValues: ${hex}; Math.random: ${Math.random()}`)];
    }
    case 'math-random':
      return [finding(subject, `Math.random: ${Math.random()} ${Math.random()}`)];
    default:
      throw new Error(`unknown mode ${mode}`);
  }
});

// Modes that must get past the SDK's own checks call the component's export directly.
export const validator = {
  ...sdk,
  validate(city, projects) {
    const mode = host.config('mode');
    if (mode === 'trap') throw new Error('boom past the SDK');
    if (mode === 'wrong-shape-raw') return 42;
    if (mode === 'bad-enum') {
      return [{ subject: 'x', code: 'bad', severity: 'fatal', pointer: '', message: 'm', help: undefined }];
    }
    return sdk.validate(city, projects);
  },
};
