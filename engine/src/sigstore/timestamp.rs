//! RFC 3161 timestamps: a TSA's signed statement that the bundle's signature existed at a
//! time. A token counts only when its message imprint is the hash of the signature, its
//! CMS signature verifies under a timestamp authority of the trusted root, and its time lies
//! within that authority's window and certificate chain validity.

use cms::content_info::ContentInfo;
use cms::signed_data::{SignedData, SignerIdentifier};
use der::asn1::{ObjectIdentifier, OctetString};
use der::{Any, Decode, Encode, Reader, SliceReader, Tag, Tagged};
use spki::AlgorithmIdentifierOwned;

use super::certs::{self, Cert};
use super::keys::HashAlg;
use super::time::{self, UnixTime};
use super::trust_root::{Authority, TrustedRoot};

const ID_SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const ID_CT_TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const ID_CONTENT_TYPE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const ID_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const ID_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const ID_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

fn digest_alg(oid: &ObjectIdentifier) -> Result<HashAlg, String> {
    match *oid {
        ID_SHA256 => Ok(HashAlg::Sha256),
        ID_SHA384 => Ok(HashAlg::Sha384),
        ID_SHA512 => Ok(HashAlg::Sha512),
        other => Err(format!("unsupported digest algorithm {other}")),
    }
}

#[derive(der::Sequence)]
struct MessageImprint {
    hash_algorithm: AlgorithmIdentifierOwned,
    hashed_message: OctetString,
}

/// The TSTInfo fields verification needs.
struct TstInfo {
    imprint: MessageImprint,
    gen_time: UnixTime,
}

fn parse_tst_info(der: &[u8]) -> Result<TstInfo, String> {
    let mut reader = SliceReader::new(der).map_err(|e| e.to_string())?;
    let info = reader
        .sequence(|r| -> der::Result<TstInfo> {
            let _version: u8 = r.decode()?;
            let _policy: ObjectIdentifier = r.decode()?;
            let imprint: MessageImprint = r.decode()?;
            let _serial: der::asn1::Int = r.decode()?;
            let gen_time: Any = r.decode()?;
            if gen_time.tag() != Tag::GeneralizedTime {
                return Err(der::ErrorKind::TagUnexpected {
                    expected: Some(Tag::GeneralizedTime),
                    actual: gen_time.tag(),
                }
                .into());
            }
            let gen_time = parse_generalized_time(gen_time.value())
                .ok_or(der::Error::from(der::ErrorKind::DateTime))?;
            while !r.is_finished() {
                let _optional: Any = r.decode()?;
            }
            Ok(TstInfo { imprint, gen_time })
        })
        .map_err(|e| format!("invalid TSTInfo: {e}"))?;
    reader
        .finish()
        .map_err(|e| format!("trailing data after TSTInfo: {e}"))?;
    Ok(info)
}

/// `YYYYMMDDHHMMSS[.fraction]Z`, the forms RFC 3161 allows; the fraction is cut.
fn parse_generalized_time(value: &[u8]) -> Option<UnixTime> {
    let text = std::str::from_utf8(value).ok()?.strip_suffix('Z')?;
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    if whole.len() != 14
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || fraction.is_empty()
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &whole[0..4],
        &whole[4..6],
        &whole[6..8],
        &whole[8..10],
        &whole[10..12],
        &whole[12..14]
    );
    time::parse_rfc3339(&rfc3339).ok()
}

/// The TimeStampToken inside a TimeStampResp (what Sigstore bundles carry), or the input
/// itself when it already is a bare token; a response whose status is not granted fails.
fn token_of(der: &[u8]) -> Result<&[u8], String> {
    let mut reader = SliceReader::new(der).map_err(|e| e.to_string())?;
    let token = reader
        .sequence(|r| -> der::Result<Option<(i64, &[u8])>> {
            if Tag::peek(r)? != Tag::Sequence {
                return Ok(None);
            }
            let status: i64 = r.sequence(|s| -> der::Result<i64> {
                let status: i64 = s.decode()?;
                while !s.is_finished() {
                    let _text_or_failure: Any = s.decode()?;
                }
                Ok(status)
            })?;
            let token = if r.is_finished() {
                &[][..]
            } else {
                r.tlv_bytes()?
            };
            Ok(Some((status, token)))
        })
        .map_err(|e| format!("not a timestamp response or token: {e}"))?;
    match token {
        None => Ok(der),
        Some((0 | 1, token)) if !token.is_empty() => {
            reader
                .finish()
                .map_err(|e| format!("trailing data after the timestamp response: {e}"))?;
            Ok(token)
        }
        Some((0 | 1, _)) => Err("the timestamp response carries no token".into()),
        Some((status, _)) => Err(format!(
            "the timestamp response's status is {status}, not granted"
        )),
    }
}

/// Verifies one timestamp (a TimeStampResp or a bare token) over `signature` and returns
/// its verified time.
pub fn verify(response: &[u8], signature: &[u8], root: &TrustedRoot) -> Result<UnixTime, String> {
    let token = token_of(response)?;
    let content =
        ContentInfo::from_der(token).map_err(|e| format!("not a CMS ContentInfo: {e}"))?;
    if content.content_type != ID_SIGNED_DATA {
        return Err(format!(
            "content type {} is not SignedData",
            content.content_type
        ));
    }
    let signed: SignedData = content
        .content
        .decode_as()
        .map_err(|e| format!("invalid SignedData: {e}"))?;
    if signed.encap_content_info.econtent_type != ID_CT_TST_INFO {
        return Err("the signed content is not a TSTInfo".into());
    }
    let tst_der = signed
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or("the token carries no TSTInfo")?
        .decode_as::<OctetString>()
        .map_err(|e| format!("TSTInfo is not an OCTET STRING: {e}"))?;
    let tst_der = tst_der.as_bytes();
    let info = parse_tst_info(tst_der)?;
    let imprint_hash = digest_alg(&info.imprint.hash_algorithm.oid)?;
    if imprint_hash.digest(signature) != info.imprint.hashed_message.as_bytes() {
        return Err(
            "the timestamp's message imprint is not the hash of the bundle's signature".into(),
        );
    }
    let signer = match signed.signer_infos.0.as_slice() {
        [signer] => signer,
        other => return Err(format!("expected one SignerInfo, found {}", other.len())),
    };
    let attrs = signer
        .signed_attrs
        .as_ref()
        .ok_or("the SignerInfo has no signed attributes")?;
    let attr_value = |oid: ObjectIdentifier| -> Result<&Any, String> {
        let attr = attrs
            .iter()
            .find(|a| a.oid == oid)
            .ok_or_else(|| format!("signed attribute {oid} is missing"))?;
        match attr.values.as_slice() {
            [value] => Ok(value),
            _ => Err(format!("signed attribute {oid} must have one value")),
        }
    };
    let content_type: ObjectIdentifier = attr_value(ID_CONTENT_TYPE)?
        .decode_as()
        .map_err(|e| format!("content-type attribute: {e}"))?;
    if content_type != ID_CT_TST_INFO {
        return Err("the content-type attribute is not TSTInfo".into());
    }
    let message_digest: OctetString = attr_value(ID_MESSAGE_DIGEST)?
        .decode_as()
        .map_err(|e| format!("message-digest attribute: {e}"))?;
    let digest = digest_alg(&signer.digest_alg.oid)?;
    if digest.digest(tst_der) != message_digest.as_bytes() {
        return Err("the message-digest attribute is not the hash of the TSTInfo".into());
    }
    let signed_attrs_der = attrs
        .to_der()
        .map_err(|e| format!("cannot encode signed attributes: {e}"))?;
    // Some TSAs name only the key algorithm; the digest algorithm then gives the hash.
    let hash = certs::signature_hash(&signer.signature_algorithm.oid).unwrap_or(Some(digest));

    let mut reasons = Vec::new();
    for authority in &root.timestamp_authorities {
        match verify_with_authority(
            authority,
            &signer.sid,
            hash,
            &signed_attrs_der,
            signer.signature.as_bytes(),
            info.gen_time,
        ) {
            Ok(()) => return Ok(info.gen_time),
            Err(reason) => reasons.push(format!("{}: {reason}", authority.uri)),
        }
    }
    if reasons.is_empty() {
        return Err("the trusted root has no timestamp authority".into());
    }
    Err(format!(
        "no timestamp authority of the trusted root signed it ({})",
        reasons.join("; ")
    ))
}

fn verify_with_authority(
    authority: &Authority,
    sid: &SignerIdentifier,
    hash: Option<HashAlg>,
    signed_attrs: &[u8],
    signature: &[u8],
    gen_time: UnixTime,
) -> Result<(), String> {
    let leaf: &Cert = authority.chain.first().ok_or("empty chain")?;
    if !identifies(sid, leaf) {
        return Err("the signer is not this authority's certificate".into());
    }
    authority.chain_ok.clone()?;
    leaf.public_key()?
        .verify_with(hash, signed_attrs, signature)
        .map_err(|e| format!("token signature: {e}"))?;
    let ekus = leaf.extended_key_usage()?;
    if !ekus.is_empty() && !ekus.contains(&certs::EKU_TIME_STAMPING) {
        return Err("the TSA certificate may not sign timestamps (extended key usage)".into());
    }
    if !authority.valid.contains(gen_time) {
        return Err(format!(
            "timestamp time {} is outside the authority's validity {}",
            time::format(gen_time),
            authority.valid.describe()
        ));
    }
    if let Some(cert) = authority.chain.iter().find(|c| !c.is_valid_at(gen_time)) {
        return Err(format!(
            "timestamp time {} is outside the validity {} of {:?}",
            time::format(gen_time),
            cert.validity_text(),
            cert.subject_text()
        ));
    }
    Ok(())
}

fn identifies(sid: &SignerIdentifier, cert: &Cert) -> bool {
    let tbs = cert.cert.tbs_certificate();
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(id) => {
            &id.issuer == tbs.issuer() && &id.serial_number == tbs.serial_number()
        }
        SignerIdentifier::SubjectKeyIdentifier(ski) => tbs
            .get_extension::<x509_cert::ext::pkix::SubjectKeyIdentifier>()
            .ok()
            .flatten()
            .is_some_and(|(_, own)| own == *ski),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_generalized_time;

    #[test]
    fn generalized_times_with_and_without_fractions_parse_and_bad_ones_do_not() {
        assert_eq!(parse_generalized_time(b"20250612120220Z"), Some(1749729740));
        assert_eq!(
            parse_generalized_time(b"20250612120220.123Z"),
            Some(1749729740)
        );
        assert_eq!(parse_generalized_time(b"20250612120220"), None);
        assert_eq!(parse_generalized_time(b"2025061212022Z"), None);
        assert_eq!(parse_generalized_time(b"20250612120220.Z"), None);
    }
}
