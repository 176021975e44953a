//! X.509 certificates: parsing, issuer signatures, validity windows and the Fulcio
//! extensions (SAN identity, OIDC issuer) that keyless verification reads.

use der::asn1::{ObjectIdentifier, Utf8StringRef};
use der::{Decode, Header, Reader, SliceReader};
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAltName};

use super::keys::{HashAlg, PublicKey};
use super::time::{self, UnixTime};

const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_WITH_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_WITH_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
/// Fulcio's OIDC issuer extension, v1 (raw string) and v2 (DER UTF8String).
const FULCIO_ISSUER_V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.1");
const FULCIO_ISSUER_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.8");
/// Fulcio's otherName SAN for usernames.
const FULCIO_USERNAME_SAN: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.7");
pub const EKU_CODE_SIGNING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");
pub const EKU_TIME_STAMPING: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

/// A parsed certificate with its DER, the DER of its TBS part and its validity in seconds.
#[derive(Debug, Clone)]
pub struct Cert {
    pub der: Vec<u8>,
    pub cert: Certificate,
    tbs_der: std::ops::Range<usize>,
    pub not_before: UnixTime,
    pub not_after: UnixTime,
    /// The subject key, or why it cannot be used.
    pub key: Result<PublicKey, String>,
}

impl Cert {
    /// Parses a DER certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, String> {
        let cert = Certificate::from_der(der).map_err(|e| format!("invalid certificate: {e}"))?;
        let tbs_der = tbs_range(der).map_err(|e| format!("invalid certificate: {e}"))?;
        let validity = cert.tbs_certificate().validity();
        let seconds = |t: x509_cert::time::Time| {
            i64::try_from(t.to_unix_duration().as_secs()).unwrap_or(i64::MAX)
        };
        let not_before = seconds(validity.not_before);
        let not_after = seconds(validity.not_after);
        let key = der::Encode::to_der(cert.tbs_certificate().subject_public_key_info())
            .map_err(|e| e.to_string())
            .and_then(|spki| PublicKey::from_spki_der(&spki));
        Ok(Cert {
            der: der.to_vec(),
            cert,
            tbs_der,
            not_before,
            not_after,
            key,
        })
    }

    /// Parses a PEM `CERTIFICATE` block.
    pub fn from_pem(pem: &str) -> Result<Self, String> {
        let (label, der) = super::keys::decode_pem(pem.as_bytes())?;
        if label != "CERTIFICATE" {
            return Err(format!("expected a PEM CERTIFICATE block, found {label:?}"));
        }
        Self::from_der(&der)
    }

    /// The DER of the TBSCertificate, as signed by the issuer.
    pub fn tbs_der(&self) -> &[u8] {
        &self.der[self.tbs_der.clone()]
    }

    /// The DER SubjectPublicKeyInfo of the subject key.
    pub fn spki_der(&self) -> Result<Vec<u8>, String> {
        der::Encode::to_der(self.cert.tbs_certificate().subject_public_key_info())
            .map_err(|e| e.to_string())
    }

    /// The subject key, or why it is unusable.
    pub fn public_key(&self) -> Result<&PublicKey, String> {
        self.key.as_ref().map_err(Clone::clone)
    }

    pub fn is_valid_at(&self, time: UnixTime) -> bool {
        time >= self.not_before && time <= self.not_after
    }

    /// The validity window for messages.
    pub fn validity_text(&self) -> String {
        format!(
            "{}..{}",
            time::format(self.not_before),
            time::format(self.not_after)
        )
    }

    /// The subject for messages (empty for Fulcio leaves).
    pub fn subject_text(&self) -> String {
        self.cert.tbs_certificate().subject().to_string()
    }

    pub fn is_self_issued(&self) -> bool {
        self.cert.tbs_certificate().subject() == self.cert.tbs_certificate().issuer()
    }

    /// Basic constraints: whether the certificate is a CA, and its path length limit.
    pub fn basic_constraints(&self) -> Result<Option<BasicConstraints>, String> {
        self.cert
            .tbs_certificate()
            .get_extension::<BasicConstraints>()
            .map(|e| e.map(|(_, bc)| bc))
            .map_err(|e| format!("invalid basic constraints extension: {e}"))
    }

    pub fn is_ca(&self) -> Result<bool, String> {
        Ok(self.basic_constraints()?.is_some_and(|bc| bc.ca))
    }

    pub fn key_usage(&self) -> Result<Option<KeyUsage>, String> {
        self.cert
            .tbs_certificate()
            .get_extension::<KeyUsage>()
            .map(|e| e.map(|(_, ku)| ku))
            .map_err(|e| format!("invalid key usage extension: {e}"))
    }

    pub fn extended_key_usage(&self) -> Result<Vec<ObjectIdentifier>, String> {
        self.cert
            .tbs_certificate()
            .get_extension::<ExtendedKeyUsage>()
            .map(|e| e.map(|(_, eku)| eku.0).unwrap_or_default())
            .map_err(|e| format!("invalid extended key usage extension: {e}"))
    }

    /// Checks that `issuer` issued this certificate: names chain, the issuer may sign
    /// certificates, and its key verifies the signature.
    pub fn verify_issued_by(&self, issuer: &Cert) -> Result<(), String> {
        if self.cert.tbs_certificate().issuer() != issuer.cert.tbs_certificate().subject() {
            return Err(format!(
                "issuer {:?} is not the CA {:?}",
                self.cert.tbs_certificate().issuer().to_string(),
                issuer.subject_text()
            ));
        }
        if !issuer.is_ca()? {
            return Err(format!(
                "{:?} is not a CA certificate",
                issuer.subject_text()
            ));
        }
        if let Some(usage) = issuer.key_usage()?
            && !usage.key_cert_sign()
        {
            return Err(format!(
                "{:?} may not sign certificates (key usage)",
                issuer.subject_text()
            ));
        }
        let hash = signature_hash(&self.cert.signature_algorithm().oid)?;
        let signature = self
            .cert
            .signature()
            .as_bytes()
            .ok_or("certificate signature has unused bits")?;
        issuer
            .public_key()?
            .verify_with(hash, self.tbs_der(), signature)
            .map_err(|e| format!("signature by {:?}: {e}", issuer.subject_text()))
    }

    /// The identities in the subject alternative names: URIs, emails, DNS names and
    /// Fulcio usernames.
    pub fn san_identities(&self) -> Result<Vec<String>, String> {
        let Some((_, san)) = self
            .cert
            .tbs_certificate()
            .get_extension::<SubjectAltName>()
            .map_err(|e| format!("invalid subject alternative name extension: {e}"))?
        else {
            return Ok(Vec::new());
        };
        let mut names = Vec::new();
        for name in san.0 {
            match name {
                GeneralName::UniformResourceIdentifier(uri) => names.push(uri.to_string()),
                GeneralName::Rfc822Name(email) => names.push(email.to_string()),
                GeneralName::DnsName(dns) => names.push(dns.to_string()),
                GeneralName::OtherName(other) if other.type_id == FULCIO_USERNAME_SAN => {
                    if let Ok(text) = other.value.decode_as::<Utf8StringRef<'_>>() {
                        names.push(text.as_str().to_string());
                    }
                }
                _ => {}
            }
        }
        Ok(names)
    }

    /// The OIDC issuer Fulcio recorded (extension v2, else v1).
    pub fn oidc_issuer(&self) -> Result<Option<String>, String> {
        let extensions = self.cert.tbs_certificate().extensions();
        let find = |oid: ObjectIdentifier| {
            extensions
                .into_iter()
                .flatten()
                .find(|e| e.extn_id == oid)
                .map(|e| e.extn_value.as_bytes())
        };
        if let Some(value) = find(FULCIO_ISSUER_V2) {
            let text = Utf8StringRef::from_der(value)
                .map_err(|e| format!("invalid Fulcio issuer extension: {e}"))?;
            return Ok(Some(text.as_str().to_string()));
        }
        if let Some(value) = find(FULCIO_ISSUER_V1) {
            let text = std::str::from_utf8(value)
                .map_err(|_| "Fulcio issuer extension (v1) is not UTF-8")?;
            return Ok(Some(text.to_string()));
        }
        Ok(None)
    }
}

/// The hash of a certificate or CMS signature algorithm (None for Ed25519).
pub fn signature_hash(algorithm: &ObjectIdentifier) -> Result<Option<HashAlg>, String> {
    match *algorithm {
        ECDSA_WITH_SHA256 | SHA256_WITH_RSA => Ok(Some(HashAlg::Sha256)),
        ECDSA_WITH_SHA384 | SHA384_WITH_RSA => Ok(Some(HashAlg::Sha384)),
        ECDSA_WITH_SHA512 | SHA512_WITH_RSA => Ok(Some(HashAlg::Sha512)),
        ED25519 => Ok(None),
        other => Err(format!("unsupported signature algorithm {other}")),
    }
}

/// The byte range of the TBSCertificate (the first element of the outer SEQUENCE).
fn tbs_range(der: &[u8]) -> der::Result<std::ops::Range<usize>> {
    let mut reader = SliceReader::new(der)?;
    let _outer = Header::decode(&mut reader)?;
    let start = usize::try_from(reader.position())?;
    let tbs = reader.tlv_bytes()?;
    Ok(start..start + tbs.len())
}

/// Checks a CA chain from a trusted root as given (each certificate issued by the next,
/// the last self-issued), once when the root is loaded.
pub fn verify_ca_chain(chain: &[Cert]) -> Result<(), String> {
    if chain.is_empty() {
        return Err("empty certificate chain".into());
    }
    for (position, pair) in chain.windows(2).enumerate() {
        pair[0]
            .verify_issued_by(&pair[1])
            .map_err(|e| format!("certificate {position} of the chain: {e}"))?;
        if let Some(limit) = pair[1]
            .basic_constraints()?
            .and_then(|bc| bc.path_len_constraint)
            && usize::from(limit) < position
        {
            return Err(format!(
                "path length constraint {limit} of {:?} exceeded",
                pair[1].subject_text()
            ));
        }
    }
    Ok(())
}

/// Checks that the leaf and every certificate of its CA chain were valid at `time`.
pub fn check_validity_at(leaf: &Cert, chain: &[Cert], time: UnixTime) -> Result<(), String> {
    if !leaf.is_valid_at(time) {
        return Err(format!(
            "signing certificate valid {} but the verified signing time is {}",
            leaf.validity_text(),
            time::format(time)
        ));
    }
    if let Some(ca) = chain.iter().find(|c| !c.is_valid_at(time)) {
        return Err(format!(
            "CA certificate {:?} valid {} but the verified signing time is {}",
            ca.subject_text(),
            ca.validity_text(),
            time::format(time)
        ));
    }
    Ok(())
}
