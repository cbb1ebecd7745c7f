/**
 * Module resolve hook of the electron stand-in (registered by register.mjs): the specifier
 * `electron` (and `electron/main`) resolves to the RECORDING STAND-IN (electron.mjs) instead of
 * the npm package, which in plain Node only exports the path of a binary. Renderer-only and
 * utility-process entry points are refused with a clear error. Everything else resolves as usual.
 */
const standIn = new URL('./electron.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron' || specifier === 'electron/main') return { url: standIn, format: 'module', shortCircuit: true };
  if (specifier === 'electron/renderer' || specifier === 'electron/utility' || specifier === 'electron/common') {
    throw new Error(`electron stand-in: '${specifier}' is not available; the stand-in covers the main process ('electron' / 'electron/main') only`);
  }
  return nextResolve(specifier, context);
}
