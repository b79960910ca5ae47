// The Inspect tab: certinfo of a pasted CSR or certificate, whether a
// private key matches it, "Inspect" for the CSR and key just made, and
// the certificate, key and chain assembled into a .p12.

import { state } from './state.js';
import { $, debounce, download, newestOnly, setError, toast } from './ui.js';
import { tools } from './background.js';
import { renderInfo } from './results.js';
import { selectTab } from './tabs.js';

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

export const inspect = debounce(() => {
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

export function inspectGenerated() {
  if (!state.result) return;
  $('inspect-pem').value = state.result.csr;
  $('inspect-key').value = state.result.key ?? '';
  selectTab($('tab-inspect'), true);
  inspect();
  inspect.flush();
}

/** The pasted certificate, key and chain as a .p12 (made in the worker), downloaded. */
export async function downloadP12() {
  const button = $('p12-download');
  if (button.getAttribute('aria-disabled') === 'true') return; // assembling
  const chain = $('p12-chain').value.trim();
  const options = {
    cert: $('inspect-pem').value.trim(),
    key: $('inspect-key').value.trim(),
    passphrase: $('p12-passphrase').value,
    ...(chain ? { chain } : {}),
  };
  if (!options.cert || !options.key) {
    setError('p12-passphrase', 'Paste the certificate and its private key above first.');
    return;
  }
  button.setAttribute('aria-disabled', 'true');
  try {
    const p12 = await tools().call('pkcs12', options);
    setError('p12-passphrase', null);
    download('certificate.p12', p12, 'application/x-pkcs12');
    toast('.p12 downloaded');
  } catch (error) {
    setError('p12-passphrase', error.message);
  } finally {
    button.removeAttribute('aria-disabled');
  }
}
