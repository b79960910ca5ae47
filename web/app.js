// certkit's web page: the form, live validation and the results. Every
// check, key and CSR comes from certkit (the npm package's browser entry),
// which runs in module workers (worker.js), so nothing here can block the
// page and Cancel can stop a key mid-generation.
//
// This entry wires the page's modules (app/: state, ui, background, form,
// results, k8s, inspect, tabs; each opens with what it owns) to its
// controls and starts it. It imports every module itself, so the browser
// asks for them all at once; they import one another without cycles.

import { state } from './app/state.js';
import { $, copy, download, setError } from './app/ui.js';
import { loadOnFirstUse, mark } from './app/background.js';
import { cancel, exportJson, generate, importJson, onRequestInput } from './app/form.js';
import { downloadKey, onPassphraseInput } from './app/results.js';
import { K8S_CONTROLS, onNameInput, updateManifest, updateManifestSoon } from './app/k8s.js';
import { downloadP12, inspect, inspectGenerated } from './app/inspect.js';
import { TABS, onTabKey, selectTab } from './app/tabs.js';

const existing = () => import('./app/existing.js');

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
  on('csr-copy', 'click', () => state.result && copy(state.result.csr, 'CSR'));
  on('csr-download', 'click', () => state.result && download('server.csr', state.result.csr, 'application/pkcs10'));
  on('key-copy', 'click', () => state.result && copy(state.result.key, 'Private key'));
  on('key-download', 'click', downloadKey);
  on('passphrase', 'input', onPassphraseInput);
  for (const id of Object.values(K8S_CONTROLS)) on(id, 'input', updateManifestSoon);
  on('k8s-name', 'input', onNameInput);
  on('k8s-card', 'toggle', updateManifest);
  on('k8s-copy', 'click', () => copy($('k8s-yaml').value, 'Manifest'));
  on('k8s-download', 'click', () => download('csr.yaml', $('k8s-yaml').value, 'application/yaml'));
  on('inspect-pem', 'input', inspect);
  on('inspect-key', 'input', inspect);
  on('inspect-generated', 'click', inspectGenerated);
  on('p12-download', 'click', downloadP12);
  on('p12-passphrase', 'input', () => setError('p12-passphrase', null));
  // "Use a key I already have": its code loads on first use (app/existing.js).
  on('existing-key', 'change', () => existing().then((m) => m.onKeyFile()));
  on('existing-make', 'click', () => existing().then((m) => m.makeCsr()));
  on('existing-passphrase', 'input', () => setError('existing-passphrase', null));
  for (const tab of TABS) tab.addEventListener('click', () => selectTab(tab, false));
  $('tab-new').parentElement.addEventListener('keydown', onTabKey);
}

function start() {
  wire();
  loadOnFirstUse();
  mark('interactive');
}

start();
