//! A `kubernetes.io/tls` Secret from a certificate and its key.

use alloc::string::{String, ToString};

use base64ct::{Base64, Encoding};
use serde::Serialize;

use super::{ManifestMetadata, validate_object_name};
use crate::pki::pem;
use crate::{Error, Result};

/// A `kubernetes.io/tls` Secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[allow(missing_docs)]
pub struct TlsSecret {
    pub api_version: String,
    pub kind: String,
    pub metadata: ManifestMetadata,
    #[serde(rename = "type")]
    pub kind_of_secret: String,
    pub data: alloc::collections::BTreeMap<String, String>,
}

/// What a `kubernetes.io/tls` Secret is made of. Each input comes with the
/// name messages give it (a file name, or "the certificate").
#[derive(Clone, Copy, Debug, Default)]
pub struct SecretParams<'a> {
    /// metadata.name.
    pub name: &'a str,
    /// The certificate and any chain after it, PEM or DER (`tls.crt`).
    pub cert: &'a [u8],
    /// The certificate's name in messages.
    pub cert_what: &'a str,
    /// Its private key, unencrypted (`tls.key`).
    pub key: &'a [u8],
    /// The key's name in messages.
    pub key_what: &'a str,
    /// CA certificates for `ca.crt`, PEM or DER; each must be a CA.
    pub ca: Option<&'a [u8]>,
    /// The CA file's name in messages.
    pub ca_what: &'a str,
    /// Allow `tls.crt` to be a CA certificate, so that the CA's own key goes
    /// into the Secret (cert-manager's CA issuer reads one so).
    pub allow_ca_key: bool,
}

/// The Secret that holds a certificate (with its chain), its key and
/// optionally the CA certificates. Refuses a key that does not match the
/// certificate; a CA certificate as the certificate unless
/// [`SecretParams::allow_ca_key`] (its key signs certificates, and a Secret
/// shares it with everyone who may read Secrets in the namespace); and a
/// `ca.crt` that holds anything but CA certificates (basicConstraints
/// cA=TRUE, RFC 5280 §4.2.1.9), since whoever reads `ca.crt` trusts what it
/// holds to issue.
pub fn tls_secret(p: &SecretParams<'_>) -> Result<TlsSecret> {
    validate_object_name(p.name, "name")?;
    let certs = certificates_pem(p.cert, p.cert_what)?;
    let leaf_der = pem::first_certificate(p.cert, p.cert_what)?;
    let cert = <x509_cert::Certificate as der::Decode>::from_der(&leaf_der)
        .map_err(|e| Error::Der { detail: e.to_string() }.in_input(p.cert_what))?;
    let cn = crate::pki::name::fields(cert.tbs_certificate().subject()).common_name;
    let key = crate::pki::key::PrivateKey::from_bytes(p.key, None, p.key_what)?;
    let spki = crate::pki::key::PublicKey::from_spki(cert.tbs_certificate().subject_public_key_info(), p.cert_what)?;
    if &spki != key.public_key() {
        return Err(Error::Config {
            field: p.key_what.into(),
            reason: alloc::format!(
                "this key does not belong to the certificate for `{cn}` in {}; give the key made with its CSR",
                p.cert_what
            ),
        });
    }
    if is_ca(&cert) && !p.allow_ca_key {
        let detail = alloc::format!(
            "`{cn}` is a CA certificate, so {} is the CA's signing key, and a Secret shares it with everyone who may read Secrets in the namespace; give a server or client certificate signed by the CA",
            p.key_what
        );
        return Err(Error::CaKeyInSecret { detail }.in_input(p.cert_what));
    }
    // Re-encoded, so only certificates go into tls.crt and ca.crt, as PEM,
    // and the key as PKCS#8 PEM, whatever form the files had.
    let mut data = alloc::collections::BTreeMap::new();
    data.insert("tls.crt".to_string(), Base64::encode_string(certs.as_bytes()));
    data.insert("tls.key".to_string(), Base64::encode_string(key.to_pkcs8_pem()?.as_bytes()));
    if let Some(ca) = p.ca {
        let pem_text = certificates_pem(ca, p.ca_what)?;
        for (i, b) in pem::blocks(pem_text.as_bytes(), p.ca_what)?.iter().enumerate() {
            let c = <x509_cert::Certificate as der::Decode>::from_der(&b.der)
                .map_err(|e| Error::Der { detail: e.to_string() }.in_input(p.ca_what))?;
            if !is_ca(&c) {
                let which = if i == 0 { String::new() } else { alloc::format!(" (certificate {})", i + 1) };
                return Err(Error::Config {
                    field: p.ca_what.into(),
                    reason: alloc::format!(
                        "`{}`{which} is not a CA certificate (no basicConstraints cA=TRUE), so ca.crt could not verify anything with it; give the CA that signed the certificate, like ca.pem",
                        crate::pki::name::fields(c.tbs_certificate().subject()).common_name
                    ),
                });
            }
        }
        data.insert("ca.crt".to_string(), Base64::encode_string(pem_text.as_bytes()));
    }
    Ok(TlsSecret {
        api_version: "v1".into(),
        kind: "Secret".into(),
        metadata: ManifestMetadata { name: p.name.to_string() },
        kind_of_secret: "kubernetes.io/tls".into(),
        data,
    })
}

/// Whether a certificate says it is a CA: basicConstraints with cA=TRUE
/// (RFC 5280 §4.2.1.9). An unreadable extension counts as a CA, so it is
/// never taken for a leaf.
pub(super) fn is_ca(cert: &x509_cert::Certificate) -> bool {
    use der::Decode;
    cert.tbs_certificate().extensions().into_iter().flatten().any(|e| {
        e.extn_id == crate::pki::oid::BASIC_CONSTRAINTS
            && match x509_cert::ext::pkix::BasicConstraints::from_der(e.extn_value.as_bytes()) {
                Ok(b) => b.ca,
                Err(_) => true,
            }
    })
}

/// Every certificate of a PEM or DER file, as PEM; refuses a file that
/// holds a private key, or no certificate.
fn certificates_pem(input: &[u8], what: &str) -> Result<String> {
    if !pem::is_pem(input) {
        let der = pem::first_certificate(input, what)?;
        <x509_cert::Certificate as der::Decode>::from_der(&der)
            .map_err(|e| Error::Der { detail: e.to_string() }.in_input(what))?;
        return Ok(pem::encode(pem::CERTIFICATE, &der));
    }
    let mut out = String::new();
    for b in pem::blocks(input, what)?.iter() {
        if b.label.contains("PRIVATE KEY") {
            return Err(Error::Config {
                field: what.to_string(),
                reason: "holds a private key next to the certificates; give a file with only certificates, and the key in its own file".into(),
            });
        }
        if b.label == pem::CERTIFICATE {
            <x509_cert::Certificate as der::Decode>::from_der(&b.der)
                .map_err(|e| Error::Der { detail: e.to_string() }.in_input(what))?;
            out.push_str(&pem::encode(pem::CERTIFICATE, &b.der));
        }
    }
    if out.is_empty() {
        return Err(Error::PemLabel { found: "no certificate".into(), expected: pem::CERTIFICATE }.in_input(what));
    }
    Ok(out)
}

/// The Secret of [`tls_secret`] with Java's stores added, as cert-manager
/// adds them: `keystore.p12` (the certificate, its chain and key),
/// `truststore.p12` (the CA certificates, when there are any) and the
/// password of both under its own key, `keystore-password`.
pub fn tls_secret_with_keystores<R: rand_core::CryptoRng + ?Sized>(
    p: &SecretParams<'_>,
    password: &str,
    protection: crate::pki::pkcs12::Protection,
    rng: &mut R,
) -> Result<TlsSecret> {
    use crate::pki::pkcs12;
    let mut secret = tls_secret(p)?;
    let mut certs = pem::certificates(p.cert, p.cert_what)?;
    let leaf = certs.remove(0);
    let key = crate::pki::key::PrivateKey::from_bytes(p.key, None, p.key_what)?;
    let bundle = pkcs12::Bundle { certificate: &leaf, key: &key, chain: &certs, name: Some(p.name) };
    let keystore = pkcs12::build(&bundle, password, protection, rng).map_err(|e| e.in_input(p.cert_what))?;
    secret.data.insert("keystore.p12".to_string(), Base64::encode_string(&keystore));
    if let Some(ca) = p.ca {
        let cas = pem::certificates(ca, p.ca_what)?;
        let store = pkcs12::trust_store(&cas, password, protection, rng)?;
        secret.data.insert("truststore.p12".to_string(), Base64::encode_string(&store));
    }
    secret.data.insert("keystore-password".to_string(), Base64::encode_string(password.as_bytes()));
    Ok(secret)
}
