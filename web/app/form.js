// The request form: reading it as cfssl CSR JSON, live validation by the
// core (errors next to their fields, the SANs shown back under Hosts),
// Generate and Cancel, and import and export of the CSR JSON.
//
// Test hook: `?keygen=wasm` (or `webcrypto`, `auto`) forces genkey's key
// path. The wasm path makes RSA-4096 take seconds, which the tests use to
// exercise Cancel; it is not linked from the page.

import { state } from './state.js';
import { $, debounce, errorField, setError, splitList, toast } from './ui.js';
import { generatorWorker, tools } from './background.js';
import { hideResults, sanItem, showResults } from './results.js';

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

// ------------------------------------------------------------- the request

// The form as cfssl CSR JSON, in cfssl's key order; empty fields left out.
export function readRequest() {
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

// The hosts shown back as SANs, each with the kind certkit's core takes it
// as; `badIndex` marks the one the core rejected. A newer call wins.
async function renderSans(badIndex = -1) {
  const hosts = splitList($('hosts').value, /[\n,]/);
  const mine = ++state.sansSeq;
  let kinds;
  try {
    kinds = hosts.length ? await tools().call('hostKinds', hosts) : [];
  } catch {
    return; // the request check reports what is wrong
  }
  if (mine !== state.sansSeq) return;
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
export function showRequestError(error) {
  const path = error ? errorField(error) : null;
  const target = error ? (requestControl(path) ?? 'request') : null;
  for (const id of [...REQUEST_CONTROLS, 'request']) setError(id, id === target ? error.message : null);
  const badHost = /^hosts\[(\d+)\]/.exec(path ?? '');
  renderSans(badHost ? Number(badHost[1]) : -1);
  $('generate').setAttribute('aria-disabled', String(Boolean(error) || state.busy));
}

// Asks the core about the form as it is now; shows its answer unless a
// newer check has started meanwhile.
async function validate() {
  const request = readRequest();
  const json = JSON.stringify(request);
  const mine = ++state.checkSeq;
  let error = null;
  try {
    await tools().call('checkRequest', request);
  } catch (e) {
    error = e;
  }
  if (mine !== state.checkSeq || error?.name === 'AbortError') return;
  state.checked = { json, error };
  showRequestError(error);
}

const validateSoon = debounce(validate);

export function onRequestInput() {
  renderSans();
  validateSoon();
}

// -------------------------------------------------------------- generation

function describeKey(key) {
  if (key.algo === 'ed25519') return 'Ed25519';
  return key.algo === 'rsa' ? `RSA ${key.size}` : `ECDSA P-${key.size}`;
}

function setBusy(on, request) {
  state.busy = on;
  $('cancel').hidden = !on;
  $('progress').hidden = !on;
  $('generate').setAttribute('aria-disabled', String(on || Boolean(state.checked.error)));
  $('request-form').setAttribute('aria-busy', String(on));
  clearInterval(state.ticker);
  if (!on) return;
  const started = performance.now();
  const what = `Generating the ${describeKey(request.key)} key`;
  const tick = () => {
    $('progress-text').textContent = `${what}… ${((performance.now() - started) / 1000).toFixed(1)} s`;
  };
  tick();
  state.ticker = setInterval(tick, 100);
}

export async function generate(event) {
  event.preventDefault();
  if (state.busy) return;
  const request = readRequest();
  const json = JSON.stringify(request);
  // A check still waiting on the debounce runs now; genkey checks again
  // anyway, so a request nobody has checked yet is not held back.
  if (!validateSoon.flush() && state.checked.error && state.checked.json === json) return refuse();
  const mine = ++state.job;
  hideResults();
  setBusy(true, request);
  try {
    const out = await generatorWorker().call('generate', request, KEYGEN);
    if (mine === state.job) showResults(out, request);
  } catch (error) {
    if (error?.name === 'AbortError' || mine !== state.job) return;
    state.checked = { json, error };
    showRequestError(error);
    toast('Nothing was generated: see the message in red');
  } finally {
    if (mine === state.job) setBusy(false);
  }
}

// Generate while the form is invalid: point at the problem instead.
function refuse() {
  const invalid = document.querySelector('#request-form [aria-invalid="true"]');
  (invalid ?? $('generate')).focus();
  toast('Fix the field marked in red first');
}

export function cancel() {
  if (!state.busy) return;
  state.job++;
  state.generator.terminate();
  state.generator = null;
  setBusy(false);
  generatorWorker(); // a fresh one, warm for the next Generate
  toast('Cancelled: no key was made');
  $('generate').focus();
}

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

export function importJson() {
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

export const exportJson = () => `${JSON.stringify(readRequest(), null, 2)}\n`;
