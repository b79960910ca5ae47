//! PEM armour, RFC 7468.
//!
//! Files handed to a CA often hold several blocks (a chain, an `EC PARAMETERS`
//! block before an `EC PRIVATE KEY`, a certificate after its key). [`blocks`]
//! finds every `-----BEGIN …-----` … `-----END …-----` pair and decodes each
//! with the strict RFC 7468 decoder of `pem-rfc7468`; text around the blocks
//! (OpenSSL's "Certificate:" dumps, comments) is ignored, as OpenSSL does.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use der::pem::LineEnding;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::{Error, Result};

/// PEM label of a certificate.
pub const CERTIFICATE: &str = "CERTIFICATE";
/// PEM label of a PKCS#10 request.
pub const CERTIFICATE_REQUEST: &str = "CERTIFICATE REQUEST";
/// Label some old tools (Netscape, Windows) write for a PKCS#10 request.
pub const NEW_CERTIFICATE_REQUEST: &str = "NEW CERTIFICATE REQUEST";
/// PKCS#8 private key.
pub const PRIVATE_KEY: &str = "PRIVATE KEY";
/// Encrypted PKCS#8 private key.
pub const ENCRYPTED_PRIVATE_KEY: &str = "ENCRYPTED PRIVATE KEY";
/// SEC1 EC private key (what cfssl and `openssl ecparam -genkey` write).
pub const EC_PRIVATE_KEY: &str = "EC PRIVATE KEY";
/// PKCS#1 RSA private key (what cfssl and `openssl genrsa -traditional` write).
pub const RSA_PRIVATE_KEY: &str = "RSA PRIVATE KEY";

/// One decoded PEM block. Its bytes are wiped when it is dropped, since the
/// block may be a private key.
#[derive(Zeroize, ZeroizeOnDrop)]
pub struct Block {
    /// The label between `BEGIN ` and the dashes.
    pub label: String,
    /// The decoded DER bytes.
    pub der: Vec<u8>,
    /// Whether the block carried RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`).
    pub legacy_encrypted: bool,
}

impl core::fmt::Debug for Block {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Block({}, {} bytes)", self.label, self.der.len())
    }
}

/// Whether `input` looks like PEM text rather than DER.
pub fn is_pem(input: &[u8]) -> bool {
    find(input, b"-----BEGIN ").is_some()
}

/// `input`, which holds no PEM block, taken as DER — unless it is empty or
/// plainly text (DER starts with a SEQUENCE tag, `0x30`), which is refused
/// with a message that says so rather than a DER parser's complaint.
pub fn as_der<'a>(input: &'a [u8], what: &str) -> Result<&'a [u8]> {
    let refuse = |detail: &str| Error::Pem { detail: detail.to_string() }.in_input(what);
    match input.first() {
        None => Err(refuse("it is empty; give a PEM or DER file")),
        Some(&b) if b != 0x30 && input.iter().take(256).all(|c| c.is_ascii_graphic() || c.is_ascii_whitespace()) => {
            Err(refuse("it is text without a `-----BEGIN` line, so neither PEM nor DER; give a PEM or DER file"))
        }
        Some(_) => Ok(input),
    }
}

/// The labels of `blocks` for an error message: each label once, in order,
/// at most five (a file of thousands of junk blocks gives a short message).
pub fn label_list(blocks: &[Block]) -> String {
    const SHOWN: usize = 5;
    let mut labels: Vec<&str> = Vec::new();
    for b in blocks {
        if !labels.contains(&b.label.as_str()) {
            labels.push(&b.label);
        }
    }
    let mut out = String::new();
    for (i, label) in labels.iter().take(SHOWN).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('`');
        out.push_str(label);
        out.push('`');
    }
    if labels.len() > SHOWN {
        out.push_str(&alloc::format!(" and {} other labels", labels.len() - SHOWN));
    }
    out
}

/// Decodes every PEM block in `input`; `what` names the input in errors.
///
/// Fails if there is no block at all, or if any block is malformed.
pub fn blocks(input: &[u8], what: &str) -> Result<Vec<Block>> {
    crate::error::within_limit(input, what)?;
    let mut out = Vec::new();
    let mut rest = input;
    while let Some(start) = find(rest, b"-----BEGIN ") {
        let from_begin = &rest[start..];
        let label_end = find(&from_begin[11..], b"-----").ok_or_else(|| {
            Error::Pem { detail: "a `-----BEGIN` line is not closed by `-----`".to_string() }.in_input(what)
        })?;
        let label = core::str::from_utf8(&from_begin[11..11 + label_end])
            .map_err(|_| Error::Pem { detail: "the PEM label is not UTF-8".to_string() }.in_input(what))?;
        let mut end_marker = Vec::with_capacity(label.len() + 14);
        end_marker.extend_from_slice(b"-----END ");
        end_marker.extend_from_slice(label.as_bytes());
        end_marker.extend_from_slice(b"-----");
        let end = find(from_begin, &end_marker).ok_or_else(|| {
            Error::Pem {
                detail: alloc::format!("the `{label}` block has no `-----END {label}-----` line (truncated file?)"),
            }
            .in_input(what)
        })?;
        let block_text = &from_begin[..end + end_marker.len()];
        let legacy_encrypted = find(block_text, b"Proc-Type:").is_some();
        if legacy_encrypted && !label.ends_with("PRIVATE KEY") {
            return Err(Error::Pem { detail: alloc::format!(
                    "the `{label}` block carries RFC 1421 headers (Proc-Type), which only legacy encrypted keys have; re-export it"
                ) }.in_input(what));
        }
        if legacy_encrypted {
            out.push(Block { label: label.to_string(), der: Vec::new(), legacy_encrypted });
        } else {
            let (_, der) = der::pem::decode_vec(block_text).map_err(|e| {
                Error::Pem { detail: alloc::format!(
                    "the `{label}` block is not valid PEM ({e}); re-export it, or check the file was not edited or cut"
                ) }.in_input(what)
            })?;
            out.push(Block { label: label.to_string(), der, legacy_encrypted });
        }
        rest = &from_begin[end + end_marker.len()..];
    }
    if out.is_empty() {
        return Err(
            Error::Pem { detail: "no `-----BEGIN …-----` block found; give a PEM file".to_string() }.in_input(what)
        );
    }
    Ok(out)
}

/// Encodes `der` as PEM with `label`, 64-column lines and LF line endings.
pub fn encode(label: &str, der: &[u8]) -> String {
    // Encoding into a String only fails on a length overflow, which inputs
    // bounded by MAX_INPUT_LEN cannot reach; fall back to an empty string
    // rather than panic.
    der::pem::encode_string(label, LineEnding::LF, der).unwrap_or_default()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// DER of the first `CERTIFICATE` in PEM input, or the input if it is DER.
pub fn first_certificate(input: &[u8], what: &str) -> Result<Vec<u8>> {
    crate::error::within_limit(input, what)?;
    if !is_pem(input) {
        return Ok(as_der(input, what)?.to_vec());
    }
    let blocks = blocks(input, what)?;
    blocks
        .iter()
        .find(|b| b.label == CERTIFICATE)
        .map(|b| b.der.clone())
        .ok_or_else(|| Error::PemLabel { found: label_list(&blocks), expected: CERTIFICATE }.in_input(what))
}

/// DER of every `CERTIFICATE` in PEM input, in order, or the input if it
/// is DER; an input with none is refused.
pub fn certificates(input: &[u8], what: &str) -> Result<Vec<Vec<u8>>> {
    crate::error::within_limit(input, what)?;
    if !is_pem(input) {
        return Ok(alloc::vec![as_der(input, what)?.to_vec()]);
    }
    let blocks = blocks(input, what)?;
    let certs: Vec<Vec<u8>> = blocks.iter().filter(|b| b.label == CERTIFICATE).map(|b| b.der.clone()).collect();
    if certs.is_empty() {
        return Err(Error::PemLabel { found: label_list(&blocks), expected: CERTIFICATE }.in_input(what));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_emptiness_are_not_taken_for_der() {
        let text = as_der(b"hello, this is not a certificate\n", "x.pem").unwrap_err().to_string();
        assert!(text.contains("text without a `-----BEGIN` line"), "{text}");
        assert!(as_der(b"", "x").unwrap_err().to_string().contains("is empty"));
        assert!(as_der(&[0x30, 0x03, 0x02, 0x01, 0x00], "x").is_ok());
        // Binary that is not DER is left for the DER parser to name.
        assert!(as_der(&[0x04, 0xff, 0x00], "x").is_ok());
        let many: Vec<Block> = (0..9)
            .map(|i| Block { label: alloc::format!("L{}", i % 7), der: Vec::new(), legacy_encrypted: false })
            .collect();
        assert_eq!(label_list(&many), "`L0`, `L1`, `L2`, `L3`, `L4` and 2 other labels");
    }

    #[test]
    fn only_keys_carry_rfc1421_headers() {
        let csr = b"-----BEGIN CERTIFICATE REQUEST-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END CERTIFICATE REQUEST-----\n";
        let e = blocks(csr, "r.csr").unwrap_err().to_string();
        assert!(e.contains("RFC 1421 headers"), "{e}");
        let key = b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert!(blocks(key, "k.pem").unwrap()[0].legacy_encrypted);
    }

    #[test]
    fn round_trip_and_surrounding_text() {
        let pem = encode("CERTIFICATE", b"hello world");
        let text = alloc::format!("Certificate:\n  junk\n{pem}trailing\n{pem}");
        let got = blocks(text.as_bytes(), "test").unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].label, "CERTIFICATE");
        assert_eq!(got[1].der, b"hello world");
    }

    #[test]
    fn missing_end_is_an_error_that_says_so() {
        let pem = encode("CERTIFICATE", b"hello world");
        let cut = &pem[..pem.len() - 20];
        let err = blocks(cut.as_bytes(), "ca.pem").unwrap_err().to_string();
        assert!(err.contains("ca.pem") && err.contains("END CERTIFICATE"), "{err}");
    }

    #[test]
    fn no_block() {
        let err = blocks(b"not pem at all", "x").unwrap_err().to_string();
        assert!(err.contains("no `-----BEGIN"), "{err}");
    }

    #[test]
    fn bad_base64() {
        let err = blocks(b"-----BEGIN X-----\n!!!!\n-----END X-----\n", "x").unwrap_err();
        assert!(err.to_string().contains("not valid PEM"), "{err}");
    }

    #[test]
    fn legacy_encrypted_is_flagged() {
        let text = b"-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        let b = blocks(text, "k").unwrap();
        assert!(b[0].legacy_encrypted);
    }
}
