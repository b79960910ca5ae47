// Node.js (>= 20): the wasm modules are read from the package's own files.
import { readFile } from 'node:fs/promises';
import { setLoader } from './api.js';

setLoader((name) => readFile(new URL(`../wasm/certkit_${name}_bg.wasm`, import.meta.url)));

export * from './api.js';
