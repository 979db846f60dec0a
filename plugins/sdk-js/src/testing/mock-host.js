// A stand-in for the host interface under Node.js, shaped as componentize-js binds the WIT
// import (camelCase fields, `undefined` for none). Tests set `mockHost.config` and
// `mockHost.licenses`, and read `mockHost.logs`.
export const mockHost = {
  /** The config values the "city" granted. */
  config: {},
  /** `{level, message}` lines the plugin logged. */
  logs: [],
  /** SPDX expressions the policy allows; anything else is refused. */
  licenses: ['MIT', 'Apache-2.0', 'EUPL-1.2', 'GPL-3.0-or-later', 'AGPL-3.0-or-later', 'BSD-3-Clause'],
};

export function log(level, message) {
  mockHost.logs.push({ level, message });
}

export function config(key) {
  return Object.prototype.hasOwnProperty.call(mockHost.config, key) ? mockHost.config[key] : undefined;
}

export function checkLicense(expression) {
  const allowed = mockHost.licenses.includes(expression);
  return {
    validExpression: allowed,
    allowed,
    normalized: allowed ? expression : undefined,
    problems: allowed ? [] : [`license-not-allowed: \`${expression}\` is not allowed (mock host)`],
  };
}
