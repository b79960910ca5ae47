//! A kubeconfig (`clientcmd/api/v1` Config) with its data embedded: the
//! cluster's CA, a client certificate and its key, one context.
//!
//! ```text
//! apiVersion: v1
//! kind: Config
//! clusters: [{ name, cluster: { server, certificate-authority-data } }]
//! users:    [{ name, user: { client-certificate-data, client-key-data } }]
//! contexts: [{ name, context: { cluster, user } }]
//! current-context: name
//! ```
//!
//! Rules, checked before anything is written:
//! 1. `server` is an `https://` URL (the API server authenticates clients
//!    by certificate only over TLS) with a host, and no spaces or control
//!    characters.
//! 2. The certificate says it is for client authentication: an
//!    extendedKeyUsage with clientAuth (or anyExtendedKeyUsage).
//! 3. One of the CA certificates issued it (the issuer's name and the
//!    signature), and each of them is a CA (basicConstraints cA=TRUE).
//! 4. The key is the certificate's.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use base64ct::{Base64, Encoding};
use der::Decode;
use serde::Serialize;
use x509_cert::Certificate;

use super::validate_object_name;
use crate::pki::{oid, pem};
use crate::{Error, Result};

/// What a kubeconfig is made of; each input comes with its name in messages.
#[derive(Clone, Copy, Debug, Default)]
pub struct KubeconfigParams<'a> {
    /// The API server's URL (`https://…`).
    pub server: &'a str,
    /// The name of the cluster and the context.
    pub name: &'a str,
    /// The CA certificate(s) the API server's clients trust, PEM or DER.
    pub ca: &'a [u8],
    /// Their name in messages.
    pub ca_what: &'a str,
    /// The client certificate, PEM or DER.
    pub cert: &'a [u8],
    /// Its name in messages.
    pub cert_what: &'a str,
    /// Its private key, unencrypted.
    pub key: &'a [u8],
    /// Its name in messages.
    pub key_what: &'a str,
}

/// A kubeconfig.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[allow(missing_docs)]
pub struct Kubeconfig {
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub kind: String,
    pub clusters: Vec<Named<Cluster>>,
    pub users: Vec<Named<User>>,
    pub contexts: Vec<Named<Context>>,
    pub current_context: String,
}

/// An entry of a kubeconfig's lists: `{ name, cluster|user|context }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct Named<T> {
    pub name: String,
    #[serde(flatten)]
    pub value: T,
}

/// `cluster:` of a kubeconfig.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct Cluster {
    pub cluster: ClusterData,
}

/// The server and its CA.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[allow(missing_docs)]
pub struct ClusterData {
    pub server: String,
    pub certificate_authority_data: String,
}

/// `user:` of a kubeconfig.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct User {
    pub user: UserData,
}

/// The client certificate and key, base64 of PEM.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[allow(missing_docs)]
pub struct UserData {
    pub client_certificate_data: String,
    pub client_key_data: String,
}

/// `context:` of a kubeconfig.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct Context {
    pub context: ContextData,
}

/// Which cluster and user a context joins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[allow(missing_docs)]
pub struct ContextData {
    pub cluster: String,
    pub user: String,
}

fn refuse(what: &str, detail: String) -> Error {
    Error::Config { field: what.to_string(), reason: detail }
}

/// The kubeconfig of `p`, after rules 1 to 4. The user is named by the
/// certificate's CN (the user name the API server sees).
pub fn kubeconfig(p: &KubeconfigParams<'_>) -> Result<Kubeconfig> {
    validate_object_name(p.name, "name")?;
    check_server(p.server)?;
    let leaf_der = pem::first_certificate(p.cert, p.cert_what)?;
    let leaf =
        Certificate::from_der(&leaf_der).map_err(|e| Error::Der { detail: e.to_string() }.in_input(p.cert_what))?;
    let cn = crate::pki::name::fields(leaf.tbs_certificate().subject()).common_name;
    if !client_auth(&leaf) {
        return Err(refuse(
            p.cert_what,
            alloc::format!(
                "`{cn}` is not a client certificate (its extendedKeyUsage lacks client auth), so the API server would refuse it; sign it with a profile whose usages include \"client auth\""
            ),
        ));
    }
    let cas = pem::certificates(p.ca, p.ca_what)?;
    let mut issued = false;
    for (i, der) in cas.iter().enumerate() {
        let ca = Certificate::from_der(der).map_err(|e| Error::Der { detail: e.to_string() }.in_input(p.ca_what))?;
        if !super::secret::is_ca(&ca) {
            let which = if cas.len() == 1 { String::new() } else { alloc::format!(" (certificate {})", i + 1) };
            return Err(refuse(
                p.ca_what,
                alloc::format!(
                    "`{}`{which} is not a CA certificate (no basicConstraints cA=TRUE); give the CA that signed the client certificate",
                    crate::pki::name::fields(ca.tbs_certificate().subject()).common_name
                ),
            ));
        }
        issued |= crate::pki::signer::issued_by(&leaf_der, &leaf, &ca, p.ca_what)?;
    }
    if !issued {
        return Err(refuse(
            p.cert_what,
            alloc::format!(
                "`{cn}` was not issued by the CA in {}, so the API server would not trust it; give the CA that signed it",
                p.ca_what
            ),
        ));
    }
    let key = crate::pki::key::PrivateKey::from_bytes(p.key, None, p.key_what)?;
    let public = crate::pki::key::PublicKey::from_spki(leaf.tbs_certificate().subject_public_key_info(), p.cert_what)?;
    if &public != key.public_key() {
        return Err(refuse(
            p.key_what,
            alloc::format!(
                "this key does not belong to the certificate for `{cn}` in {}; give the key made with its CSR",
                p.cert_what
            ),
        ));
    }
    let ca_pem: String = cas.iter().map(|c| pem::encode(pem::CERTIFICATE, c)).collect();
    let user = if cn.is_empty() { p.name.to_string() } else { cn };
    Ok(Kubeconfig {
        api_version: "v1".into(),
        kind: "Config".into(),
        clusters: alloc::vec![Named {
            name: p.name.into(),
            value: Cluster {
                cluster: ClusterData {
                    server: p.server.into(),
                    certificate_authority_data: Base64::encode_string(ca_pem.as_bytes()),
                },
            },
        }],
        users: alloc::vec![Named {
            name: user.clone(),
            value: User {
                user: UserData {
                    client_certificate_data: Base64::encode_string(pem::encode(pem::CERTIFICATE, &leaf_der).as_bytes()),
                    client_key_data: Base64::encode_string(key.to_pkcs8_pem()?.as_bytes()),
                },
            },
        }],
        contexts: alloc::vec![Named {
            name: p.name.into(),
            value: Context { context: ContextData { cluster: p.name.into(), user } },
        }],
        current_context: p.name.into(),
    })
}

/// Rule 1.
fn check_server(server: &str) -> Result<()> {
    let bad = |why: &str| {
        refuse("server", alloc::format!("`{server}` {why}; give the API server's URL, like https://10.0.0.1:6443"))
    };
    let Some(rest) = server.strip_prefix("https://") else {
        return Err(bad("is not an https:// URL (the API server takes client certificates only over TLS)"));
    };
    if server.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("holds a space or a control character"));
    }
    if rest.is_empty() || rest.starts_with('/') || rest.starts_with(':') {
        return Err(bad("has no host"));
    }
    Ok(())
}

/// Rule 2: an extendedKeyUsage with clientAuth or anyExtendedKeyUsage.
fn client_auth(cert: &Certificate) -> bool {
    cert.tbs_certificate().extensions().into_iter().flatten().any(|e| {
        e.extn_id == oid::EXT_KEY_USAGE
            && x509_cert::ext::pkix::ExtendedKeyUsage::from_der(e.extn_value.as_bytes())
                .is_ok_and(|eku| eku.0.iter().any(|u| *u == oid::EKU_CLIENT_AUTH || *u == oid::EKU_ANY))
    })
}
