// What each runtime's entry point supplies to the API, kept out of the
// public exports: how to get a wasm module, and (optionally) the platform's
// own key maker. See api.js for how they are used.

export const runtime = { loader: null, makeKey: null, modules: [] };

/**
 * The entry point's function that yields a wasm module by name, and the
 * modules it can yield ("lite", "kube", "full"; "full" stands in for any
 * other).
 */
export function setLoader(fn, modules = ['lite', 'kube', 'full']) {
  runtime.loader = fn;
  runtime.modules = modules;
}

/** The entry point's key maker, where it has a better one than Web Crypto. */
export function setKeyMaker(fn) {
  runtime.makeKey = fn;
}
