// "Use a key I already have": a CSR for the form's name and hosts and a
// private key file the user picks. Loaded on first use (app.js imports it
// when the file is picked or the button pressed).
//
// The file is read here and its bytes go to the tools worker, which calls
// certkit's csrForKey: the core reads the key (PKCS#8, SEC1, PKCS#1, or
// encrypted PKCS#8 with the passphrase), checks the request as genkey
// does and signs the CSR in wasm — the full module, which the page has
// already loaded at first use for certinfo. Nothing is sent anywhere; the
// page's copy of the bytes is wiped afterwards, and the key's PEM is never
// shown (the results show the CSR only).

import { state } from './state.js';
import { $, errorField, setError, toast } from './ui.js';
import { tools } from './background.js';
import { readRequest, showRequestError } from './form.js';
import { hideResults, showResults } from './results.js';

const ENCRYPTED = new TextEncoder().encode('-----BEGIN ENCRYPTED PRIVATE KEY-----');

// Whether the file is an encrypted PKCS#8 PEM (its label, anywhere).
function isEncrypted(bytes) {
  outer: for (let i = 0; i + ENCRYPTED.length <= bytes.length; i++) {
    for (let j = 0; j < ENCRYPTED.length; j++) if (bytes[i + j] !== ENCRYPTED[j]) continue outer;
    return true;
  }
  return false;
}

async function readKeyFile() {
  const file = $('existing-key').files[0];
  return file ? new Uint8Array(await file.arrayBuffer()) : null;
}

// A file was picked: an encrypted key asks for its passphrase.
export async function onKeyFile() {
  setError('existing-key', null);
  const bytes = await readKeyFile();
  const encrypted = bytes !== null && isEncrypted(bytes);
  bytes?.fill(0);
  $('existing-passphrase-field').hidden = !encrypted;
  if (!encrypted) $('existing-passphrase').value = '';
  setError('existing-passphrase', null);
  if (encrypted) $('existing-passphrase').focus();
}

export async function makeCsr() {
  if (state.busy) return;
  const bytes = await readKeyFile();
  if (!bytes) {
    setError('existing-key', 'Choose your private key file first');
    return $('existing-key').focus();
  }
  const passphrase = $('existing-passphrase').value;
  if (isEncrypted(bytes) && !passphrase) {
    bytes.fill(0);
    $('existing-passphrase-field').hidden = false;
    setError('existing-passphrase', 'This key is encrypted: enter its passphrase');
    return $('existing-passphrase').focus();
  }
  // The key's own type decides; the form's key type is for new keys.
  const request = readRequest();
  delete request.key;
  const mine = ++state.job;
  hideResults();
  try {
    // The worker gets its own copy of the bytes (structured clone).
    const out = await tools().call('csrForKey', request, bytes, passphrase ? { passphrase } : undefined);
    if (mine !== state.job) return;
    setError('existing-key', null);
    setError('existing-passphrase', null);
    showRequestError(null);
    showResults({ csr: out.csr, key: null }, request);
  } catch (error) {
    if (mine !== state.job) return;
    showError(error);
    toast('No CSR was made: see the message in red');
  } finally {
    bytes.fill(0);
  }
}

// A request field's error goes next to its field; a passphrase's next to
// the passphrase; anything else about the key next to the file.
function showError(error) {
  const field = errorField(error);
  if (field && field !== 'key') return showRequestError(error);
  if (/passphrase/.test(error.message) && !$('existing-passphrase-field').hidden) {
    return setError('existing-passphrase', error.message);
  }
  setError('existing-key', error.message);
}
