// What each runtime's entry point supplies to the API, kept out of the
// public exports: how to get a wasm module, and (optionally) the platform's
// own key maker. See api.js for how they are used.

export const runtime = { loader: null, makeKey: null };

/** The entry point's function that yields a wasm module ("lite" or "full"). */
export function setLoader(fn) {
  runtime.loader = fn;
}

/** The entry point's key maker, where it has a better one than Web Crypto. */
export function setKeyMaker(fn) {
  runtime.makeKey = fn;
}
