// certkit's web page: the form, live validation and the results. Every
// check, key and CSR comes from certkit (the npm package's browser entry),
// which runs in module workers (worker.js), so nothing here can block the
// page and Cancel can stop a key mid-generation.
//
// Test hook: `?keygen=wasm` (or `webcrypto`, `auto`) forces genkey's key
// path. The wasm path makes RSA-4096 take seconds, which the tests use to
// exercise Cancel; it is not linked from the page.

const $ = (id) => document.getElementById(id);
const DEBOUNCE_MS = 150;

const KEYGEN = ['auto', 'webcrypto', 'wasm'].find((k) => k === new URLSearchParams(location.search).get('keygen'));

// The select's values, as cfssl's `key` object.
const KEYS = {
  'ecdsa-256': { algo: 'ecdsa', size: 256 },
  'ecdsa-384': { algo: 'ecdsa', size: 384 },
  'rsa-2048': { algo: 'rsa', size: 2048 },
  'rsa-3072': { algo: 'rsa', size: 3072 },
  'rsa-4096': { algo: 'rsa', size: 4096 },
  ed25519: { algo: 'ed25519' },
};

// cfssl's `names[0]` attributes and the inputs that hold them.
const NAME_FIELDS = { C: 'country', ST: 'state', L: 'locality', O: 'org', OU: 'ou' };

// ---------------------------------------------------------------- workers

// A worker running worker.js, with promise-returning calls. terminate()
// rejects what is still pending with an AbortError.
function spawn() {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
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
let toolsWorker = null;
let generator = null;

function tools() {
  toolsWorker ??= spawn();
  return toolsWorker;
}

function generatorWorker() {
  if (!generator) {
    generator = spawn();
    // A failure to start shows through onerror, and again at Generate.
    generator.call('version').then(
      () => mark('generator'),
      () => {},
    );
  }
  return generator;
}

// Marks for tests and benchmarks: performance marks and <html data-*>.
function mark(what) {
  performance.mark(`certkit:${what}`);
  document.documentElement.dataset[what] = 'ready';
}

function showFatal(error) {
  $('fatal').textContent = error.message;
  $('fatal').hidden = false;
}

// ------------------------------------------------------------ small helpers

// fn, called DEBOUNCE_MS after the last call; flush() runs it now if due.
function debounce(fn) {
  let timer = 0;
  const run = () => {
    timer = 0;
    fn();
  };
  const debounced = () => {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  };
  debounced.flush = () => {
    if (!timer) return false;
    clearTimeout(timer);
    run();
    return true;
  };
  return debounced;
}

// Wraps an async function so that only the newest call's outcome is
// delivered: a slow answer to an old input never overwrites a newer one.
// drop() discards the answer to the call in flight.
function newestOnly(fn, onResult) {
  let seq = 0;
  const call = async (...args) => {
    const mine = ++seq;
    let outcome;
    try {
      outcome = { value: await fn(...args) };
    } catch (error) {
      if (error?.name === 'AbortError') return;
      outcome = { error };
    }
    if (mine === seq) onResult(outcome);
  };
  call.drop = () => seq++;
  return call;
}

// The field path a certkit error names: `error.field` where the package
// sets it, else the message's prefix (`hosts[1] …`, `names[0].C: …`).
function errorField(error) {
  if (error.field) return error.field;
  return /^([A-Za-z]+(?:\[\d+\])?(?:\.[A-Za-z]+)?)(?::|\s`|\s\d)/.exec(error.message)?.[1] ?? null;
}

function setError(id, message) {
  const control = $(id);
  const slot = $(`${id}-error`);
  slot.textContent = message ?? '';
  slot.hidden = !message;
  if (!control) return;
  if (message) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
}

function toast(message) {
  const el = $('toast');
  el.textContent = message;
  el.classList.add('shown');
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove('shown'), 2500);
}

function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later, not at once: the download reads the blob asynchronously.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function copy(text, what) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard permission (or an old browser): the selection fallback.
    const area = document.createElement('textarea');
    area.value = text;
    area.className = 'vh';
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
  toast(`${what} copied`);
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

// ------------------------------------------------------------- the request

function splitList(text, separators) {
  return text
    .split(separators)
    .map((s) => s.trim())
    .filter(Boolean);
}

// The form as cfssl CSR JSON, in cfssl's key order; empty fields left out.
function readRequest() {
  const request = {};
  const cn = $('cn').value.trim();
  if (cn) request.CN = cn;
  const hosts = splitList($('hosts').value, /[\n,]/);
  if (hosts.length) request.hosts = hosts;
  request.key = { ...KEYS[$('key').value] };
  const name = {};
  for (const [attr, id] of Object.entries(NAME_FIELDS)) {
    const value = $(id).value.trim();
    if (value) name[attr] = value;
  }
  if (Object.keys(name).length) request.names = [name];
  return request;
}

// How the page names certkit's SAN kinds.
const SAN_LABELS = { DNS: 'DNS', IP: 'IP', email: 'Email', URI: 'URI' };

function sanItem(host, kind, bad) {
  const li = element('li', bad ? 'bad' : '');
  li.append(element('span', 'kind', SAN_LABELS[kind] ?? kind), ' ', element('span', 'value', host));
  return li;
}

let sansSeq = 0;

// The hosts shown back as SANs, each with the kind certkit's core takes it
// as; `badIndex` marks the one the core rejected. A newer call wins.
async function renderSans(badIndex = -1) {
  const hosts = splitList($('hosts').value, /[\n,]/);
  const mine = ++sansSeq;
  let kinds;
  try {
    kinds = hosts.length ? await tools().call('hostKinds', hosts) : [];
  } catch {
    return; // the request check reports what is wrong
  }
  if (mine !== sansSeq) return;
  $('sans').replaceChildren(...hosts.map((host, i) => sanItem(host, kinds[i], i === badIndex)));
  $('sans').hidden = hosts.length === 0;
}

// The form control for a request field path: `CN`, `hosts[1]`, `key.size`,
// `names[0].C`; null for errors about the request as a whole.
function requestControl(path) {
  const m = /^(CN|hosts|key|names)(?:\[(\d+)\])?(?:\.(\w+))?$/.exec(path ?? '');
  if (!m) return null;
  if (m[1] === 'names') return m[2] === '0' ? (NAME_FIELDS[m[3]] ?? null) : null;
  return { CN: 'cn', hosts: 'hosts', key: 'key' }[m[1]];
}

const REQUEST_CONTROLS = ['cn', 'hosts', 'key', ...Object.values(NAME_FIELDS)];

// Shows a request error next to its field (or under the form), or clears.
function showRequestError(error) {
  const path = error ? errorField(error) : null;
  const target = error ? (requestControl(path) ?? 'request') : null;
  for (const id of [...REQUEST_CONTROLS, 'request']) setError(id, id === target ? error.message : null);
  const badHost = /^hosts\[(\d+)\]/.exec(path ?? '');
  renderSans(badHost ? Number(badHost[1]) : -1);
  $('generate').setAttribute('aria-disabled', String(Boolean(error) || busy));
}

// The last request checked, and the core's verdict on it.
let checked = { json: null, error: null };
let checkSeq = 0;

// Asks the core about the form as it is now; shows its answer unless a
// newer check has started meanwhile.
async function validate() {
  const request = readRequest();
  const json = JSON.stringify(request);
  const mine = ++checkSeq;
  let error = null;
  try {
    await tools().call('checkRequest', request);
  } catch (e) {
    error = e;
  }
  if (mine !== checkSeq || error?.name === 'AbortError') return;
  checked = { json, error };
  showRequestError(error);
}

const validateSoon = debounce(validate);

function onRequestInput() {
  renderSans();
  validateSoon();
}

// -------------------------------------------------------------- generation

let busy = false;
let job = 0; // bumps on every start and Cancel, so stale endings are ignored
let ticker = 0;
let result = null; // { csr, key } last generated

function describeKey(key) {
  if (key.algo === 'ed25519') return 'Ed25519';
  return key.algo === 'rsa' ? `RSA ${key.size}` : `ECDSA P-${key.size}`;
}

function setBusy(on, request) {
  busy = on;
  $('cancel').hidden = !on;
  $('progress').hidden = !on;
  $('generate').setAttribute('aria-disabled', String(on || Boolean(checked.error)));
  $('request-form').setAttribute('aria-busy', String(on));
  clearInterval(ticker);
  if (!on) return;
  const started = performance.now();
  const what = `Generating the ${describeKey(request.key)} key`;
  const tick = () => {
    $('progress-text').textContent = `${what}… ${((performance.now() - started) / 1000).toFixed(1)} s`;
  };
  tick();
  ticker = setInterval(tick, 100);
}

async function generate(event) {
  event.preventDefault();
  if (busy) return;
  const request = readRequest();
  const json = JSON.stringify(request);
  // A check still waiting on the debounce runs now; genkey checks again
  // anyway, so a request nobody has checked yet is not held back.
  if (!validateSoon.flush() && checked.error && checked.json === json) return refuse();
  const mine = ++job;
  hideResults();
  setBusy(true, request);
  try {
    const out = await generatorWorker().call('generate', request, KEYGEN);
    if (mine === job) showResults(out, request);
  } catch (error) {
    if (error?.name === 'AbortError' || mine !== job) return;
    checked = { json, error };
    showRequestError(error);
    toast('Nothing was generated: see the message in red');
  } finally {
    if (mine === job) setBusy(false);
  }
}

// Generate while the form is invalid: point at the problem instead.
function refuse() {
  const invalid = document.querySelector('#request-form [aria-invalid="true"]');
  (invalid ?? $('generate')).focus();
  toast('Fix the field marked in red first');
}

function cancel() {
  if (!busy) return;
  job++;
  generator.terminate();
  generator = null;
  setBusy(false);
  generatorWorker(); // a fresh one, warm for the next Generate
  toast('Cancelled: no key was made');
  $('generate').focus();
}

// ----------------------------------------------------------------- results

let generatedCount = 0;

function hideResults() {
  result = null;
  $('results').hidden = true;
  for (const id of ['csr', 'key-pem', 'k8s-yaml']) $(id).value = '';
}

// The CSR's summary comes from the tools worker after the CSR is shown:
// certinfo needs certkit's larger wasm module, which genkey does not.
const summarize = newestOnly(
  (csr) => tools().call('certinfo', csr),
  ({ value, error }) => {
    if (value) renderInfo($('csr-info'), value);
    else $('csr-info').replaceChildren(element('dt', '', 'Summary'), element('dd', 'error', error.message));
  },
);

function showResults(out, request) {
  result = { csr: out.csr, key: out.key };
  $('csr').value = out.csr;
  $('key-pem').value = out.key;
  $('csr-info').replaceChildren();
  summarize(out.csr);
  if (!k8sNameEdited) $('k8s-name').value = objectName(request);
  $('results').hidden = false;
  // Marks when the CSR is on the page, for tests and benchmarks.
  $('results').dataset.count = String(++generatedCount);
  updateManifest();
  if ($('results').getBoundingClientRect().top > innerHeight) $('results').scrollIntoView({ block: 'start' });
  toast('Your CSR and key are ready');
}

function distinguishedName(name) {
  const parts = [
    ['CN', name.common_name],
    ['OU', name.organizational_unit],
    ['O', name.organization],
    ['L', name.locality],
    ['ST', name.province],
    ['C', name.country],
  ];
  return (
    parts
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ') || '(empty)'
  );
}

function sanList(sans, kinds) {
  const ul = element('ul', 'sans');
  ul.append(...sans.map((san, i) => sanItem(san, kinds[i], false)));
  return ul;
}

// certinfo's object (a CSR's or a certificate's) as a definition list.
function renderInfo(dl, info) {
  const rows = [
    ['Subject', distinguishedName(info.subject)],
    ['Issuer', info.issuer && distinguishedName(info.issuer)],
    ['Serial number', info.serial_number],
    ['Valid from', info.not_before],
    ['Valid until', info.not_after],
    ['SANs', info.sans?.length ? sanList(info.sans, info.sanKinds ?? []) : 'none'],
    ['Key', info.public_key],
    ['Signature algorithm', info.sigalg],
    ['Subject key ID', info.subject_key_id],
    ['Authority key ID', info.authority_key_id],
  ];
  dl.replaceChildren();
  for (const [term, value] of rows) {
    if (!value) continue;
    const dd = element('dd');
    dd.append(value);
    dl.append(element('dt', '', term), dd);
  }
}

async function downloadKey() {
  if (!result) return;
  const passphrase = $('passphrase').value;
  if (!passphrase) return download('server-key.pem', result.key, 'application/x-pem-file');
  const button = $('key-download');
  if (button.getAttribute('aria-disabled') === 'true') return; // encrypting
  button.setAttribute('aria-disabled', 'true');
  toast('Encrypting the key…');
  try {
    const encrypted = await tools().call('encryptKey', result.key, passphrase);
    setError('passphrase', null);
    download('server-key.pem', encrypted, 'application/x-pem-file');
    toast('Encrypted key downloaded');
  } catch (error) {
    setError('passphrase', error.message);
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

function onPassphraseInput() {
  const encrypted = $('passphrase').value !== '';
  $('key-download').textContent = encrypted ? 'Download encrypted server-key.pem' : 'Download server-key.pem';
  setError('passphrase', null);
}

// ------------------------------------------------------- Kubernetes manifest

let k8sNameEdited = false;
const K8S_CONTROLS = {
  name: 'k8s-name',
  signerName: 'k8s-signer',
  usages: 'k8s-usages',
  expirationSeconds: 'k8s-expiration',
};

// A valid metadata.name from the CN (or first host): lowercase, `-` for
// anything Kubernetes does not allow.
function objectName(request) {
  const base = (request.CN || request.hosts?.[0] || '').toLowerCase();
  const name = base
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
    .slice(0, 253);
  return name || 'certkit-csr';
}

function manifestOptions() {
  const options = { name: $('k8s-name').value.trim(), signerName: $('k8s-signer').value.trim() };
  const usages = splitList($('k8s-usages').value, ',');
  if (usages.length) options.usages = usages;
  const expiration = $('k8s-expiration').value.trim();
  if (expiration) options.expirationSeconds = Number(expiration);
  return options;
}

const renderManifest = newestOnly(
  (csr, options) => tools().call('kubernetesCsr', csr, options),
  ({ value, error }) => {
    const path = error ? errorField(error) : null;
    const target = error ? (K8S_CONTROLS[path?.replace(/\[\d+\]$/, '')] ?? 'k8s') : null;
    for (const id of [...Object.values(K8S_CONTROLS), 'k8s']) setError(id, id === target ? error.message : null);
    $('k8s-yaml').value = value ?? '';
    $('k8s-copy').disabled = $('k8s-download').disabled = !value;
  },
);

function updateManifest() {
  if (result) renderManifest(result.csr, manifestOptions());
}

const updateManifestSoon = debounce(updateManifest);

// ------------------------------------------------------- import and export

// cfssl `key` → the select's value, or null if the form does not offer it.
function keyOption(key) {
  if (key === undefined) return 'ecdsa-256';
  const algo = String(key?.algo ?? '').toLowerCase();
  if (algo === 'ed25519') return 'ed25519';
  const size = key?.size ?? (algo === 'rsa' ? 2048 : 256);
  return KEYS[`${algo}-${size}`] ? `${algo}-${size}` : null;
}

// Fills the form from cfssl CSR JSON; returns what the form cannot hold.
function fillForm(data) {
  const ignored = Object.keys(data).filter((k) => !['CN', 'hosts', 'key', 'names'].includes(k));
  const text = (v, what) => {
    if (v === undefined || typeof v === 'string') return v ?? '';
    ignored.push(what);
    return '';
  };
  $('cn').value = text(data.CN, 'CN');
  const hosts = Array.isArray(data.hosts) ? data.hosts : [];
  if (data.hosts !== undefined && !Array.isArray(data.hosts)) ignored.push('hosts');
  $('hosts').value = hosts.map((h, i) => text(h, `hosts[${i}]`)).join('\n');
  const key = keyOption(data.key);
  if (key) $('key').value = key;
  else ignored.push(`key (${JSON.stringify(data.key)} is not offered here)`);
  const names = Array.isArray(data.names) ? data.names : [];
  const first = names[0] && typeof names[0] === 'object' ? names[0] : {};
  for (const [attr, id] of Object.entries(NAME_FIELDS)) $(id).value = text(first[attr], `names[0].${attr}`);
  for (const attr of Object.keys(first)) if (!NAME_FIELDS[attr]) ignored.push(`names[0].${attr}`);
  names.slice(1).forEach((_, i) => ignored.push(`names[${i + 1}]`));
  return ignored;
}

function importJson() {
  let data;
  try {
    data = JSON.parse($('import-json').value);
  } catch (error) {
    return setError('import-json', `This is not JSON: ${error.message}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return setError(
      'import-json',
      'cfssl CSR JSON is an object, like {"CN": "web.example.com", "hosts": ["web.example.com"]}',
    );
  }
  setError('import-json', null);
  const ignored = fillForm(data);
  $('import-json-note').textContent = ignored.length
    ? `Not imported (the form has no place for them): ${ignored.join(', ')}`
    : '';
  $('import-json-note').hidden = !ignored.length;
  renderSans();
  validate();
  toast('Imported into the form');
}

const exportJson = () => `${JSON.stringify(readRequest(), null, 2)}\n`;

// ----------------------------------------------------------------- inspect

const showInspectInfo = newestOnly(
  (pem) => tools().call('certinfo', pem),
  ({ value, error }) => {
    setError('inspect-pem', error?.message);
    if (value) renderInfo($('inspect-info'), value);
    else $('inspect-info').replaceChildren();
  },
);

function setMatch(matches) {
  const text = { true: '✓ The private key matches.', false: '✗ The private key does not match.' };
  $('match').textContent = text[matches] ?? '';
  $('match').className = matches === undefined ? 'match' : `match ${matches ? 'ok' : 'no'}`;
}

const showMatch = newestOnly(
  (pem, key) => tools().call('keyMatches', pem, key),
  ({ value, error }) => {
    // keyMatches' errors name what they are about: the key, or the other
    // input (whose error certinfo already shows).
    setError('inspect-key', error && /^the (private )?key/.test(error.message) ? error.message : null);
    setMatch(value);
  },
);

const inspect = debounce(() => {
  const pem = $('inspect-pem').value.trim();
  const key = $('inspect-key').value.trim();
  if (pem) showInspectInfo(pem);
  else {
    showInspectInfo.drop();
    setError('inspect-pem', null);
    $('inspect-info').replaceChildren();
  }
  if (pem && key) showMatch(pem, key);
  else {
    showMatch.drop();
    setError('inspect-key', null);
    setMatch(undefined);
  }
});

function inspectGenerated() {
  if (!result) return;
  $('inspect-pem').value = result.csr;
  $('inspect-key').value = result.key;
  selectTab($('tab-inspect'), true);
  inspect();
  inspect.flush();
}

// -------------------------------------------------------------------- tabs

const TABS = [...document.querySelectorAll('[role="tab"]')];

function selectTab(tab, focus) {
  for (const t of TABS) {
    const selected = t === tab;
    t.setAttribute('aria-selected', String(selected));
    t.tabIndex = selected ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !selected;
  }
  if (focus) tab.focus();
}

// Arrow keys, Home and End move between tabs (the WAI-ARIA tabs pattern).
function onTabKey(event) {
  const i = TABS.indexOf(event.target);
  const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 }[event.key];
  if (i < 0 || next === undefined) return;
  event.preventDefault();
  selectTab(TABS[(next + TABS.length) % TABS.length], true);
}

// ------------------------------------------------------------------ wiring

function on(id, type, fn) {
  $(id).addEventListener(type, fn);
}

function wire() {
  on('request-form', 'submit', generate);
  on('request-form', 'input', (event) => {
    if (event.target.closest('details')) return; // the import box
    onRequestInput();
  });
  on('cancel', 'click', cancel);
  on('import', 'click', importJson);
  on('json-copy', 'click', () => copy(exportJson(), 'CSR JSON'));
  on('json-download', 'click', () => download('csr.json', exportJson(), 'application/json'));
  on('csr-copy', 'click', () => result && copy(result.csr, 'CSR'));
  on('csr-download', 'click', () => result && download('server.csr', result.csr, 'application/pkcs10'));
  on('key-copy', 'click', () => result && copy(result.key, 'Private key'));
  on('key-download', 'click', downloadKey);
  on('passphrase', 'input', onPassphraseInput);
  for (const id of Object.values(K8S_CONTROLS)) on(id, 'input', updateManifestSoon);
  on('k8s-name', 'input', () => {
    k8sNameEdited = $('k8s-name').value !== ''; // cleared: follow the CN again
  });
  on('k8s-copy', 'click', () => copy($('k8s-yaml').value, 'Manifest'));
  on('k8s-download', 'click', () => download('csr.yaml', $('k8s-yaml').value, 'application/yaml'));
  on('inspect-pem', 'input', inspect);
  on('inspect-key', 'input', inspect);
  on('inspect-generated', 'click', inspectGenerated);
  for (const tab of TABS) tab.addEventListener('click', () => selectTab(tab, false));
  $('tab-new').parentElement.addEventListener('keydown', onTabKey);
}

// certkit's wasm loads at the first sign of use (focus, pointer, key), not
// with the page, so a visit that only reads costs the page's own few KB.
// The small module comes first (checks, and CSRs for Web Crypto keys),
// then the generator (its copy comes from the HTTP cache), then the larger
// module for certinfo, manifests and encryption.
const FIRST_USE = ['focusin', 'pointerdown', 'keydown', 'touchstart'];

function loadOnFirstUse() {
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
    generatorWorker();
    await tools().call('warm');
    mark('warm');
  } catch (error) {
    showFatal(error);
  }
}

function start() {
  wire();
  loadOnFirstUse();
  mark('interactive');
}

start();
