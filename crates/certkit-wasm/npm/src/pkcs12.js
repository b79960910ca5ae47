// pkcs12() with the platform's Web Crypto: loaded with the full module, on
// first use, so that a page's first download does not carry it.
//
// The full module reads and checks the options, its inputs as bytes() does,
// and lays the file out; Web Crypto does its two PBES2 encryptions
// (PBKDF2-HMAC-SHA-256, AES-256-CBC) where it has them, and the core the
// rest: the MAC, whose PKCS#12 key derivation Web Crypto lacks, and legacy
// files (3DES).

export async function pkcs12(m, options, guard) {
  const subtle = globalThis.crypto?.subtle;
  const pending = subtle && guard(m, () => m.pkcs12Prepare(options));
  if (!pending) return guard(m, () => m.pkcs12(options));
  let sealed;
  try {
    const password = new TextEncoder().encode(options.passphrase ?? '');
    sealed = await Promise.all([pending.certificates, pending.key].map((job) => pbes2(subtle, password, job)));
    password.fill(0);
  } catch {
    // A runtime without these algorithms or this many iterations (Workers
    // cap PBKDF2 at 100,000): the core encrypts instead.
    pending.free();
    return guard(m, () => m.pkcs12(options));
  }
  return guard(m, () => pending.finish(...sealed));
}

// One PBES2 encryption with Web Crypto; the plaintext's copy is wiped.
async function pbes2(subtle, password, job) {
  const plaintext = job.plaintext;
  try {
    const base = await subtle.importKey('raw', password, 'PBKDF2', false, ['deriveKey']);
    const pbkdf2 = { name: 'PBKDF2', hash: 'SHA-256', salt: job.salt, iterations: job.iterations };
    const key = await subtle.deriveKey(pbkdf2, base, { name: 'AES-CBC', length: 256 }, false, ['encrypt']);
    return new Uint8Array(await subtle.encrypt({ name: 'AES-CBC', iv: job.iv }, key, plaintext));
  } finally {
    plaintext.fill(0);
    job.free();
  }
}
