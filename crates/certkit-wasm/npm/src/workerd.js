// Cloudflare Workers (workerd): the runtime does not compile wasm from bytes
// at run time, so the modules are imported; wrangler and workerd's config
// both turn a .wasm import into a compiled WebAssembly.Module.
import lite from '../wasm/certkit_lite_bg.wasm';
import full from '../wasm/certkit_full_bg.wasm';
import { setLoader } from './runtime.js';

// No `kube` module: every module a Worker imports is compiled when it
// starts; the full module makes its manifests.
setLoader((name) => (name === 'lite' ? lite : full), ['lite', 'full']);

export * from './api.js';
