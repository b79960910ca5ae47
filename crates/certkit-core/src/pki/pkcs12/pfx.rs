//! Writing and reading PFX files: the rules of the module's documentation.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use super::asn1::{
    CERT_BAG, CertBag, ContentInfo, DigestInfo, EncryptedContentInfo, EncryptedData, EncryptedPrivateKeyInfo,
    FRIENDLY_NAME, ID_DATA, ID_ENCRYPTED_DATA, KEY_BAG, LOCAL_KEY_ID, MacData, PBE_SHA1_3DES, PBE_SHA1_RC2_40,
    PBE_SHA1_RC2_128, PKCS8_SHROUDED_KEY_BAG, PbeParams, Pfx, SAFE_CONTENTS_BAG, SafeBag, X509_CERTIFICATE,
};
use super::kdf::{Purpose, derive};
use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, InnerIvInit, KeyIvInit, block_padding::Pkcs7};
use const_oid::ObjectIdentifier;
use der::asn1::{Any, BmpString, OctetString, SetOfVec};
use der::{Decode, Encode};
use hmac::{Hmac, KeyInit, Mac};
use rand_core::CryptoRng;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha384, Sha512};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::attr::Attribute;
use zeroize::Zeroizing;

// The one PBES2 job, shared with encrypted keys.
pub use crate::pki::key::Pbes2;
use crate::pki::key::{MAX_PBKDF2_ITERATIONS, PrivateKey, PublicKey, check_kdf_cost};
use crate::{Error, Result};

/// Oracle's trustedKeyUsage: what Java's PKCS12KeyStore looks for on a
/// certificate without a key.
const TRUSTED_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.113894.746875.1.1");
const ANY_EXTENDED_KEY_USAGE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.37.0");
const PBES2: ObjectIdentifier = pkcs5::pbes2::PBES2_OID;
const PBMAC1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.5.14");
const SHA1_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const SHA256_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512_OID: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

/// Most certificates a file may hold (a chain is a handful; a trust
/// bundle a few dozen).
pub const MAX_CERTIFICATES: usize = 256;
/// Iterations certkit writes unless told otherwise: OpenSSL 3's and
/// cert-manager's (`openssl pkcs12 -export` writes 2,048 for the
/// encryption and for the MAC).
pub const DEFAULT_ITERATIONS: u32 = 2048;

/// How a file is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protection {
    /// PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) and HMAC-SHA-256, with this
    /// many iterations for each.
    Modern {
        /// PBKDF2 and MAC iterations.
        iterations: u32,
    },
    /// pbeWithSHAAnd3-KeyTripleDES-CBC and HMAC-SHA-1, for importers that
    /// read nothing newer.
    Legacy {
        /// Key-derivation and MAC iterations.
        iterations: u32,
    },
}

impl Default for Protection {
    fn default() -> Self {
        Protection::Modern { iterations: DEFAULT_ITERATIONS }
    }
}

impl Protection {
    fn iterations(self) -> u32 {
        match self {
            Protection::Modern { iterations } | Protection::Legacy { iterations } => iterations,
        }
    }
}

/// What goes into a file with a key: the certificate (DER), its key, the
/// chain above it (DER, the issuer first) and a friendly name.
#[derive(Debug)]
pub struct Bundle<'a> {
    /// The certificate, DER.
    pub certificate: &'a [u8],
    /// Its private key.
    pub key: &'a PrivateKey,
    /// The chain above it, DER, its issuer first.
    pub chain: &'a [Vec<u8>],
    /// The friendlyName importers show (an alias in Java).
    pub name: Option<&'a str>,
}

/// What a file held.
#[derive(Debug)]
pub struct Contents {
    /// The certificate of the key, DER.
    pub certificate: Vec<u8>,
    /// The key.
    pub key: PrivateKey,
    /// The other certificates, DER: those that chain above the certificate
    /// first (its issuer first), then any others in the file's order.
    pub chain: Vec<Vec<u8>>,
    /// The key's friendlyName, if it had one.
    pub name: Option<String>,
}

fn fail(detail: impl Into<String>) -> Error {
    Error::Pkcs12 { detail: detail.into() }
}

fn der_error(e: der::Error) -> Error {
    Error::Der { detail: e.to_string() }
}

fn crypto(op: &'static str) -> impl Fn(&dyn core::fmt::Display) -> Error {
    move |e| Error::Crypto { op, detail: e.to_string() }
}

/// Checks rule 4 for `bundle`: the key is the certificate's, and each
/// certificate of the chain issued the one before it.
pub fn check_bundle(bundle: &Bundle<'_>) -> Result<()> {
    let cert = parse_certificate(bundle.certificate, "the certificate")?;
    let public = PublicKey::from_spki(cert.tbs_certificate().subject_public_key_info(), "the certificate")?;
    if &public != bundle.key.public_key() {
        return Err(fail(
            "is not the certificate's key (their public keys differ); give the key the certificate was issued for",
        )
        .in_input("the key"));
    }
    check_chain(bundle.certificate, bundle.chain)
}

fn parse_certificate(der: &[u8], what: &str) -> Result<Certificate> {
    Certificate::from_der(der).map_err(|e| der_error(e).in_input(what))
}

/// Each of `chain` issued the certificate before it.
fn check_chain(leaf: &[u8], chain: &[Vec<u8>]) -> Result<()> {
    let mut child_der = leaf;
    let mut child = parse_certificate(leaf, "the certificate")?;
    for (i, parent_der) in chain.iter().enumerate() {
        let what = alloc::format!("chain certificate {}", i + 1);
        let parent = parse_certificate(parent_der, &what)?;
        let child_name = if i == 0 { "the certificate".to_string() } else { alloc::format!("chain certificate {i}") };
        if !crate::pki::signer::issued_by(child_der, &child, &parent, &what)? {
            return Err(fail(alloc::format!(
                "did not issue {child_name} (its subject is {}, the issuer named is {}); give the chain in order, the issuer first",
                parent.tbs_certificate().subject(),
                child.tbs_certificate().issuer()
            ))
            .in_input(what));
        }
        child_der = parent_der;
        child = parent;
    }
    Ok(())
}

/// A PKCS#12 file of `bundle` (rules 1 to 4), protected by `passphrase`.
///
/// With [`Protection::Modern`] this is [`prepare`] and [`Pending::seal`]:
/// the path a platform with its own PBKDF2 and AES (Web Crypto) takes too,
/// doing the encryptions itself ([`Pending::finish`]).
pub fn build<R: CryptoRng + ?Sized>(
    bundle: &Bundle<'_>,
    passphrase: &str,
    protection: Protection,
    rng: &mut R,
) -> Result<Vec<u8>> {
    match protection {
        Protection::Modern { iterations } => prepare(bundle, iterations, rng)?.seal(passphrase, rng),
        Protection::Legacy { .. } => {
            let (certs, id) = bags(bundle)?;
            let pkcs8 = bundle.key.to_pkcs8_der()?;
            let key = encrypt(&pkcs8, passphrase, protection, rng)?;
            assemble(&certs, Some(key_bag(key, &id, bundle.name)?), passphrase, protection, rng)
        }
    }
}

// PKCS#12's uses of the one PBES2 job (`key::Pbes2`, shared with
// encrypted keys).
impl Pbes2 {
    fn scheme(&self) -> Result<pkcs5::EncryptionScheme> {
        self.parameters().map(pkcs5::EncryptionScheme::Pbes2).map_err(|e| crypto("PKCS#12 encryption")(&e))
    }

    /// The encryption done by the core.
    fn encrypt(&self, passphrase: &str) -> Result<Vec<u8>> {
        self.scheme()?.encrypt(passphrase.as_bytes(), &self.plaintext).map_err(|e| crypto("PKCS#12 encryption")(&e))
    }

    /// The algorithm identifier and `ciphertext`, checked to be as long as
    /// this encryption's output (the plaintext padded to whole AES blocks).
    fn sealed(&self, ciphertext: &[u8], what: &str) -> Result<(AlgorithmIdentifierOwned, Vec<u8>)> {
        let expected = self.ciphertext_len();
        if ciphertext.len() != expected {
            return Err(fail(alloc::format!(
                "cannot be made: the {what} encryption gave {} bytes where AES-256-CBC gives {expected}; encrypt the plaintext given, with its salt, iterations and IV",
                ciphertext.len()
            )));
        }
        let alg =
            AlgorithmIdentifierOwned::from_der(&self.scheme()?.to_der().map_err(der_error)?).map_err(der_error)?;
        Ok((alg, ciphertext.to_vec()))
    }
}

/// A file of a [`Bundle`] with [`Protection::Modern`], checked and laid out,
/// waiting for its two encryptions: [`prepare`], then encrypt
/// `certificates` and `key` (in the core or on the platform), then
/// [`Pending::finish`].
#[derive(Debug)]
pub struct Pending {
    /// The certificate bags' SafeContents, to be sealed in an EncryptedData.
    pub certificates: Pbes2,
    /// The key's PKCS#8, to be sealed in the key's shrouded bag.
    pub key: Pbes2,
    id: Vec<u8>,
    name: Option<String>,
    iterations: u32,
}

/// Checks `bundle` (rule 4) and lays out its file (rules 1 to 3) with
/// PBES2 and `iterations`, up to the two encryptions.
pub fn prepare<R: CryptoRng + ?Sized>(bundle: &Bundle<'_>, iterations: u32, rng: &mut R) -> Result<Pending> {
    let (certs, id) = bags(bundle)?;
    let contents = Zeroizing::new(certs.to_vec().to_der().map_err(der_error)?);
    let pkcs8 = bundle.key.to_pkcs8_der()?;
    Ok(Pending {
        certificates: Pbes2::new(contents, iterations, rng),
        key: Pbes2::new(pkcs8, iterations, rng),
        id,
        name: bundle.name.map(String::from),
        iterations,
    })
}

impl Pending {
    /// The file, with the two encryptions done here.
    pub fn seal<R: CryptoRng + ?Sized>(self, passphrase: &str, rng: &mut R) -> Result<Vec<u8>> {
        let certificates = self.certificates.encrypt(passphrase)?;
        let key = self.key.encrypt(passphrase)?;
        self.finish(&certificates, &key, passphrase, rng)
    }

    /// The file, from the two ciphertexts (checked for length) and the
    /// passphrase (for the MAC, which the core computes: PKCS#12's own key
    /// derivation is not in Web Crypto).
    pub fn finish<R: CryptoRng + ?Sized>(
        self,
        certificates: &[u8],
        key: &[u8],
        passphrase: &str,
        rng: &mut R,
    ) -> Result<Vec<u8>> {
        let sealed_certs = self.certificates.sealed(certificates, "certificates'")?;
        let sealed_key = self.key.sealed(key, "key's")?;
        let key_bag = key_bag(sealed_key, &self.id, self.name.as_deref())?;
        let protection = Protection::Modern { iterations: self.iterations };
        assemble_sealed(sealed_certs, Some(key_bag), passphrase, protection, rng)
    }
}

/// The friendly name (if any) and local key ID of the certificate and its key.
fn attributes(id: &[u8], name: Option<&str>) -> Result<SetOfVec<Attribute>> {
    let mut set = SetOfVec::new();
    if let Some(name) = name {
        let name = BmpString::from_utf8(name).map_err(|_| Error::Name {
            field: "name".into(),
            reason: "has a character PKCS#12's BMPString cannot hold".into(),
        })?;
        set.insert(attribute(FRIENDLY_NAME, Any::encode_from(&name).map_err(der_error)?)?).map_err(der_error)?;
    }
    let id = OctetString::new(id).map_err(der_error)?;
    set.insert(attribute(LOCAL_KEY_ID, Any::encode_from(&id).map_err(der_error)?)?).map_err(der_error)?;
    Ok(set)
}

/// `bundle` checked (rule 4), its certificate bags (the certificate first,
/// with its attributes) and the local key ID.
fn bags(bundle: &Bundle<'_>) -> Result<(Vec<SafeBag>, Vec<u8>)> {
    check_bundle(bundle)?;
    let id = Sha1::digest(bundle.certificate).to_vec();
    let mut certs = Vec::with_capacity(1 + bundle.chain.len());
    certs.push(cert_bag(bundle.certificate, Some(attributes(&id, bundle.name)?))?);
    for c in bundle.chain {
        certs.push(cert_bag(c, None)?);
    }
    Ok((certs, id))
}

fn key_bag(encrypted: (AlgorithmIdentifierOwned, Vec<u8>), id: &[u8], name: Option<&str>) -> Result<SafeBag> {
    let shrouded = EncryptedPrivateKeyInfo {
        encryption_algorithm: encrypted.0,
        encrypted_data: OctetString::new(encrypted.1).map_err(der_error)?,
    };
    Ok(SafeBag {
        bag_id: PKCS8_SHROUDED_KEY_BAG,
        bag_value: Any::encode_from(&shrouded).map_err(der_error)?,
        bag_attributes: Some(attributes(id, name)?),
    })
}

/// A trust store (rule 5): `certificates` (DER), each trusted for any
/// purpose, protected by `passphrase`.
pub fn trust_store<R: CryptoRng + ?Sized>(
    certificates: &[Vec<u8>],
    passphrase: &str,
    protection: Protection,
    rng: &mut R,
) -> Result<Vec<u8>> {
    let mut bags = Vec::with_capacity(certificates.len());
    for (i, c) in certificates.iter().enumerate() {
        let cert = parse_certificate(c, &alloc::format!("certificate {}", i + 1))?;
        let mut set = SetOfVec::new();
        let name = BmpString::from_utf8(&cert.tbs_certificate().subject().to_string()).map_err(der_error)?;
        set.insert(attribute(FRIENDLY_NAME, Any::encode_from(&name).map_err(der_error)?)?).map_err(der_error)?;
        set.insert(attribute(TRUSTED_KEY_USAGE, Any::encode_from(&ANY_EXTENDED_KEY_USAGE).map_err(der_error)?)?)
            .map_err(der_error)?;
        bags.push(cert_bag(c, Some(set))?);
    }
    assemble(&bags, None, passphrase, protection, rng)
}

fn attribute(oid: ObjectIdentifier, value: Any) -> Result<Attribute> {
    let mut values = SetOfVec::new();
    values.insert(value).map_err(der_error)?;
    Ok(Attribute { oid, values })
}

fn cert_bag(der: &[u8], attributes: Option<SetOfVec<Attribute>>) -> Result<SafeBag> {
    let bag = CertBag { cert_id: X509_CERTIFICATE, cert_value: OctetString::new(der).map_err(der_error)? };
    Ok(SafeBag { bag_id: CERT_BAG, bag_value: Any::encode_from(&bag).map_err(der_error)?, bag_attributes: attributes })
}

/// The PFX around the certificate bags (encrypted) and the key bag (in
/// the clear: it is shrouded itself), with its MAC.
fn assemble<R: CryptoRng + ?Sized>(
    certs: &[SafeBag],
    key: Option<SafeBag>,
    passphrase: &str,
    protection: Protection,
    rng: &mut R,
) -> Result<Vec<u8>> {
    let cert_contents = Zeroizing::new(certs.to_vec().to_der().map_err(der_error)?);
    let sealed = encrypt(&cert_contents, passphrase, protection, rng)?;
    assemble_sealed(sealed, key, passphrase, protection, rng)
}

/// The PFX around the sealed certificate bags and the key bag, with its MAC.
fn assemble_sealed<R: CryptoRng + ?Sized>(
    (alg, ciphertext): (AlgorithmIdentifierOwned, Vec<u8>),
    key: Option<SafeBag>,
    passphrase: &str,
    protection: Protection,
    rng: &mut R,
) -> Result<Vec<u8>> {
    let encrypted = EncryptedData {
        version: 0,
        enc_content_info: EncryptedContentInfo {
            content_type: ID_DATA,
            content_enc_alg: alg,
            encrypted_content: Some(OctetString::new(ciphertext).map_err(der_error)?),
        },
    };
    let mut safe = alloc::vec![ContentInfo {
        content_type: ID_ENCRYPTED_DATA,
        content: Any::encode_from(&encrypted).map_err(der_error)?,
    }];
    if let Some(key) = key {
        let contents = alloc::vec![key].to_der().map_err(der_error)?;
        safe.push(data_content(contents)?);
    }
    let auth_safe = safe.to_der().map_err(der_error)?;
    let (digest_oid, len) = match protection {
        Protection::Modern { .. } => (SHA256_OID, 32),
        Protection::Legacy { .. } => (SHA1_OID, 20),
    };
    let mut salt = [0u8; 16];
    rng.fill_bytes(&mut salt);
    let iterations = i32::try_from(protection.iterations()).map_err(|_| fail("iterations are out of range"))?;
    let mac = mac(digest_oid, &bmp(passphrase), &salt, iterations, &auth_safe)?;
    debug_assert_eq!(mac.len(), len);
    let pfx = Pfx {
        version: 3,
        auth_safe: data_content(auth_safe)?,
        mac_data: Some(MacData {
            mac: DigestInfo {
                algorithm: AlgorithmIdentifierOwned { oid: digest_oid, parameters: Some(Any::null()) },
                digest: OctetString::new(mac).map_err(der_error)?,
            },
            mac_salt: OctetString::new(salt).map_err(der_error)?,
            iterations,
        }),
    };
    pfx.to_der().map_err(der_error)
}

fn data_content(bytes: Vec<u8>) -> Result<ContentInfo> {
    let octets = OctetString::new(bytes).map_err(der_error)?;
    Ok(ContentInfo { content_type: ID_DATA, content: Any::encode_from(&octets).map_err(der_error)? })
}

/// The passphrase as Appendix B.1 takes it: UTF-16 big-endian (as
/// OpenSSL 3 converts UTF-8), two zero bytes at the end.
fn bmp(passphrase: &str) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(passphrase.len() * 2 + 2));
    for unit in passphrase.encode_utf16() {
        out.extend(unit.to_be_bytes());
    }
    out.extend([0, 0]);
    out
}

fn mac(digest: ObjectIdentifier, password: &[u8], salt: &[u8], iterations: i32, data: &[u8]) -> Result<Vec<u8>> {
    macro_rules! hmac {
        ($d:ty, $v:expr) => {{
            let len = <$d as Digest>::output_size();
            let key = derive::<$d>($v, password, salt, Purpose::Mac, iterations.unsigned_abs(), len);
            let mut m = <Hmac<$d> as KeyInit>::new_from_slice(&key).map_err(|e| crypto("PKCS#12 MAC")(&e))?;
            Mac::update(&mut m, data);
            Ok(m.finalize().into_bytes().to_vec())
        }};
    }
    match digest {
        SHA1_OID => hmac!(Sha1, 64),
        SHA256_OID => hmac!(Sha256, 64),
        SHA384_OID => hmac!(Sha384, 128),
        SHA512_OID => hmac!(Sha512, 128),
        other => Err(fail(alloc::format!(
            "is authenticated with digest {other}, which certkit does not read (it reads SHA-1 and SHA-2); export it again with OpenSSL's defaults"
        ))),
    }
}

/// Encrypts `plain` as `protection` says, with a fresh salt and IV.
fn encrypt<R: CryptoRng + ?Sized>(
    plain: &[u8],
    passphrase: &str,
    protection: Protection,
    rng: &mut R,
) -> Result<(AlgorithmIdentifierOwned, Vec<u8>)> {
    match protection {
        Protection::Modern { iterations } => {
            let job = Pbes2::new(Zeroizing::new(plain.to_vec()), iterations, rng);
            let ciphertext = job.encrypt(passphrase)?;
            job.sealed(&ciphertext, "")
        }
        Protection::Legacy { iterations } => {
            let mut salt = [0u8; 8];
            rng.fill_bytes(&mut salt);
            let iterations = i32::try_from(iterations).map_err(|_| fail("iterations are out of range"))?;
            let params = PbeParams { salt: OctetString::new(salt).map_err(der_error)?, iterations };
            let (key, iv) = legacy_key_iv(&bmp(passphrase), &salt, iterations, 24)?;
            let mut buf = Zeroizing::new(alloc::vec![0u8; plain.len() + 8]);
            buf[..plain.len()].copy_from_slice(plain);
            let out = cbc::Encryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
                .map_err(|e| crypto("PKCS#12 encryption")(&e))?
                .encrypt_padded::<Pkcs7>(&mut buf, plain.len())
                .map_err(|e| crypto("PKCS#12 encryption")(&e))?
                .to_vec();
            let alg = AlgorithmIdentifierOwned {
                oid: PBE_SHA1_3DES,
                parameters: Some(Any::encode_from(&params).map_err(der_error)?),
            };
            Ok((alg, out))
        }
    }
}

/// Key material, wiped on drop.
type Secret = Zeroizing<Vec<u8>>;

fn legacy_key_iv(password: &[u8], salt: &[u8], iterations: i32, key_len: usize) -> Result<(Secret, Secret)> {
    if iterations < 1 || iterations.unsigned_abs() > MAX_PBKDF2_ITERATIONS {
        return Err(fail(alloc::format!(
            "asks for {iterations} key-derivation iterations, outside certkit's limit of 1 to {MAX_PBKDF2_ITERATIONS}; export it again with OpenSSL's defaults"
        )));
    }
    let iterations = iterations.unsigned_abs();
    let key = derive::<Sha1>(64, password, salt, Purpose::Key, iterations, key_len);
    let iv = derive::<Sha1>(64, password, salt, Purpose::Iv, iterations, 8);
    Ok((key, iv))
}

/// Undoes `alg` on `data`: PBES2 (as an encrypted key), or one of
/// PKCS#12's own schemes with 3DES or RC2.
fn decrypt(alg: &AlgorithmIdentifierOwned, data: &[u8], passphrase: &str) -> Result<Zeroizing<Vec<u8>>> {
    let unsupported = || {
        fail(alloc::format!(
            "is encrypted with {}, which certkit does not read (it reads PBES2, and 3DES or RC2 with SHA-1); export it again with OpenSSL's defaults",
            alg.oid
        ))
    };
    if alg.oid == PBES2 {
        let scheme = pkcs5::EncryptionScheme::try_from(alg.to_der().map_err(der_error)?.as_slice())
            .map_err(|_| unsupported())?;
        check_kdf_cost(&scheme, crate::pki::key::MAX_KDF_COST, "the file")?;
        return scheme.decrypt(passphrase.as_bytes(), data).map(Zeroizing::new).map_err(|e| match e {
            pkcs5::Error::DecryptFailed => Error::WrongPassphrase,
            _ => unsupported(),
        });
    }
    let (key_len, tdes) = match alg.oid {
        PBE_SHA1_3DES => (24, true),
        PBE_SHA1_RC2_128 => (16, false),
        PBE_SHA1_RC2_40 => (5, false),
        _ => return Err(unsupported()),
    };
    let params = alg.parameters.as_ref().ok_or_else(unsupported)?;
    let params: PbeParams = params.decode_as().map_err(der_error)?;
    let (key, iv) = legacy_key_iv(&bmp(passphrase), params.salt.as_bytes(), params.iterations, key_len)?;
    let mut buf = Zeroizing::new(data.to_vec());
    let plain = if tdes {
        cbc::Decryptor::<des::TdesEde3>::new_from_slices(&key, &iv)
            .map_err(|_| unsupported())?
            .decrypt_padded::<Pkcs7>(&mut buf)
    } else {
        let cipher = rc2::Rc2::new_with_eff_key_len(&key, key_len * 8);
        cbc::Decryptor::<rc2::Rc2>::inner_iv_slice_init(cipher, &iv)
            .map_err(|_| unsupported())?
            .decrypt_padded::<Pkcs7>(&mut buf)
    }
    .map_err(|_| Error::WrongPassphrase)?;
    Ok(Zeroizing::new(plain.to_vec()))
}

/// Reads a PKCS#12 file (see the module's documentation for what it
/// accepts): the key, its certificate and the other certificates.
pub fn read(input: &[u8], passphrase: &str, what: &str) -> Result<Contents> {
    crate::error::within_limit(input, what)?;
    read_inner(input, passphrase).map_err(|e| e.in_input(what))
}

fn read_inner(input: &[u8], passphrase: &str) -> Result<Contents> {
    let pfx = Pfx::from_der(input)
        .map_err(|e| fail(alloc::format!("is not a PKCS#12 file in DER ({e}); give a .p12 or .pfx file")))?;
    if pfx.version != 3 {
        return Err(fail(alloc::format!("is PKCS#12 version {}, not 3 (RFC 7292); export it again", pfx.version)));
    }
    if pfx.auth_safe.content_type != ID_DATA {
        return Err(fail(alloc::format!(
            "is protected by {} (a public-key mode), which certkit does not read; export it again with a passphrase",
            pfx.auth_safe.content_type
        )));
    }
    let auth_safe = pfx.auth_safe.content.decode_as::<OctetString>().map_err(der_error)?;
    let auth_safe = auth_safe.as_bytes();
    verify_mac(pfx.mac_data.as_ref(), passphrase, auth_safe)?;
    let safe: Vec<ContentInfo> = Vec::from_der(auth_safe).map_err(der_error)?;
    let mut certs: Vec<(Vec<u8>, Option<Vec<u8>>)> = Vec::new();
    let mut keys: Vec<(PrivateKey, Option<Vec<u8>>, Option<String>)> = Vec::new();
    for info in &safe {
        let contents = match info.content_type {
            ID_DATA => Zeroizing::new(info.content.decode_as::<OctetString>().map_err(der_error)?.as_bytes().to_vec()),
            ID_ENCRYPTED_DATA => {
                let enc: EncryptedData = info.content.decode_as().map_err(der_error)?;
                let Some(data) = &enc.enc_content_info.encrypted_content else { continue };
                decrypt(&enc.enc_content_info.content_enc_alg, data.as_bytes(), passphrase)?
            }
            other => {
                return Err(fail(alloc::format!(
                    "holds content of type {other} (a public-key mode), which certkit does not read; export it again with a passphrase"
                )));
            }
        };
        let bags: Vec<SafeBag> = Vec::from_der(&contents).map_err(der_error)?;
        for bag in bags {
            read_bag(&bag, passphrase, &mut certs, &mut keys)?;
            if certs.len() > MAX_CERTIFICATES {
                return Err(fail(alloc::format!(
                    "holds more than {MAX_CERTIFICATES} certificates; give a file with one key and its chain"
                )));
            }
        }
    }
    let (key, key_id, name) = match keys.len() {
        1 => keys.remove(0),
        0 => return Err(fail("holds no private key (only certificates); give a file exported with its key")),
        n => return Err(fail(alloc::format!("holds {n} private keys; certkit extracts a file with one key"))),
    };
    let spki = key.public_key().spki_der();
    let position = certs
        .iter()
        .position(|(der, id)| key_id.is_some() && id == &key_id && spki_of(der).as_deref() == Some(&spki[..]))
        .or_else(|| certs.iter().position(|(der, _)| spki_of(der).as_deref() == Some(&spki[..])));
    let Some(position) = position else {
        return Err(fail("holds a key but no certificate for it; give a file exported with the key's certificate"));
    };
    let certificate = certs.remove(position).0;
    let chain = order_chain(&certificate, certs.into_iter().map(|c| c.0).collect());
    Ok(Contents { certificate, key, chain, name })
}

fn spki_of(cert: &[u8]) -> Option<Vec<u8>> {
    Certificate::from_der(cert).ok()?.tbs_certificate().subject_public_key_info().to_der().ok()
}

/// The certificates that chain above `leaf` by name first, issuer first,
/// then the rest in the file's order.
fn order_chain(leaf: &[u8], mut rest: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    let mut chain = Vec::with_capacity(rest.len());
    let mut current = Certificate::from_der(leaf).ok();
    while let Some(child) = current.take() {
        if child.tbs_certificate().issuer() == child.tbs_certificate().subject() {
            break;
        }
        let found = rest.iter().position(|c| {
            Certificate::from_der(c).is_ok_and(|p| p.tbs_certificate().subject() == child.tbs_certificate().issuer())
        });
        if let Some(i) = found {
            let next = rest.remove(i);
            current = Certificate::from_der(&next).ok();
            chain.push(next);
        }
    }
    chain.extend(rest);
    chain
}

type Certs = Vec<(Vec<u8>, Option<Vec<u8>>)>;
type Keys = Vec<(PrivateKey, Option<Vec<u8>>, Option<String>)>;

fn read_bag(bag: &SafeBag, passphrase: &str, certs: &mut Certs, keys: &mut Keys) -> Result<()> {
    let value = &bag.bag_value;
    let (key_id, name) = bag_attributes(bag);
    match bag.bag_id {
        CERT_BAG => {
            let cert: CertBag = value.decode_as().map_err(der_error)?;
            if cert.cert_id != X509_CERTIFICATE {
                return Err(fail(alloc::format!("holds a certificate of type {}, not X.509", cert.cert_id)));
            }
            let der = cert.cert_value.as_bytes().to_vec();
            parse_certificate(&der, "a certificate in it")?;
            certs.push((der, key_id));
        }
        PKCS8_SHROUDED_KEY_BAG => {
            let enc: EncryptedPrivateKeyInfo = value.decode_as().map_err(der_error)?;
            let plain = decrypt(&enc.encryption_algorithm, enc.encrypted_data.as_bytes(), passphrase)?;
            keys.push((PrivateKey::from_pkcs8_der(&plain, "the key in it")?, key_id, name));
        }
        KEY_BAG => {
            let plain = Zeroizing::new(value.to_der().map_err(der_error)?);
            keys.push((PrivateKey::from_pkcs8_der(&plain, "the key in it")?, key_id, name));
        }
        SAFE_CONTENTS_BAG => {
            return Err(fail(
                "nests SafeContents inside a bag, which certkit does not walk; export it again with OpenSSL or Java",
            ));
        }
        // CRLs and secrets are not certkit's to extract; they are skipped.
        _ => {}
    }
    Ok(())
}

fn bag_attributes(bag: &SafeBag) -> (Option<Vec<u8>>, Option<String>) {
    let (mut id, mut name) = (None, None);
    for a in bag.bag_attributes.iter().flat_map(|s| s.iter()) {
        let Some(value) = a.values.iter().next() else { continue };
        if a.oid == LOCAL_KEY_ID {
            id = value.decode_as::<OctetString>().ok().map(|o| o.as_bytes().to_vec());
        } else if a.oid == FRIENDLY_NAME {
            name = value.decode_as::<BmpString>().ok().map(|b| b.to_string());
        }
    }
    (id, name)
}

/// Verifies the MAC with `passphrase` (and, for an empty one, also as
/// the absent password some writers use) before anything is decrypted.
fn verify_mac(mac_data: Option<&MacData>, passphrase: &str, data: &[u8]) -> Result<()> {
    let Some(m) = mac_data else {
        return Err(fail(
            "has no MAC, so its integrity cannot be checked; export it again with a passphrase (`openssl pkcs12 -export`)",
        ));
    };
    let iterations = m.iterations;
    if iterations < 1 || iterations.unsigned_abs() > MAX_PBKDF2_ITERATIONS {
        return Err(fail(alloc::format!(
            "asks for {iterations} MAC iterations, outside certkit's limit of 1 to {MAX_PBKDF2_ITERATIONS}; export it again with OpenSSL's defaults"
        )));
    }
    if m.mac.algorithm.oid == PBMAC1 {
        return Err(fail(
            "is authenticated with PBMAC1, which certkit does not read yet; export it again with OpenSSL's defaults",
        ));
    }
    let salt = m.mac_salt.as_bytes();
    let expected = m.mac.digest.as_bytes();
    let matches = |password: &[u8]| -> Result<bool> {
        let got = mac(m.mac.algorithm.oid, password, salt, iterations, data)?;
        Ok(got.len() == expected.len() && subtle_eq(&got, expected))
    };
    if matches(&bmp(passphrase))? || (passphrase.is_empty() && matches(&[])?) {
        return Ok(());
    }
    Err(Error::WrongPassphrase)
}

/// Constant-time comparison of two equal-length slices.
fn subtle_eq(a: &[u8], b: &[u8]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use super::*;
    use crate::pki::pem;

    fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
        rand_core::UnwrapErr(getrandom::SysRng)
    }

    const LEAF: &[u8] = include_bytes!("../../../../../tests/data/pkcs12-leaf.pem");
    const LEAF_KEY: &[u8] = include_bytes!("../../../../../tests/data/pkcs12-leaf-key.pem");
    const CA: &[u8] = include_bytes!("../../../../../tests/data/pkcs12-ca.pem");

    fn inputs() -> (Vec<u8>, PrivateKey, Vec<Vec<u8>>) {
        let leaf = pem::first_certificate(LEAF, "leaf").unwrap();
        let key = PrivateKey::from_bytes(LEAF_KEY, None, "key").unwrap();
        (leaf, key, vec![pem::first_certificate(CA, "ca").unwrap()])
    }

    #[test]
    fn a_platform_that_encrypts_itself_makes_the_same_file_and_a_short_ciphertext_is_refused() {
        let (leaf, key, chain) = inputs();
        let bundle = Bundle { certificate: &leaf, key: &key, chain: &chain, name: None };
        // The platform's encryption: PBKDF2 and AES-256-CBC of its own, here
        // RustCrypto's directly, as Web Crypto would do it.
        let platform = |job: &Pbes2| {
            let mut k = [0u8; 32];
            pbkdf2::pbkdf2_hmac::<Sha256>(b"pw", &job.salt, job.iterations, &mut k);
            let mut buf = vec![0u8; job.plaintext.len() + 16];
            buf[..job.plaintext.len()].copy_from_slice(&job.plaintext);
            let e = cbc::Encryptor::<aes::Aes256>::new_from_slices(&k, &job.iv).unwrap();
            e.encrypt_padded::<Pkcs7>(&mut buf, job.plaintext.len()).unwrap().to_vec()
        };
        let pending = prepare(&bundle, 1000, &mut rng()).unwrap();
        let (c, k) = (platform(&pending.certificates), platform(&pending.key));
        let p12 = pending.finish(&c, &k, "pw", &mut rng()).unwrap();
        let back = read(&p12, "pw", "out.p12").unwrap();
        assert_eq!((&back.certificate, &back.chain), (&leaf, &chain));
        assert_eq!(back.key.public_key(), key.public_key());

        let pending = prepare(&bundle, 1000, &mut rng()).unwrap();
        let (c, k) = (platform(&pending.certificates), platform(&pending.key));
        let e = pending.finish(&c[..c.len() - 16], &k, "pw", &mut rng()).unwrap_err().to_string();
        assert!(e.contains("the certificates' encryption gave"), "{e}");
    }

    #[test]
    fn what_certkit_writes_it_reads_back_modern_and_legacy() {
        let (leaf, key, chain) = inputs();
        let bundle = Bundle { certificate: &leaf, key: &key, chain: &chain, name: Some("web ü") };
        for protection in [Protection::default(), Protection::Legacy { iterations: 2048 }] {
            let p12 = build(&bundle, "correct horse", protection, &mut rng()).unwrap();
            let back = read(&p12, "correct horse", "out.p12").unwrap();
            assert_eq!((&back.certificate, &back.chain), (&leaf, &chain), "{protection:?}");
            assert_eq!(back.key.public_key(), key.public_key());
            assert_eq!(back.name.as_deref(), Some("web ü"));
            let e = read(&p12, "wrong", "out.p12").unwrap_err();
            assert!(matches!(e.kind(), Error::WrongPassphrase), "{e}");
            assert!(e.to_string().contains("out.p12"), "{e}");
        }
    }

    #[test]
    fn an_empty_passphrase_is_a_passphrase() {
        let (leaf, key, chain) = inputs();
        let p12 = build(
            &Bundle { certificate: &leaf, key: &key, chain: &chain, name: None },
            "",
            Protection::default(),
            &mut rng(),
        )
        .unwrap();
        assert_eq!(read(&p12, "", "x").unwrap().certificate, leaf);
        assert!(matches!(read(&p12, "x", "x").unwrap_err().kind(), Error::WrongPassphrase));
    }

    #[test]
    fn openssl_files_are_read_default_and_legacy() {
        let (leaf, key, chain) = inputs();
        for file in [
            &include_bytes!("../../../../../tests/data/openssl-pkcs12-default.p12")[..],
            include_bytes!("../../../../../tests/data/openssl-pkcs12-legacy.p12"),
        ] {
            let back = read(file, "fixture", "f.p12").unwrap();
            assert_eq!((&back.certificate, &back.chain), (&leaf, &chain));
            assert_eq!(back.key.public_key(), key.public_key());
            assert_eq!(back.name.as_deref(), Some("fixture"));
            assert!(matches!(read(file, "wrong", "f.p12").unwrap_err().kind(), Error::WrongPassphrase));
        }
    }

    #[test]
    fn a_foreign_key_or_a_broken_chain_is_refused_before_writing() {
        let (leaf, key, chain) = inputs();
        let other = PrivateKey::generate(crate::KeyAlgorithm::EcdsaP256, &mut rng()).unwrap();
        let e = build(
            &Bundle { certificate: &leaf, key: &other, chain: &chain, name: None },
            "p",
            Protection::default(),
            &mut rng(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("the key is not the certificate's key"), "{e}");
        // The leaf as its own issuer: the names do not chain.
        let wrong = vec![leaf.clone()];
        let e = build(
            &Bundle { certificate: &leaf, key: &key, chain: &wrong, name: None },
            "p",
            Protection::default(),
            &mut rng(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("chain certificate 1 did not issue the certificate"), "{e}");
    }

    #[test]
    fn damaged_costly_and_foreign_files_are_refused() {
        let (leaf, key, chain) = inputs();
        let p12 = build(
            &Bundle { certificate: &leaf, key: &key, chain: &chain, name: None },
            "p",
            Protection::default(),
            &mut rng(),
        )
        .unwrap();
        // One byte of the encrypted content changed: the MAC no longer holds.
        let mut damaged = p12.clone();
        let at = damaged.len() / 2;
        damaged[at] ^= 1;
        assert!(matches!(read(&damaged, "p", "d.p12").unwrap_err().kind(), Error::WrongPassphrase));
        // Truncated, or not PKCS#12 at all.
        for bad in [&p12[..p12.len() - 3], b"junk", LEAF] {
            let e = read(bad, "p", "d.p12").unwrap_err().to_string();
            assert!(e.starts_with("d.p12 is not a PKCS#12 file in DER"), "{e}");
        }
        // Over the input limit.
        let big = vec![0x30; crate::MAX_INPUT_LEN + 1];
        assert!(matches!(read(&big, "p", "big").unwrap_err().kind(), Error::InputTooLarge { .. }));
        // Too many MAC iterations: refused before any work.
        let costly = build(
            &Bundle { certificate: &leaf, key: &key, chain: &chain, name: None },
            "p",
            Protection::Legacy { iterations: MAX_PBKDF2_ITERATIONS + 1 },
            &mut rng(),
        );
        // (Writing so many is the caller's choice; reading it is refused.)
        if let Ok(costly) = costly {
            let e = read(&costly, "p", "c.p12").unwrap_err().to_string();
            assert!(e.contains("MAC iterations"), "{e}");
        }
    }

    #[test]
    fn a_trust_store_holds_only_certificates() {
        let (_, _, chain) = inputs();
        let store = trust_store(&chain, "changeit", Protection::default(), &mut rng()).unwrap();
        let e = read(&store, "changeit", "t.p12").unwrap_err().to_string();
        assert!(e.contains("holds no private key"), "{e}");
    }
}
