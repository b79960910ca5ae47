// The results: the CSR and key just made, the CSR's summary (its request),
// the key's download (encrypted with a passphrase if one is given), and how
// the page shows certinfo's objects and SANs (also for Inspect and the
// SANs under Hosts).

import { state } from './state.js';
import { $, download, element, newestOnly, setError, toast } from './ui.js';
import { tools } from './background.js';
import { objectName, updateManifest } from './k8s.js';

// How the page names certkit's SAN kinds.
const SAN_LABELS = { DNS: 'DNS', IP: 'IP', email: 'Email', URI: 'URI' };

// Unicode bidirectional controls (UAX #9's marks, embeddings, overrides
// and isolates): in a name they can make one text display as another
// ("\u{202e}moc.knab-eruces" shows as "secure-bank.com"), so the page shows
// them as escapes, as certkit's messages and CLI do.
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

// A value from a certificate or CSR: its bidi controls escaped, in a <bdi>
// so that its direction (a right-to-left name is fine) stays inside it.
export function isolated(text, className) {
  return element('bdi', className, text.replace(BIDI_CONTROLS, (c) => `\\u{${c.codePointAt(0).toString(16)}}`));
}

export function sanItem(host, kind, bad) {
  const li = element('li', bad ? 'bad' : '');
  li.append(element('span', 'kind', SAN_LABELS[kind] ?? kind), ' ', isolated(host, 'value'));
  return li;
}

export function hideResults() {
  state.result = null;
  $('results').hidden = true;
  for (const id of ['csr', 'key-pem', 'k8s-yaml']) $(id).value = '';
}

// The key types, as the summary names them.
function keyName(key) {
  if (!key) return null;
  if (key.algo === 'ed25519') return 'Ed25519';
  return key.algo === 'rsa' ? `RSA ${key.size}` : `ECDSA P-${key.size}`;
}

// The CSR's summary: the request the core checked and built the CSR from,
// in certinfo's shape, with each SAN's kind from the tools worker (the
// lite module). certinfo of the CSR itself is Inspect's, which loads the
// full module; the first CSR does not.
const summarize = newestOnly(
  async (request) => {
    const name = request.names?.[0] ?? {};
    const sans = request.hosts ?? [];
    return {
      subject: { common_name: request.CN, organization: name.O, organizational_unit: name.OU, locality: name.L, province: name.ST, country: name.C },
      sans,
      sanKinds: sans.length ? await tools().call('hostKinds', sans) : [],
      public_key: keyName(request.key),
    };
  },
  ({ value, error }) => {
    if (value) renderInfo($('csr-info'), value);
    else $('csr-info').replaceChildren(element('dt', '', 'Summary'), element('dd', 'error', error.message));
  },
);

// `out.key` is null for a CSR for a key the user already has: the key's
// card is hidden (the page never had the key's PEM to show).
export function showResults(out, request) {
  state.result = { csr: out.csr, key: out.key, request };
  $('csr').value = out.csr;
  $('key-pem').value = out.key ?? '';
  $('key-card').hidden = !out.key;
  $('results-title').textContent = out.key ? 'Your CSR and key' : 'Your CSR';
  $('csr-info').replaceChildren();
  summarize(request);
  if (!state.k8sNameEdited) $('k8s-name').value = objectName(request);
  $('results').hidden = false;
  // Marks when the CSR is on the page, for tests and benchmarks.
  $('results').dataset.count = String(++state.generatedCount);
  updateManifest();
  if ($('results').getBoundingClientRect().top > innerHeight) $('results').scrollIntoView({ block: 'start' });
  toast(out.key ? 'Your CSR and key are ready' : 'Your CSR is ready');
}

// "CN=…, O=…", each value isolated (see isolated).
function distinguishedName(name) {
  const parts = [
    ['CN', name.common_name],
    ['OU', name.organizational_unit],
    ['O', name.organization],
    ['L', name.locality],
    ['ST', name.province],
    ['C', name.country],
  ].filter(([, v]) => v);
  if (!parts.length) return '(empty)';
  const line = document.createDocumentFragment();
  parts.forEach(([k, v], i) => line.append(i ? `, ${k}=` : `${k}=`, isolated(String(v))));
  return line;
}

function sanList(sans, kinds) {
  const ul = element('ul', 'sans');
  ul.append(...sans.map((san, i) => sanItem(san, kinds[i], false)));
  return ul;
}

// certinfo's object (a CSR's or a certificate's) as a definition list.
export function renderInfo(dl, info) {
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

export async function downloadKey() {
  if (!state.result) return;
  const passphrase = $('passphrase').value;
  if (!passphrase) return download('server-key.pem', state.result.key, 'application/x-pem-file');
  const button = $('key-download');
  if (button.getAttribute('aria-disabled') === 'true') return; // encrypting
  button.setAttribute('aria-disabled', 'true');
  toast('Encrypting the key…');
  try {
    const encrypted = await tools().call('encryptKey', state.result.key, passphrase);
    setError('passphrase', null);
    download('server-key.pem', encrypted, 'application/x-pem-file');
    toast('Encrypted key downloaded');
  } catch (error) {
    setError('passphrase', error.message);
  } finally {
    button.removeAttribute('aria-disabled');
  }
}

export function onPassphraseInput() {
  const encrypted = $('passphrase').value !== '';
  $('key-download').textContent = encrypted ? 'Download encrypted server-key.pem' : 'Download server-key.pem';
  setError('passphrase', null);
}
