//! Signed certificate timestamps (RFC 6962) embedded in Fulcio certificates: proof that
//! the certificate was logged to a CT log of the trusted root before it was used.

use der::asn1::ObjectIdentifier;
use der::{Any, Decode, Encode, Reader, SliceReader, Tag, Tagged};
use sha2::{Digest, Sha256};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::sct::{
    HashAlgorithm, SignedCertificateTimestamp, SignedCertificateTimestampList,
};

use super::certs::Cert;
use super::keys::HashAlg;
use super::time;
use super::trust_root::TrustedRoot;

const CT_PRECERT_SCTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.11129.2.4.2");

/// Checks that at least one embedded SCT of `leaf` verifies against a CT log of `root`
/// that was valid when the SCT was issued. `issuer` is the CA that issued `leaf`.
pub fn verify_embedded(leaf: &Cert, issuer: &Cert, root: &TrustedRoot) -> Result<(), String> {
    let list = leaf
        .cert
        .tbs_certificate()
        .get_extension::<SignedCertificateTimestampList>()
        .map_err(|e| format!("invalid SCT list extension: {e}"))?
        .ok_or("the certificate has no embedded SCT")?
        .1;
    let scts = list
        .parse_timestamps()
        .map_err(|e| format!("invalid SCT list: {e:?}"))?;
    if scts.is_empty() {
        return Err("the certificate's SCT list is empty".into());
    }
    let tbs = precert_tbs(leaf).map_err(|e| format!("cannot rebuild the precertificate: {e}"))?;
    let issuer_key_hash = Sha256::digest(issuer.spki_der()?);
    let mut reasons = Vec::new();
    for serialized in &scts {
        let sct = match serialized.parse_timestamp() {
            Ok(sct) => sct,
            Err(e) => {
                reasons.push(format!("invalid SCT: {e:?}"));
                continue;
            }
        };
        match verify_one(&sct, &tbs, &issuer_key_hash, root) {
            Ok(()) => return Ok(()),
            Err(reason) => reasons.push(reason),
        }
    }
    Err(reasons.join("; "))
}

fn verify_one(
    sct: &SignedCertificateTimestamp,
    tbs: &[u8],
    issuer_key_hash: &[u8],
    root: &TrustedRoot,
) -> Result<(), String> {
    let log_id = sct.log_id.key_id;
    let log = root.ctlog(&log_id).ok_or_else(|| {
        format!(
            "SCT from CT log {} not in the trusted root",
            hex::encode(log_id)
        )
    })?;
    let seconds = i64::try_from(sct.timestamp / 1000).unwrap_or(i64::MAX);
    if !log.valid.contains(seconds) {
        return Err(format!(
            "SCT time {} is outside the CT log key's validity {}",
            time::format(seconds),
            log.valid.describe()
        ));
    }
    let hash = match sct.signature.algorithm.hash {
        HashAlgorithm::Sha256 => HashAlg::Sha256,
        HashAlgorithm::Sha384 => HashAlg::Sha384,
        HashAlgorithm::Sha512 => HashAlg::Sha512,
        ref other => return Err(format!("unsupported SCT hash {other:?}")),
    };
    let tbs_len = u32::try_from(tbs.len())
        .ok()
        .filter(|&n| n < 1 << 24)
        .ok_or("precertificate too large")?;
    let extensions = sct.extensions.as_slice();
    let extensions_len = u16::try_from(extensions.len()).map_err(|_| "SCT extensions too large")?;
    let mut signed = Vec::with_capacity(tbs.len() + extensions.len() + 64);
    signed.push(0); // v1
    signed.push(0); // certificate_timestamp
    signed.extend_from_slice(&sct.timestamp.to_be_bytes());
    signed.extend_from_slice(&1u16.to_be_bytes()); // precert_entry
    signed.extend_from_slice(issuer_key_hash);
    signed.extend_from_slice(&tbs_len.to_be_bytes()[1..]);
    signed.extend_from_slice(tbs);
    signed.extend_from_slice(&extensions_len.to_be_bytes());
    signed.extend_from_slice(extensions);
    let key = log.key.as_ref().map_err(|e| format!("CT log key: {e}"))?;
    key.verify_with(Some(hash), &signed, sct.signature.signature.as_slice())
        .map_err(|e| format!("SCT signature by CT log {}: {e}", log.base_url))
}

/// The leaf's TBSCertificate without the SCT list extension: what the CT log signed.
fn precert_tbs(leaf: &Cert) -> der::Result<Vec<u8>> {
    let mut reader = SliceReader::new(leaf.tbs_der())?;
    let elements = reader.sequence(|r| {
        let mut elements = Vec::new();
        while !r.is_finished() {
            elements.push(r.tlv_bytes()?);
        }
        Ok::<_, der::Error>(elements)
    })?;
    reader.finish()?;
    let mut body = Vec::new();
    for element in elements {
        let any = Any::from_der(element)?;
        if any.tag()
            == (Tag::ContextSpecific {
                constructed: true,
                number: der::TagNumber(3),
            })
        {
            let extensions = Vec::<Extension>::from_der(any.value())?;
            let kept: Vec<Extension> = extensions
                .into_iter()
                .filter(|e| e.extn_id != CT_PRECERT_SCTS)
                .collect();
            body.extend(Any::new(any.tag(), kept.to_der()?)?.to_der()?);
        } else {
            body.extend_from_slice(element);
        }
    }
    Any::new(Tag::Sequence, body)?.to_der()
}
