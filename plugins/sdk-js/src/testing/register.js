// Runs plugin code under Node.js (unit tests of a plugin, no component): maps the WIT import
// `digifarm:plugin/host@0.1.0` to a mock host. Use `node --import digifarm-plugin/testing ...`
// or import this module before the plugin (`await import(...)` after it). Set what the mock
// answers through `mockHost` from `digifarm-plugin/testing/mock-host`.
import { register } from 'node:module';

register(new URL('./hooks.js', import.meta.url));
