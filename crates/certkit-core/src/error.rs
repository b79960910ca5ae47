//! certkit's errors: one type, [`Error`]. Each message names what is wrong
//! and how to fix it, on one line, and never contains key material.
//!
//! Context once: a variant says what is wrong, never which input it is
//! about; the function that takes the input (`Csr::parse(bytes, what)`,
//! `PrivateKey::from_bytes(…, what)`) attaches the input's name once with
//! [`Error::in_input`], and the message places it ("`ca.pem` is not valid
//! DER …"). Categories ([`Category`]) group the variants by who must act,
//! as `std::io::ErrorKind` does, so front ends choose their own hints (a
//! flag, an API call) by category and variant; no message of the core
//! names a flag or a command of a front end.

use alloc::string::String;
use core::fmt;

use crate::text::Escaped;

/// Result with certkit's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Refuses an input larger than [`crate::MAX_INPUT_LEN`] before any parser
/// sees it: the one size check of every reader of PEM, DER and JSON.
pub(crate) fn within_limit(input: &[u8], what: &str) -> Result<()> {
    if input.len() > crate::MAX_INPUT_LEN {
        return Err(Error::InputTooLarge { len: input.len(), max: crate::MAX_INPUT_LEN }.in_input(what));
    }
    Ok(())
}

/// Who must act on an error, and about what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Category {
    /// The bytes are not what they should be: too large, not PEM, DER or
    /// JSON, or of another kind. Give the right file.
    Format,
    /// A key: unsupported, too small, encrypted, or the wrong passphrase.
    Key,
    /// A CSR or certificate's contents: its signature, algorithm or extensions.
    Certificate,
    /// A field of a request, a signing config or an object (`error.field`).
    Field,
    /// The CA's rules refuse the issuance: not a CA, expired, path length,
    /// whitelist, a CA request under a non-CA profile.
    Policy,
    /// The CA's ledger is damaged.
    Ledger,
    /// An encoding or cryptographic step failed inside certkit.
    Internal,
}

/// Everything that can go wrong in the core.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// An error about one input, with the input's name (a file name, "the
    /// CSR", `spec.request`), attached once where the input came in.
    In {
        /// The input's name.
        input: String,
        /// What is wrong with it (never another `In`).
        error: alloc::boxed::Box<Error>,
    },
    /// An input is larger than [`crate::MAX_INPUT_LEN`].
    InputTooLarge {
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// PEM text is malformed.
    Pem {
        /// What is wrong.
        detail: String,
    },
    /// PEM holds blocks, but not the kind wanted.
    PemLabel {
        /// The labels found.
        found: String,
        /// The label wanted.
        expected: &'static str,
    },
    /// DER is malformed.
    Der {
        /// What is wrong.
        detail: String,
    },
    /// JSON is malformed or has a wrong field.
    Json {
        /// serde_json's message, with line and column.
        detail: String,
    },
    /// A member of a JSON document is wrong (its type, or an unknown name).
    JsonField {
        /// The member's path, such as `key.size`.
        field: String,
        /// What is wrong, naming the member.
        detail: String,
    },
    /// `key.algo` is not one certkit knows.
    KeyAlgo {
        /// The algorithm asked for.
        algo: String,
    },
    /// `key.size` does not suit `key.algo`.
    KeySize {
        /// The algorithm.
        algo: String,
        /// The size asked for.
        size: u32,
        /// The sizes allowed.
        allowed: &'static str,
    },
    /// A key is of an algorithm or curve certkit does not support.
    UnsupportedKey {
        /// What the key is.
        detail: String,
    },
    /// An RSA key is too small (or absurdly large).
    RsaKeySize {
        /// Its modulus size.
        bits: u32,
    },
    /// A private key could not be read.
    BadKey {
        /// The parser's message.
        detail: String,
    },
    /// The input has no private key in it.
    NoPrivateKey {
        /// What was found instead.
        found: String,
    },
    /// A key in OpenSSL's legacy encrypted PEM form (`Proc-Type: 4,ENCRYPTED`).
    LegacyEncryptedKey,
    /// An encrypted key was given without a passphrase.
    PassphraseNeeded,
    /// The passphrase does not decrypt the key.
    WrongPassphrase,
    /// An encrypted key's key derivation costs more than the caller allows
    /// (`key::MAX_KDF_COST` says how it is counted): refused before any of
    /// it is done. The message is composed where the cost is counted, out
    /// of the page's small wasm module, which reads no encrypted keys.
    KdfCost {
        /// What it costs, against what bound, and the fix.
        detail: String,
    },
    /// An empty passphrase was given for encryption.
    EmptyPassphrase,
    /// An entry of `hosts` is not a valid DNS name, IP, email or URI.
    Host {
        /// Its index in `hosts`.
        index: usize,
        /// The entry.
        value: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A subject field is invalid.
    Name {
        /// The field (`names[0].C`, `CN`).
        field: String,
        /// Why it is refused.
        reason: String,
    },
    /// A signature does not verify.
    BadSignature,
    /// A CSR's self-signature does not verify.
    CsrSignature,
    /// A signature algorithm that is broken or obsolete.
    WeakSignatureAlgorithm {
        /// Its name.
        name: &'static str,
    },
    /// A signature algorithm certkit does not implement.
    UnsupportedSignatureAlgorithm {
        /// Its OID.
        oid: String,
    },
    /// A signature algorithm that does not suit the key.
    SignatureKeyMismatch {
        /// The key's algorithm, as `KeyAlgorithm` shows it.
        key: String,
        /// The algorithm.
        alg: &'static str,
    },
    /// An extension appears twice (RFC 5280 §4.2 forbids it).
    DuplicateExtension {
        /// The extension's OID.
        oid: String,
    },
    /// A critical extension certkit does not understand.
    UnknownCriticalExtension {
        /// The extension's OID.
        oid: String,
    },
    /// A malformed CSR field.
    Csr {
        /// What is wrong.
        detail: String,
    },
    /// A duration does not parse.
    Duration {
        /// The field.
        field: String,
        /// The value.
        value: String,
        /// Why.
        reason: &'static str,
    },
    /// A usage string is not one of cfssl's.
    UnknownUsage {
        /// Where (`signing.default.usages[2]`).
        field: String,
        /// The string.
        usage: String,
        /// The usages there are.
        known: &'static [&'static str],
    },
    /// A profile is not in the signing config.
    UnknownProfile {
        /// The name asked for.
        name: String,
        /// The names there are.
        available: String,
    },
    /// A field of a signing config, or an option of chain verification
    /// (`host`, `purpose`, `roots`), is invalid.
    Config {
        /// The field.
        field: String,
        /// Why.
        reason: String,
    },
    /// A profile asked to make an intermediate CA does not make CAs
    /// (composed in `ca`, where it arises).
    NotACaProfile {
        /// Which profile, and how to make it a CA profile.
        detail: String,
    },
    /// The CA certificate does not match the CA key.
    CaKeyMismatch,
    /// The CA certificate is not a CA (no basicConstraints cA=TRUE or no keyCertSign).
    NotACa {
        /// Why.
        reason: &'static str,
    },
    /// A root CA was expected (to renew it with its own key), and the
    /// certificate is an intermediate.
    NotARoot,
    /// The CA certificate has expired or is not valid yet.
    CaNotValid {
        /// When it is valid.
        not_before: String,
        /// Until when.
        not_after: String,
    },
    /// The CA's path length forbids issuing a CA below it.
    PathLen,
    /// The CSR asks to be a CA but the profile does not allow it.
    CsrWantsCa,
    /// A name is not allowed by the profile's `name_whitelist`.
    NameNotAllowed {
        /// Where the certificate would carry it: `CN`, `subject
        /// emailAddress`, `DNS SAN`, `IP SAN`, `email SAN` or `URI SAN`.
        field: &'static str,
        /// The name.
        name: String,
        /// The pattern.
        pattern: String,
    },
    /// A name falls outside the name constraints (RFC 5280 §4.2.1.10) of
    /// the issuing CA's certificate or of one above it, or a constraint
    /// there is of a form certkit does not evaluate.
    OutsideNameConstraints {
        /// The whole message, naming the name, the constraint and the CA
        /// certificate that carries it (composed where the rule is, so
        /// that front ends that never sign do not carry its text).
        detail: String,
    },
    /// Nothing to put in the certificate's subject or SANs.
    EmptySubject,
    /// A time cannot be encoded.
    TimeOutOfRange {
        /// Seconds since the epoch.
        secs: u64,
    },
    /// The validity period is empty or inverted.
    Validity {
        /// Why.
        reason: String,
    },
    /// Input given where `kubectl get csr` output was expected is empty, or
    /// is something else (often the CSR itself, from which an object is made).
    /// Its message is composed where it arises (`kube`), so a module
    /// that never reads objects carries none of its text.
    NotKubeObject {
        /// What the input is and what to give instead, after its name
        /// ("is a PEM CERTIFICATE REQUEST, not a … object; make one from it").
        detail: String,
        /// Whether it is a CSR (from which an object can be made).
        csr: bool,
    },
    /// A Secret would hold a CA's signing key (composed in `kube` too).
    CaKeyInSecret {
        /// Whose key it is and why that is refused.
        detail: String,
    },
    /// A ledger line is damaged.
    LedgerCorrupt {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        detail: String,
    },
    /// A PKCS#12 file cannot be made or read (composed in `pki::pkcs12`,
    /// where it arises, after the input's name).
    Pkcs12 {
        /// What is wrong and what to do.
        detail: String,
    },
    /// Two RSA primes that cannot make a key; make new ones.
    RsaPrimes,
    /// An internal encoding or cryptographic failure.
    Crypto {
        /// The operation.
        op: &'static str,
        /// Its message.
        detail: String,
    },
}

impl Error {
    /// Names the input this error is about, once: an error that already
    /// names one keeps it (the innermost name is the most precise).
    pub fn in_input(self, input: impl Into<String>) -> Error {
        match self {
            Error::In { .. } => self,
            error => Error::In { input: input.into(), error: alloc::boxed::Box::new(error) },
        }
    }

    /// What is wrong, without the input's name: the variant to match on.
    pub fn kind(&self) -> &Error {
        match self {
            Error::In { error, .. } => error,
            other => other,
        }
    }

    /// The name of the input the error is about, if one was attached.
    pub fn input(&self) -> Option<&str> {
        match self {
            Error::In { input, .. } => Some(input),
            _ => None,
        }
    }

    /// The error's [`Category`].
    pub fn category(&self) -> Category {
        match self.kind() {
            Error::InputTooLarge { .. }
            | Error::Pem { .. }
            | Error::PemLabel { .. }
            | Error::Der { .. }
            | Error::Json { .. }
            | Error::NoPrivateKey { .. } => Category::Format,
            Error::KeyAlgo { .. }
            | Error::KeySize { .. }
            | Error::JsonField { .. }
            | Error::Host { .. }
            | Error::Name { .. }
            | Error::Duration { .. }
            | Error::UnknownUsage { .. }
            | Error::UnknownProfile { .. }
            | Error::Config { .. }
            | Error::EmptySubject => Category::Field,
            Error::UnsupportedKey { .. }
            | Error::RsaKeySize { .. }
            | Error::BadKey { .. }
            | Error::LegacyEncryptedKey
            | Error::PassphraseNeeded
            | Error::WrongPassphrase
            | Error::KdfCost { .. }
            | Error::EmptyPassphrase
            | Error::RsaPrimes => Category::Key,
            Error::BadSignature
            | Error::CsrSignature
            | Error::WeakSignatureAlgorithm { .. }
            | Error::UnsupportedSignatureAlgorithm { .. }
            | Error::SignatureKeyMismatch { .. }
            | Error::DuplicateExtension { .. }
            | Error::UnknownCriticalExtension { .. }
            | Error::Csr { .. } => Category::Certificate,
            Error::CaKeyMismatch
            | Error::NotACaProfile { .. }
            | Error::NotACa { .. }
            | Error::NotARoot
            | Error::CaNotValid { .. }
            | Error::PathLen
            | Error::CsrWantsCa
            | Error::NameNotAllowed { .. }
            | Error::OutsideNameConstraints { .. }
            | Error::TimeOutOfRange { .. }
            | Error::Validity { .. } => Category::Policy,
            Error::NotKubeObject { .. } | Error::Pkcs12 { .. } => Category::Format,
            Error::CaKeyInSecret { .. } => Category::Policy,
            Error::LedgerCorrupt { .. } => Category::Ledger,
            Error::Crypto { .. } | Error::In { .. } => Category::Internal,
        }
    }

    /// The field of the input the error is about, as a path into cfssl's
    /// JSON (`hosts[2]`, `names[0].C`, `key.size`, `CN`), when it names one.
    /// Forms use it to show the message next to the right field.
    pub fn field(&self) -> Option<String> {
        match self.kind() {
            Error::Host { index, .. } => Some(alloc::format!("hosts[{index}]")),
            Error::Name { field, .. }
            | Error::Config { field, .. }
            | Error::Duration { field, .. }
            | Error::UnknownUsage { field, .. }
            | Error::JsonField { field, .. } => Some(field.clone()),
            Error::KeyAlgo { .. } => Some("key.algo".into()),
            Error::KeySize { .. } => Some("key.size".into()),
            Error::EmptySubject => Some("CN".into()),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    /// The message, with every control character escaped (`text::Escaped`):
    /// the values it quotes come from untrusted input.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::In { input, error } => error.write(&mut Escaped(f), input),
            error => error.write(&mut Escaped(f), "the input"),
        }
    }
}

impl Error {
    /// Writes the message, naming the input as `what`.
    fn write(&self, f: &mut dyn fmt::Write, what: &str) -> fmt::Result {
        match self {
            Error::In { input, error } => error.write(f, input),
            Error::InputTooLarge { len, max } => write!(
                f,
                "{what} is {len} bytes, more than the {max}-byte limit for PKI files; check you gave the right file"
            ),
            Error::Pem { detail } => write!(f, "{what}: {detail}"),
            Error::PemLabel { found, expected } => {
                write!(f, "{what} holds {found}, not a `{expected}` block; give the right file")
            }
            Error::Der { detail } => {
                write!(f, "{what} is not valid DER ({detail}); the file is corrupt, truncated or of another kind")
            }
            Error::Json { detail } | Error::JsonField { detail, .. } => {
                write!(f, "{what} is not valid: {detail}")
            }
            Error::KeyAlgo { algo } => {
                write!(f, "key.algo `{algo}` is not supported; use \"ecdsa\", \"rsa\" or \"ed25519\"")
            }
            Error::KeySize { algo, size, allowed } => {
                write!(f, "key.size {size} is not valid for {algo}; use {allowed}")
            }
            Error::UnsupportedKey { detail } => write!(f, "{what}: unsupported key: {detail}"),
            Error::RsaKeySize { bits } => write!(
                f,
                "{what}: RSA key of {bits} bits is not accepted; RSA keys must be 2048 to 8192 bits, a multiple of 8 (make a new key of at least 2048 bits)"
            ),
            Error::BadKey { detail } => write!(f, "{what}: the private or public key is malformed ({detail})"),
            Error::NoPrivateKey { found } => write!(
                f,
                "{what} holds no private key (found {found}); give a PRIVATE KEY, EC PRIVATE KEY, RSA PRIVATE KEY or ENCRYPTED PRIVATE KEY file"
            ),
            Error::LegacyEncryptedKey => {
                // A file name goes into the command as it is; a description
                // ("the encrypted key", from the npm package) does not.
                let file = if what.contains(' ') { "KEY.pem" } else { what };
                write!(
                    f,
                    "{what} is encrypted in OpenSSL's legacy PEM form; convert it with `openssl pkcs8 -topk8 -in {file} -out key-pkcs8.pem`"
                )
            }
            Error::PassphraseNeeded => write!(f, "{what} is encrypted; give its passphrase"),
            Error::WrongPassphrase => write!(
                f,
                "the passphrase does not decrypt {what}; check the passphrase (and that the file is not corrupt)"
            ),
            Error::KdfCost { detail } => write!(f, "{what}: {detail}"),
            Error::EmptyPassphrase => write!(f, "the passphrase is empty; give a non-empty passphrase"),
            Error::Host { index, value, reason } => {
                write!(f, "hosts[{index}] `{value}` is not a valid DNS name, IP address, email or URI: {reason}")
            }
            Error::Name { field, reason } => write!(f, "{field}: {reason}"),
            Error::BadSignature => write!(f, "the signature does not verify"),
            Error::CsrSignature => write!(
                f,
                "{what}: the CSR's signature does not verify, so it was altered or not made by the key it carries; make a new CSR"
            ),
            Error::WeakSignatureAlgorithm { name } => {
                write!(f, "signature algorithm {name} is broken or obsolete; make the CSR again with SHA-256 or better")
            }
            Error::UnsupportedSignatureAlgorithm { oid } => write!(
                f,
                "signature algorithm {oid} is not supported; use RSA PKCS#1 v1.5 or ECDSA with SHA-2, or Ed25519"
            ),
            Error::SignatureKeyMismatch { key, alg } => {
                write!(f, "signature algorithm {alg} cannot be made by a {key} key")
            }
            Error::DuplicateExtension { oid } => write!(
                f,
                "{what}: extension {oid} appears more than once (RFC 5280 §4.2 forbids it); make the CSR again"
            ),
            Error::UnknownCriticalExtension { oid } => write!(
                f,
                "{what}: critical extension {oid} is not understood, so it cannot be honoured; make the CSR without it"
            ),
            Error::Csr { detail } => write!(f, "{what}: {detail}"),
            Error::Duration { field, value, reason } => write!(
                f,
                "{field} `{value}` is not a duration: {reason}; write it like \"8760h\", \"90d\", \"1y\" or \"1h30m\""
            ),
            Error::UnknownUsage { field, usage, known } => {
                write!(f, "{field} `{usage}` is not a usage certkit knows; use one of: {}", known.join(", "))
            }
            Error::UnknownProfile { name, available } => {
                write!(f, "profile `{name}` is not in the signing config; available: {available}")
            }
            Error::Config { field, reason } => write!(f, "{field}: {reason}"),
            Error::NotACaProfile { detail } => f.write_str(detail),
            Error::CaKeyMismatch => write!(
                f,
                "the CA key does not match the CA certificate's public key; give the key that belongs to this certificate"
            ),
            Error::NotACa { reason } => write!(f, "the CA certificate cannot issue certificates: {reason}"),
            Error::NotARoot => write!(
                f,
                "the CA certificate is an intermediate (its issuer is another CA); renewing it here would make it a root: have its parent CA sign it again"
            ),
            Error::CaNotValid { not_before, not_after } => write!(
                f,
                "the CA certificate is valid only from {not_before} to {not_after}, not now; renew the CA or check the clock"
            ),
            Error::PathLen => write!(
                f,
                "the CA's basicConstraints pathLenConstraint forbids issuing another CA below it; sign with a non-CA profile or a higher CA"
            ),
            Error::CsrWantsCa => write!(
                f,
                "the CSR asks to be a CA (basicConstraints cA=TRUE) but the profile's ca_constraint.is_ca is false; use a profile with \"ca_constraint\": {{\"is_ca\": true}} or a non-CA CSR"
            ),
            Error::NameNotAllowed { field, name, pattern } => write!(
                f,
                "the {field} `{name}` does not match the profile's name_whitelist `{pattern}`; request a permitted name or change the profile"
            ),
            Error::OutsideNameConstraints { detail } => f.write_str(detail),
            Error::EmptySubject => {
                write!(f, "the certificate would have neither a subject nor any SAN; give a CN or hosts")
            }
            Error::TimeOutOfRange { secs } => {
                write!(f, "time {secs} (seconds since 1970) cannot be encoded in a certificate")
            }
            Error::Validity { reason } => write!(f, "validity: {reason}"),
            Error::LedgerCorrupt { line, detail } => write!(
                f,
                "the CA's ledger is damaged at line {line}: {detail}; nothing will be signed until it is fixed"
            ),
            Error::NotKubeObject { detail, .. } | Error::Pkcs12 { detail } => write!(f, "{what} {detail}"),
            Error::CaKeyInSecret { detail } => write!(f, "{what}: {detail}"),
            Error::RsaPrimes => write!(f, "these two RSA primes cannot make a key; generate new ones"),
            Error::Crypto { op, detail } => write!(f, "{op} failed: {detail}"),
        }
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_field_a_form_should_mark() {
        let host = Error::Host { index: 2, value: "a b".into(), reason: "spaces" };
        assert_eq!(host.field().as_deref(), Some("hosts[2]"));
        assert_eq!(
            Error::KeySize { algo: "rsa".into(), size: 1, allowed: "2048" }.field().as_deref(),
            Some("key.size")
        );
        assert_eq!(
            Error::Name { field: "names[0].C".into(), reason: String::new() }.field().as_deref(),
            Some("names[0].C")
        );
        assert_eq!(Error::EmptySubject.field().as_deref(), Some("CN"));
        assert_eq!(Error::BadSignature.field(), None);
    }
}
