//! certkit's errors. Each message names what is wrong and how to fix it, on
//! one line, and never contains key material.

use alloc::string::String;
use core::fmt;

use crate::text::Escaped;

/// Result with certkit's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Everything that can go wrong in the core.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// An input is larger than [`crate::MAX_INPUT_LEN`].
    InputTooLarge {
        /// The input.
        what: String,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// PEM text is malformed.
    Pem {
        /// The input.
        what: String,
        /// What is wrong.
        detail: String,
    },
    /// PEM holds blocks, but not the kind wanted.
    PemLabel {
        /// The input.
        what: String,
        /// The labels found.
        found: String,
        /// The label wanted.
        expected: &'static str,
    },
    /// DER is malformed.
    Der {
        /// The input.
        what: String,
        /// What is wrong.
        detail: String,
    },
    /// JSON is malformed or has a wrong field.
    Json {
        /// The input.
        what: String,
        /// serde_json's message, with line and column.
        detail: String,
    },
    /// A member of a JSON document is wrong (its type, or an unknown name).
    JsonField {
        /// The input.
        what: String,
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
        /// The input.
        what: String,
        /// What the key is.
        detail: String,
    },
    /// An RSA key is too small (or absurdly large).
    RsaKeySize {
        /// The input.
        what: String,
        /// Its modulus size.
        bits: u32,
    },
    /// A private key could not be read.
    BadKey {
        /// The input.
        what: String,
        /// The parser's message.
        detail: String,
    },
    /// The input has no private key in it.
    NoPrivateKey {
        /// The input.
        what: String,
        /// What was found instead.
        found: String,
    },
    /// A key in OpenSSL's legacy encrypted PEM form (`Proc-Type: 4,ENCRYPTED`).
    LegacyEncryptedKey {
        /// The input.
        what: String,
    },
    /// An encrypted key was given without a passphrase.
    PassphraseNeeded {
        /// The input.
        what: String,
    },
    /// The passphrase does not decrypt the key.
    WrongPassphrase {
        /// The input.
        what: String,
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
    CsrSignature {
        /// The input.
        what: String,
    },
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
        /// The key's algorithm, as [`crate::KeyAlgorithm`] shows it.
        key: String,
        /// The algorithm.
        alg: &'static str,
    },
    /// An extension appears twice (RFC 5280 §4.2 forbids it).
    DuplicateExtension {
        /// Where.
        what: String,
        /// The extension's OID.
        oid: String,
    },
    /// A critical extension certkit does not understand.
    UnknownCriticalExtension {
        /// Where.
        what: String,
        /// The extension's OID.
        oid: String,
    },
    /// A malformed CSR field.
    Csr {
        /// The input.
        what: String,
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
    /// A signing config field is invalid.
    Config {
        /// The field.
        field: String,
        /// Why.
        reason: String,
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
    /// A host is not allowed by the profile's `name_whitelist`.
    NameNotAllowed {
        /// The name.
        name: String,
        /// The pattern.
        pattern: String,
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
    /// A ledger line is damaged.
    LedgerCorrupt {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
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
    /// The field of the input the error is about, as a path into cfssl's
    /// JSON (`hosts[2]`, `names[0].C`, `key.size`, `CN`), when it names one.
    /// Forms use it to show the message next to the right field.
    pub fn field(&self) -> Option<String> {
        match self {
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
    /// The message, with every control character escaped ([`Escaped`]):
    /// the values it quotes come from untrusted input.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(&mut Escaped(f))
    }
}

impl Error {
    fn write(&self, f: &mut impl fmt::Write) -> fmt::Result {
        match self {
            Error::InputTooLarge { what, len, max } => write!(
                f,
                "{what} is {len} bytes, more than the {max}-byte limit for PKI files; check you gave the right file"
            ),
            Error::Pem { what, detail } => write!(f, "{what}: {detail}"),
            Error::PemLabel { what, found, expected } => {
                write!(f, "{what} holds {found}, not a `{expected}` block; give the right file")
            }
            Error::Der { what, detail } => {
                write!(f, "{what} is not valid DER ({detail}); the file is corrupt, truncated or of another kind")
            }
            Error::Json { what, detail } | Error::JsonField { what, detail, .. } => {
                write!(f, "{what} is not valid: {detail}")
            }
            Error::KeyAlgo { algo } => {
                write!(f, "key.algo `{algo}` is not supported; use \"ecdsa\", \"rsa\" or \"ed25519\"")
            }
            Error::KeySize { algo, size, allowed } => {
                write!(f, "key.size {size} is not valid for {algo}; use {allowed}")
            }
            Error::UnsupportedKey { what, detail } => write!(f, "{what}: unsupported key: {detail}"),
            Error::RsaKeySize { what, bits } => write!(
                f,
                "{what}: RSA key of {bits} bits is not accepted; RSA keys must be 2048 to 8192 bits, a multiple of 8 (make a new key of at least 2048 bits)"
            ),
            Error::BadKey { what, detail } => write!(f, "{what}: the private or public key is malformed ({detail})"),
            Error::NoPrivateKey { what, found } => write!(
                f,
                "{what} holds no private key (found {found}); give a PRIVATE KEY, EC PRIVATE KEY, RSA PRIVATE KEY or ENCRYPTED PRIVATE KEY file"
            ),
            Error::LegacyEncryptedKey { what } => {
                // A file name goes into the command as it is; a description
                // ("the encrypted key", from the npm package) does not.
                let file = if what.contains(' ') { "KEY.pem" } else { what.as_str() };
                write!(
                    f,
                    "{what} is encrypted in OpenSSL's legacy PEM form; convert it with `openssl pkcs8 -topk8 -in {file} -out key-pkcs8.pem`"
                )
            }
            Error::PassphraseNeeded { what } => write!(
                f,
                "{what} is encrypted; give its passphrase (--ca-key-passphrase-file FILE, the CERTKIT_CA_KEY_PASSPHRASE variable, or the prompt on a terminal)"
            ),
            Error::WrongPassphrase { what } => write!(
                f,
                "the passphrase does not decrypt {what}; check the passphrase (and that the file is not corrupt)"
            ),
            Error::EmptyPassphrase => write!(f, "the passphrase is empty; give a non-empty passphrase"),
            Error::Host { index, value, reason } => {
                write!(f, "hosts[{index}] `{value}` is not a valid DNS name, IP address, email or URI: {reason}")
            }
            Error::Name { field, reason } => write!(f, "{field}: {reason}"),
            Error::BadSignature => write!(f, "the signature does not verify"),
            Error::CsrSignature { what } => write!(
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
            Error::DuplicateExtension { what, oid } => write!(
                f,
                "{what}: extension {oid} appears more than once (RFC 5280 §4.2 forbids it); make the CSR again"
            ),
            Error::UnknownCriticalExtension { what, oid } => write!(
                f,
                "{what}: critical extension {oid} is not understood, so it cannot be honoured; make the CSR without it"
            ),
            Error::Csr { what, detail } => write!(f, "{what}: {detail}"),
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
            Error::NameNotAllowed { name, pattern } => write!(
                f,
                "`{name}` does not match the profile's name_whitelist `{pattern}`; request a permitted name or change the profile"
            ),
            Error::EmptySubject => {
                write!(f, "the certificate would have neither a subject nor any SAN; give a CN or hosts")
            }
            Error::TimeOutOfRange { secs } => {
                write!(f, "time {secs} (seconds since 1970) cannot be encoded in a certificate")
            }
            Error::Validity { reason } => write!(f, "validity: {reason}"),
            Error::LedgerCorrupt { line, detail } => write!(
                f,
                "the CA's ledger is damaged at line {line}: {detail}; nothing will be signed until it is fixed (see `certkit ca check` and `certkit ca repair`)"
            ),
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
