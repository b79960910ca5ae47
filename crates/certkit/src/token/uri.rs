//! PKCS#11 URIs (RFC 7512): how a key in a token is named, as p11-kit,
//! OpenSSL's pkcs11 engine and provider, and step-kms-plugin name it.
//!
//! ```text
//! pk11-URI   = "pkcs11:" pk11-path [ "?" pk11-query ]
//! pk11-path  = [ pk11-pattr *(";" pk11-pattr) ]      e.g. token=offline-root;object=root-2026
//! pk11-query = [ pk11-qattr *("&" pk11-qattr) ]      e.g. module-path=/usr/lib/…so&pin-source=file:/run/pin
//! ```
//!
//! Values are percent-encoded (§2.3); `id` is raw bytes, usually written
//! `%01%02`. An attribute given twice is an error (§2.3). Vendor
//! attributes (`x-…`) are ignored, as the RFC allows; any other name is
//! refused, so that a typo (`objet=`) cannot silently widen the match.
//!
//! Hand-written: the one crate for it (`pkcs11-uri` 0.1) binds the older
//! `pkcs11` crate rather than `cryptoki` and has not been released since
//! 2020; the grammar is two split levels and percent-decoding, which the
//! `percent-encoding` crate does.

use std::fmt;
use std::path::PathBuf;

use anyhow::{Result, bail};
use zeroize::Zeroizing;

/// A parsed `pkcs11:` URI: what names the token and the key, and the query
/// attributes that say how to reach it. It never holds a PIN: a
/// `pin-value` is refused when the URI is parsed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Pkcs11Uri {
    /// `token`: the token's label.
    pub token: Option<String>,
    /// `manufacturer`: the token's manufacturer.
    pub manufacturer: Option<String>,
    /// `serial`: the token's serial number.
    pub serial: Option<String>,
    /// `model`: the token's model.
    pub model: Option<String>,
    /// `slot-id`: the slot's number.
    pub slot_id: Option<u64>,
    /// `slot-description` and `slot-manufacturer`.
    pub slot_description: Option<String>,
    pub slot_manufacturer: Option<String>,
    /// `library-manufacturer` and `library-description` (the module's).
    pub library_manufacturer: Option<String>,
    pub library_description: Option<String>,
    /// `object`: the key's label (CKA_LABEL).
    pub object: Option<String>,
    /// `id`: the key's CKA_ID.
    pub id: Option<Vec<u8>>,
    /// `type`: `private` (or `public`, for a key's public half).
    pub kind: Option<String>,
    /// `module-path`: the PKCS#11 module to load.
    pub module_path: Option<PathBuf>,
    /// `module-name`: a module by name, looked up in the usual folders.
    pub module_name: Option<String>,
    /// `pin-source`: where the PIN is read from (`file:PATH` or a path).
    pub pin_source: Option<String>,
}

impl fmt::Debug for Pkcs11Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string())
    }
}

/// Whether `text` names a key in a token rather than a file.
pub fn is_uri(text: &str) -> bool {
    text.len() >= 7 && text[..7].eq_ignore_ascii_case("pkcs11:")
}

impl Pkcs11Uri {
    /// Parses a `pkcs11:` URI. Errors name the attribute and the fix.
    pub fn parse(text: &str) -> Result<Pkcs11Uri> {
        if !is_uri(text) {
            bail!("`{}` is not a PKCS#11 URI: it must start with `pkcs11:` (RFC 7512)", shown(text));
        }
        let rest = &text[7..];
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let mut uri = Pkcs11Uri::default();
        let mut seen = std::collections::BTreeSet::new();
        for (part, sep) in [(path, ';'), (query, '&')] {
            let in_query = sep == '&';
            for attr in part.split(sep).filter(|a| !a.is_empty()) {
                let Some((name, raw)) = attr.split_once('=') else {
                    bail!(
                        "the PKCS#11 URI attribute `{}` has no value; write it as NAME=VALUE (e.g. token=offline-root)",
                        shown(attr)
                    );
                };
                let name = name.to_ascii_lowercase();
                if !seen.insert(name.clone()) {
                    bail!("the PKCS#11 URI gives `{name}` twice; give it once (RFC 7512 2.3)");
                }
                uri.set(&name, raw, in_query)?;
            }
        }
        Ok(uri)
    }

    fn set(&mut self, name: &str, raw: &str, in_query: bool) -> Result<()> {
        let text = || decode_text(name, raw);
        let path_only = |attr: &str| -> Result<()> {
            if in_query {
                bail!("`{attr}` belongs in the PKCS#11 URI's path (before `?`), not its query");
            }
            Ok(())
        };
        let query_only = |attr: &str| -> Result<()> {
            if !in_query {
                bail!("`{attr}` belongs in the PKCS#11 URI's query (after `?`), not its path");
            }
            Ok(())
        };
        match name {
            "token" => (path_only(name)?, self.token = Some(text()?)).1,
            "manufacturer" => (path_only(name)?, self.manufacturer = Some(text()?)).1,
            "serial" => (path_only(name)?, self.serial = Some(text()?)).1,
            "model" => (path_only(name)?, self.model = Some(text()?)).1,
            "slot-description" => (path_only(name)?, self.slot_description = Some(text()?)).1,
            "slot-manufacturer" => (path_only(name)?, self.slot_manufacturer = Some(text()?)).1,
            "library-manufacturer" => (path_only(name)?, self.library_manufacturer = Some(text()?)).1,
            "library-description" => (path_only(name)?, self.library_description = Some(text()?)).1,
            "library-version" => path_only(name)?,
            "slot-id" => {
                path_only(name)?;
                let t = text()?;
                self.slot_id = Some(t.parse().map_err(|_| {
                    anyhow::anyhow!(
                        "the PKCS#11 URI's slot-id `{}` is not a number; give the slot's decimal number",
                        shown(&t)
                    )
                })?);
            }
            "object" => (path_only(name)?, self.object = Some(text()?)).1,
            "id" => {
                path_only(name)?;
                let id = decode(name, raw)?;
                if id.is_empty() {
                    bail!("the PKCS#11 URI's id is empty; give the key's CKA_ID, percent-encoded (e.g. id=%01)");
                }
                self.id = Some(id);
            }
            "type" => {
                path_only(name)?;
                let t = text()?;
                if t != "private" && t != "public" {
                    bail!(
                        "the PKCS#11 URI has type={}, but a CA key is a private key: write type=private or leave type out",
                        shown(&t)
                    );
                }
                self.kind = Some(t);
            }
            "module-path" => (query_only(name)?, self.module_path = Some(PathBuf::from(text()?))).1,
            "module-name" => (query_only(name)?, self.module_name = Some(text()?)).1,
            "pin-source" => (query_only(name)?, self.pin_source = Some(text()?)).1,
            "pin-value" => bail!(
                "the PKCS#11 URI holds the PIN (pin-value), which would show in the process list and shell history; use pin-source=file:PATH, the CERTKIT_PKCS11_PIN variable, or the prompt"
            ),
            other if other.starts_with("x-") => {}
            other => bail!(
                "the PKCS#11 URI attribute `{}` is unknown; RFC 7512 names token, manufacturer, serial, model, slot-id, object, id and type (path) and module-path, module-name and pin-source (query)",
                shown(other)
            ),
        }
        Ok(())
    }

    /// The module to load: `module-path`, else `module-name` looked up in
    /// the system's PKCS#11 folders, else `PKCS11_MODULE_PATH` (the
    /// variable OpenSSL's pkcs11 engine reads).
    pub fn module(&self) -> Result<PathBuf> {
        if let Some(p) = &self.module_path {
            return Ok(p.clone());
        }
        if let Some(name) = &self.module_name {
            let file = if name.ends_with(".so") { name.clone() } else { format!("{name}.so") };
            for dir in [
                "/usr/lib/x86_64-linux-gnu/pkcs11",
                "/usr/lib/aarch64-linux-gnu/pkcs11",
                "/usr/lib/pkcs11",
                "/usr/lib/softhsm",
            ] {
                let p = PathBuf::from(dir).join(&file);
                if p.is_file() {
                    return Ok(p);
                }
            }
            bail!(
                "the PKCS#11 module `{}` (module-name) is not in the usual folders; give its file with module-path=/path/to/module.so",
                shown(name)
            );
        }
        if let Some(p) = std::env::var_os("PKCS11_MODULE_PATH") {
            return Ok(PathBuf::from(p));
        }
        bail!(
            "the PKCS#11 URI names no module: add ?module-path=/path/to/module.so (for SoftHSM, /usr/lib/softhsm/libsofthsm2.so) or set PKCS11_MODULE_PATH"
        )
    }

    /// How the token is named in messages: its label, or the other attributes.
    pub fn token_name(&self) -> String {
        match (&self.token, &self.serial, self.slot_id) {
            (Some(t), _, _) => format!("token \"{}\"", shown(t)),
            (None, Some(s), _) => format!("the token with serial {}", shown(s)),
            (None, None, Some(id)) => format!("the token in slot {id}"),
            _ => "the token".into(),
        }
    }

    /// How the key is named in messages (without an article).
    pub fn key_name(&self) -> String {
        match (&self.object, &self.id) {
            (Some(o), _) => format!("private key \"{}\"", shown(o)),
            (None, Some(id)) => format!("private key with id {}", hex(id)),
            _ => "private key".into(),
        }
    }

    /// The same URI with `object` and `id` replaced, for a key just made.
    pub fn for_key(&self, label: &str, id: &[u8]) -> Pkcs11Uri {
        Pkcs11Uri { object: Some(label.into()), id: Some(id.to_vec()), kind: None, ..self.clone() }
    }
}

/// The URI, percent-encoded where RFC 7512 requires (never with a PIN: the
/// type holds none). What a CA directory records.
impl fmt::Display for Pkcs11Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut path: Vec<String> = Vec::new();
        let add = |list: &mut Vec<String>, name: &str, value: Option<&str>| {
            if let Some(v) = value {
                list.push(format!("{name}={}", encode(v.as_bytes())));
            }
        };
        add(&mut path, "token", self.token.as_deref());
        add(&mut path, "manufacturer", self.manufacturer.as_deref());
        add(&mut path, "serial", self.serial.as_deref());
        add(&mut path, "model", self.model.as_deref());
        if let Some(id) = self.slot_id {
            path.push(format!("slot-id={id}"));
        }
        add(&mut path, "slot-description", self.slot_description.as_deref());
        add(&mut path, "slot-manufacturer", self.slot_manufacturer.as_deref());
        add(&mut path, "library-manufacturer", self.library_manufacturer.as_deref());
        add(&mut path, "library-description", self.library_description.as_deref());
        add(&mut path, "object", self.object.as_deref());
        if let Some(id) = &self.id {
            path.push(format!("id={}", id.iter().map(|b| format!("%{b:02x}")).collect::<String>()));
        }
        add(&mut path, "type", self.kind.as_deref());
        let mut query: Vec<String> = Vec::new();
        add(&mut query, "module-path", self.module_path.as_ref().map(|p| p.to_string_lossy()).as_deref());
        add(&mut query, "module-name", self.module_name.as_deref());
        add(&mut query, "pin-source", self.pin_source.as_deref());
        write!(f, "pkcs11:{}", path.join(";"))?;
        if !query.is_empty() {
            write!(f, "?{}", query.join("&"))?;
        }
        Ok(())
    }
}

/// RFC 7512 §2.3: unreserved characters and those the path allows stay;
/// everything else is percent-encoded.
fn encode(bytes: &[u8]) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~')
        .remove(b':')
        .remove(b'[')
        .remove(b']')
        .remove(b'@')
        .remove(b'!')
        .remove(b'$')
        .remove(b'\'')
        .remove(b'(')
        .remove(b')')
        .remove(b'*')
        .remove(b'+')
        .remove(b',')
        .remove(b'/')
        .remove(b'|');
    percent_encoding::percent_encode(bytes, KEEP).to_string()
}

fn decode(name: &str, raw: &str) -> Result<Vec<u8>> {
    // A `%` not followed by two hex digits is an error, not a literal.
    let b = raw.as_bytes();
    for (i, c) in b.iter().enumerate() {
        if *c == b'%'
            && !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit) && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
        {
            bail!("the PKCS#11 URI's {name} has a `%` not followed by two hex digits; write a literal % as %25");
        }
    }
    Ok(percent_encoding::percent_decode_str(raw).collect())
}

fn decode_text(name: &str, raw: &str) -> Result<String> {
    let bytes = Zeroizing::new(decode(name, raw)?);
    let text = String::from_utf8(bytes.to_vec())
        .map_err(|_| anyhow::anyhow!("the PKCS#11 URI's {name} is not UTF-8 once percent-decoded"))?;
    if text.chars().any(char::is_control) {
        bail!("the PKCS#11 URI's {name} holds a control character; remove it");
    }
    Ok(text)
}

/// Bytes as `%01%02`, as the URI writes an id.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("%{b:02x}")).collect()
}

/// Text from the command line or a file, shown in one line of a message.
fn shown(text: &str) -> String {
    text.chars().flat_map(char::escape_debug).take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_examples_parse_and_print_back() {
        let u = Pkcs11Uri::parse(
            "pkcs11:token=offline-root;object=root-2026;id=%01%A2?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin",
        )
        .unwrap();
        assert_eq!(u.token.as_deref(), Some("offline-root"));
        assert_eq!(u.object.as_deref(), Some("root-2026"));
        assert_eq!(u.id.as_deref(), Some(&[0x01, 0xa2][..]));
        assert_eq!(u.module_path.as_deref(), Some(std::path::Path::new("/usr/lib/softhsm/libsofthsm2.so")));
        assert_eq!(u.pin_source.as_deref(), Some("file:/run/pin"));
        assert_eq!(Pkcs11Uri::parse(&u.to_string()).unwrap(), u);
        // RFC 7512 §3's examples.
        let u = Pkcs11Uri::parse(
            "pkcs11:token=Software%20PKCS%2311%20softtoken;manufacturer=Snake%20Oil,%20Inc.?pin-source=file:/etc/token",
        )
        .unwrap();
        assert_eq!(u.token.as_deref(), Some("Software PKCS#11 softtoken"));
        assert_eq!(u.manufacturer.as_deref(), Some("Snake Oil, Inc."));
        assert_eq!(Pkcs11Uri::parse(&u.to_string()).unwrap(), u);
        assert_eq!(Pkcs11Uri::parse("pkcs11:").unwrap(), Pkcs11Uri::default());
        assert_eq!(Pkcs11Uri::parse("pkcs11:object=my-key;x-vendor=1").unwrap().object.as_deref(), Some("my-key"));
    }

    #[test]
    fn bad_uris_name_the_attribute() {
        for (uri, said) in [
            ("file:ca-key.pem", "must start with `pkcs11:`"),
            ("pkcs11:token=a;token=b", "gives `token` twice"),
            ("pkcs11:objet=root", "attribute `objet` is unknown"),
            ("pkcs11:object=root?pin-value=1234", "holds the PIN (pin-value)"),
            ("pkcs11:token", "has no value"),
            ("pkcs11:id=%zz", "`%` not followed by two hex digits"),
            ("pkcs11:slot-id=one", "slot-id `one` is not a number"),
            ("pkcs11:type=cert", "type=cert"),
            ("pkcs11:module-path=/x.so", "belongs in the PKCS#11 URI's query"),
            ("pkcs11:object=a%0Ab", "control character"),
        ] {
            let e = Pkcs11Uri::parse(uri).unwrap_err().to_string();
            assert!(e.contains(said), "{uri}: {e}");
        }
    }

    #[test]
    fn the_module_comes_from_the_uri_first() {
        let u = Pkcs11Uri::parse("pkcs11:token=t?module-path=/opt/m.so").unwrap();
        assert_eq!(u.module().unwrap(), PathBuf::from("/opt/m.so"));
    }
}
