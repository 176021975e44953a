//! DSSE envelopes and in-toto statements: the pre-authentication encoding that is signed,
//! and the subject digests that bind a statement to an artifact.

use serde::Deserialize;

/// The in-toto payload type.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// DSSE's pre-authentication encoding: what the envelope signature covers.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload_type.len() + payload.len() + 32);
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(payload_type.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload.len().to_string().as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

#[derive(Deserialize)]
struct Statement {
    #[serde(default)]
    subject: Vec<Subject>,
}

#[derive(Deserialize)]
struct Subject {
    #[serde(default)]
    name: String,
    #[serde(default)]
    digest: std::collections::BTreeMap<String, String>,
}

/// Checks that an in-toto statement names `sha256` among its subjects' digests.
pub fn check_subject(payload_type: &str, payload: &[u8], sha256: &[u8]) -> Result<(), String> {
    if payload_type != IN_TOTO_PAYLOAD_TYPE {
        return Err(format!(
            "the DSSE payload type is {payload_type:?}, not an in-toto statement ({IN_TOTO_PAYLOAD_TYPE})"
        ));
    }
    let statement: Statement = serde_json::from_slice(payload)
        .map_err(|e| format!("the in-toto statement is not valid JSON: {e}"))?;
    let wanted = hex::encode(sha256);
    if statement.subject.iter().any(|s| {
        s.digest
            .get("sha256")
            .is_some_and(|d| d.eq_ignore_ascii_case(&wanted))
    }) {
        return Ok(());
    }
    let found: Vec<String> = statement
        .subject
        .iter()
        .map(|s| {
            format!(
                "{} sha256:{}",
                s.name,
                s.digest.get("sha256").map_or("-", String::as_str)
            )
        })
        .collect();
    Err(format!(
        "no in-toto subject has the artifact's digest sha256:{wanted} (subjects: {})",
        if found.is_empty() {
            "none".to_string()
        } else {
            found.join(", ")
        }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_specification_example() {
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
        );
    }

    #[test]
    fn subject_digest_must_match() {
        let statement = br#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"00ff"}}]}"#;
        assert!(check_subject(IN_TOTO_PAYLOAD_TYPE, statement, &[0x00, 0xff]).is_ok());
        let error = check_subject(IN_TOTO_PAYLOAD_TYPE, statement, &[0x00, 0xfe]).unwrap_err();
        assert!(error.contains("a sha256:00ff"), "{error}");
        assert!(check_subject("text/plain", statement, &[0x00, 0xff]).is_err());
        assert!(check_subject(IN_TOTO_PAYLOAD_TYPE, b"{", &[0x00, 0xff]).is_err());
    }
}
