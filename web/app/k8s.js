// The Kubernetes CertificateSigningRequest manifest of the CSR just made:
// its options' inputs, the object name it takes from the CN unless the
// user typed one, and the manifest and its errors, from certkit.

import { state } from './state.js';
import { $, debounce, errorField, newestOnly, setError, splitList } from './ui.js';
import { tools } from './background.js';

export const K8S_CONTROLS = {
  name: 'k8s-name',
  signerName: 'k8s-signer',
  usages: 'k8s-usages',
  expirationSeconds: 'k8s-expiration',
};

// A valid metadata.name from the CN (or first host): lowercase, `-` for
// anything Kubernetes does not allow.
export function objectName(request) {
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

// Made while the card is open only: with the request the CSR was made
// from, the manifest comes from certkit's small `kube` module (the core
// writes it from the request once it has checked that the CSR is the one
// it makes from that request), fetched on this first use
// rather than with every CSR; the full module is not needed.
export function updateManifest() {
  const result = state.result;
  if (result && $('k8s-card').open) renderManifest(result.csr, { ...manifestOptions(), request: result.request });
}

export const updateManifestSoon = debounce(updateManifest);

export function onNameInput() {
  state.k8sNameEdited = $('k8s-name').value !== ''; // cleared: follow the CN again
}
