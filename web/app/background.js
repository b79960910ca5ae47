// certkit off the main thread: the two module workers that run every
// certkit call (../worker.js), and when they start — at the page's first
// use, not with the page. Also the marks tests and benchmarks wait for,
// and the banner shown when certkit cannot start.
//
// (Not named workers.js: the page test takes any request whose path has
// "worker" in it for certkit loading, which must wait for first use.)

import { state } from './state.js';
import { $ } from './ui.js';

// The workers start from a blob: URL whose script imports worker.js. A
// worker made from a blob: URL runs under the policy of the page that
// made it (CSP Level 3, "local scheme" workers), so the page's <meta> CSP
// (connect-src 'self') governs the workers too, on any static host; a
// worker made from worker.js's own URL would take its policy from the
// host's response headers, and from a host that sends none, none at all.
// The page's worker-src allows blob: only, so no worker can start outside
// that policy. The import is dynamic: Chromium checks a module worker's
// static imports against worker-src, its dynamic ones against script-src
// ('self'). Messages that arrive before worker.js has set its handler are
// kept and handed to it.
const boot = (url) => `const early = [];
onmessage = (event) => early.push(event.data);
await import(${JSON.stringify(url)});
for (const data of early) dispatchEvent(new MessageEvent('message', { data }));`;
let workerUrl;

// A worker running worker.js, with promise-returning calls. terminate()
// rejects what is still pending with an AbortError.
function spawn() {
  workerUrl ??= URL.createObjectURL(
    new Blob([boot(new URL('../worker.js', import.meta.url).href)], { type: 'text/javascript' }),
  );
  const worker = new Worker(workerUrl, { type: 'module' });
  const pending = new Map();
  let nextId = 0;
  const failAll = (error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.onmessage = ({ data }) => {
    const call = pending.get(data.id);
    if (!call) return;
    pending.delete(data.id);
    if (data.error) call.reject(Object.assign(new Error(data.error.message), { field: data.error.field }));
    else call.resolve(data.value);
  };
  // A worker that cannot start (its script or certkit failed to load).
  worker.onerror = (event) => {
    event.preventDefault();
    const error = new Error(`certkit could not start: ${event.message || 'the worker failed to load'}`);
    failAll(error);
    showFatal(error);
  };
  return {
    call: (fn, ...args) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, fn, args });
      }),
    terminate() {
      worker.terminate();
      failAll(new DOMException('cancelled', 'AbortError'));
    },
  };
}

// Quick calls (checks, certinfo, manifests, encryption) go to the tools
// worker; genkey goes to the generator, which Cancel throws away. Neither
// exists before the first sign of use (see loadOnFirstUse).
export function tools() {
  state.toolsWorker ??= spawn();
  return state.toolsWorker;
}

export function generatorWorker() {
  if (!state.generator) {
    state.generator = spawn();
    // A failure to start shows through onerror, and again at Generate.
    state.generator.call('version').then(
      () => mark('generator'),
      () => {},
    );
  }
  return state.generator;
}

// Marks for tests and benchmarks: performance marks and <html data-*>.
export function mark(what) {
  performance.mark(`certkit:${what}`);
  document.documentElement.dataset[what] = 'ready';
}

function showFatal(error) {
  $('fatal').textContent = error.message;
  $('fatal').hidden = false;
}

// certkit's wasm loads at the first sign of use (focus, pointer, key), not
// with the page, so a visit that only reads costs the page's own few KB.
// The small (lite) module comes first — checks, CSRs for Web Crypto keys,
// the encrypted key download — then the generator (its copy comes from
// the HTTP cache). The Kubernetes manifest fetches the `kube` module (the
// lite one and the manifest) when its card is first opened. The larger
// (full) module is fetched only by what needs it: Inspect, a key file, an
// Ed25519 key or one Web Crypto cannot make. The `warm` mark says both
// workers are up.
const FIRST_USE = ['focusin', 'pointerdown', 'keydown', 'touchstart'];

export function loadOnFirstUse() {
  const load = () => {
    for (const type of FIRST_USE) document.removeEventListener(type, load, true);
    mark('used');
    warmUp();
  };
  for (const type of FIRST_USE) document.addEventListener(type, load, { capture: true, passive: true });
}

async function warmUp() {
  try {
    $('version').textContent = await tools().call('version');
    mark('tools');
    await generatorWorker().call('version');
    mark('warm');
  } catch (error) {
    showFatal(error);
  }
}
