// Module resolution hooks for Node.js (see register.js): the host import becomes the mock
// host, and `digifarm-plugin` this SDK (as `digifarm-plugin build` bundles it).
const MOCK = new URL('./mock-host.js', import.meta.url).href;
const SDK = {
  'digifarm-plugin': new URL('../index.js', import.meta.url).href,
  'digifarm-plugin/codec': new URL('../codec.js', import.meta.url).href,
};

export async function resolve(specifier, context, next) {
  if (specifier.startsWith('digifarm:plugin/host@')) return { url: MOCK, shortCircuit: true };
  if (Object.prototype.hasOwnProperty.call(SDK, specifier)) return { url: SDK[specifier], shortCircuit: true };
  return next(specifier, context);
}
