// What the host offers every plugin: the WIT import `digifarm:plugin/host@0.1.0`, wrapped so
// that plugin code sees snake_case records and `null` for an absent option.
//
// The build's engine binds the import specifier below to the component's import: QuickJS as
// the module's default export, StarlingMonkey as its named exports. Under Node (unit tests of
// a plugin), `digifarm-plugin/testing` maps it to a mock host.
import * as witModule from 'digifarm:plugin/host@0.1.0';

const wit = witModule.default ?? witModule;

const LEVELS = new Set(['debug', 'info', 'warn', 'error']);

/**
 * Appends a line to the plugin's log (a bounded buffer in the host; it shows up in error
 * messages). `level` is `debug`, `info`, `warn` or `error`.
 */
export function log(level, message) {
  const lvl = LEVELS.has(level) ? level : 'info';
  wit.log(lvl, String(message));
}

/** The configuration value the city granted this plugin under `key`, or `null`. */
export function config(key) {
  const v = wit.config(String(key));
  return v === undefined || v === null ? null : v;
}

/**
 * The host licence engine's verdict on an SPDX expression under the city's policy:
 * `{valid_expression, allowed, normalized, problems}` (`normalized` is `null` when absent;
 * `problems` holds one `code: message` line per problem).
 */
export function checkLicense(expression) {
  const key = String(expression);
  let v = caching ? verdicts.get(key) : undefined;
  if (v === undefined) {
    const w = wit.checkLicense(key);
    v = {
      valid_expression: w.validExpression,
      allowed: w.allowed,
      normalized: w.normalized === undefined || w.normalized === null ? null : w.normalized,
      problems: [...w.problems],
    };
    if (caching) verdicts.set(key, v);
  }
  // Every caller gets its own verdict object (a literal: a spread costs more in the engine).
  return {
    valid_expression: v.valid_expression,
    allowed: v.allowed,
    normalized: v.normalized,
    problems: v.problems.length === 0 ? [] : v.problems.slice(),
  };
}

// The host's answers of the current call, by expression: the city's policy does not change
// during a call and a catalog uses a handful of licences, so each expression crosses to the
// host once. Outside a call (a plugin's unit tests under Node) nothing is kept.
const verdicts = new Map();
var caching = false;

/** Starts a call: verdicts are kept until `endCall`. */
export function beginCall() {
  verdicts.clear();
  caching = true;
}

/** Ends a call and forgets its verdicts. */
export function endCall() {
  caching = false;
  verdicts.clear();
}

export const host = {
  log,
  config,
  checkLicense,
  debug: (message) => log('debug', message),
  info: (message) => log('info', message),
  warn: (message) => log('warn', message),
  error: (message) => log('error', message),
};

// `console` goes to the host's log. StarlingMonkey's own console writes to stderr through the
// WASI preview 1 adapter, whose first write asks for `wasi:filesystem/preopens`, a capability
// the host never grants: without this, a plugin's `console.log` would fail its call.
function show(v) {
  if (typeof v === 'string') return v;
  if (v instanceof Error) return v.stack ? `${v.name}: ${v.message}\n${v.stack}` : `${v.name}: ${v.message}`;
  if (typeof v === 'object' && v !== null) {
    try {
      return JSON.stringify(v);
    } catch {
      return Object.prototype.toString.call(v);
    }
  }
  return String(v);
}

function logger(level) {
  return (...args) => {
    try {
      wit.log(level, args.map(show).join(' '));
    } catch {
      // logging never fails a call
    }
  };
}

const consoleToHost = {
  log: logger('info'),
  info: logger('info'),
  debug: logger('debug'),
  trace: logger('debug'),
  warn: logger('warn'),
  error: logger('error'),
  dir: logger('info'),
  assert: (cond, ...args) => {
    if (!cond) logger('error')('Assertion failed', ...args);
  },
};
if (typeof globalThis.console === 'object' && globalThis.console !== null) {
  for (const [name, fn] of Object.entries(consoleToHost)) {
    try {
      globalThis.console[name] = fn;
    } catch {
      // a frozen console stays as it is
    }
  }
} else {
  globalThis.console = consoleToHost;
}
