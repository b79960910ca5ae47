// Browsers (and any runtime with fetch and URL-relative modules): each wasm
// module is fetched from beside this file on first use, with streaming
// compilation where the server sends application/wasm. Making a CSR for a
// Web Crypto key needs only the small `lite` module.
import { setLoader } from './runtime.js';

setLoader((name) => new URL(`../wasm/certkit_${name}_bg.wasm`, import.meta.url));

export * from './api.js';
