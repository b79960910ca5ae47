//! Object identifiers certkit emits or reads, with their sources.

use const_oid::ObjectIdentifier as Oid;

/// id-at-commonName, X.520.
pub const CN: Oid = Oid::new_unwrap("2.5.4.3");
/// id-at-serialNumber.
pub const SERIAL_NUMBER: Oid = Oid::new_unwrap("2.5.4.5");
/// id-at-countryName.
pub const C: Oid = Oid::new_unwrap("2.5.4.6");
/// id-at-localityName.
pub const L: Oid = Oid::new_unwrap("2.5.4.7");
/// id-at-stateOrProvinceName.
pub const ST: Oid = Oid::new_unwrap("2.5.4.8");
/// id-at-streetAddress.
pub const STREET: Oid = Oid::new_unwrap("2.5.4.9");
/// id-at-organizationName.
pub const O: Oid = Oid::new_unwrap("2.5.4.10");
/// id-at-organizationalUnitName.
pub const OU: Oid = Oid::new_unwrap("2.5.4.11");
/// id-at-postalCode.
pub const POSTAL_CODE: Oid = Oid::new_unwrap("2.5.4.17");
/// emailAddress, PKCS#9 (legacy in subjects; RFC 5280 prefers an rfc822Name SAN).
pub const EMAIL: Oid = Oid::new_unwrap("1.2.840.113549.1.9.1");
/// extensionRequest, PKCS#9 (RFC 2985 §5.4.2).
pub const EXTENSION_REQUEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.14");

/// id-ce-subjectKeyIdentifier, RFC 5280 §4.2.1.2.
pub const SKI: Oid = Oid::new_unwrap("2.5.29.14");
/// id-ce-keyUsage, §4.2.1.3.
pub const KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.15");
/// id-ce-subjectAltName, §4.2.1.6.
pub const SAN: Oid = Oid::new_unwrap("2.5.29.17");
/// id-ce-basicConstraints, §4.2.1.9.
pub const BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
/// id-ce-nameConstraints, §4.2.1.10.
pub const NAME_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.30");
/// id-ce-cRLDistributionPoints, §4.2.1.13.
pub const CRL_DP: Oid = Oid::new_unwrap("2.5.29.31");
/// id-ce-certificatePolicies, §4.2.1.4.
pub const CERT_POLICIES: Oid = Oid::new_unwrap("2.5.29.32");
/// id-ce-authorityKeyIdentifier, §4.2.1.1.
pub const AKI: Oid = Oid::new_unwrap("2.5.29.35");
/// id-ce-extKeyUsage, §4.2.1.12.
pub const EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");
/// id-pe-authorityInfoAccess, §4.2.2.1.
pub const AIA: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.1.1");
/// id-ad-ocsp.
pub const AD_OCSP: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1");
/// id-ad-caIssuers.
pub const AD_CA_ISSUERS: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.2");
/// OCSP No Check, RFC 6960 §4.2.2.2.1.
pub const OCSP_NOCHECK: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1.5");
/// id-qt-cps: a certificate policy's CPS pointer qualifier (RFC 5280 §4.2.1.4).
pub const QT_CPS: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.2.1");
/// id-qt-unotice: a certificate policy's user notice qualifier.
pub const QT_UNOTICE: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.2.2");

/// anyExtendedKeyUsage, RFC 5280 §4.2.1.12.
pub const EKU_ANY: Oid = Oid::new_unwrap("2.5.29.37.0");
/// id-kp-serverAuth.
pub const EKU_SERVER_AUTH: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.1");
/// id-kp-clientAuth.
pub const EKU_CLIENT_AUTH: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.2");
/// id-kp-codeSigning.
pub const EKU_CODE_SIGNING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.3");
/// id-kp-emailProtection.
pub const EKU_EMAIL_PROTECTION: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.4");
/// id-kp-ipsecEndSystem (RFC 2459; obsolete but cfssl names it).
pub const EKU_IPSEC_END_SYSTEM: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.5");
/// id-kp-ipsecTunnel.
pub const EKU_IPSEC_TUNNEL: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.6");
/// id-kp-ipsecUser.
pub const EKU_IPSEC_USER: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.7");
/// id-kp-timeStamping.
pub const EKU_TIME_STAMPING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.8");
/// id-kp-OCSPSigning.
pub const EKU_OCSP_SIGNING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.9");
/// Microsoft Server Gated Crypto.
pub const EKU_MICROSOFT_SGC: Oid = Oid::new_unwrap("1.3.6.1.4.1.311.10.3.3");
/// Netscape Server Gated Crypto.
pub const EKU_NETSCAPE_SGC: Oid = Oid::new_unwrap("2.16.840.1.113730.4.1");
/// id-ce-cRLNumber, RFC 5280 §5.2.3.
pub const CRL_NUMBER: Oid = Oid::new_unwrap("2.5.29.20");
/// id-ce-cRLReasons, RFC 5280 §5.3.1.
pub const CRL_REASON: Oid = Oid::new_unwrap("2.5.29.21");
