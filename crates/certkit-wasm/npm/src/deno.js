// Deno: the wasm modules are read from the package's own files.
import { setLoader } from './runtime.js';

setLoader((name) => Deno.readFile(new URL(`../wasm/certkit_${name}_bg.wasm`, import.meta.url)));

export * from './api.js';
