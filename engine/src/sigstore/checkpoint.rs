//! Checkpoints: the signed notes (C2SP signed-note / tlog-checkpoint) in which a log commits
//! to its size and root hash. Only a signature line from the log itself counts: same name
//! as the log, same key hint, and a valid signature; witness cosignatures are ignored.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::trust_root::Log;

/// A parsed checkpoint.
#[derive(Debug)]
pub struct Checkpoint<'a> {
    /// The signed text: origin, size, root hash and extension lines, each ending in `\n`.
    pub body: &'a str,
    pub tree_size: u64,
    pub root_hash: Vec<u8>,
    pub signatures: Vec<NoteSignature<'a>>,
}

/// One signature line: `— name base64(key hint || signature)`.
#[derive(Debug)]
pub struct NoteSignature<'a> {
    pub name: &'a str,
    pub key_hint: [u8; 4],
    pub signature: Vec<u8>,
}

impl<'a> Checkpoint<'a> {
    /// Parses a checkpoint note; every malformed line is an error.
    pub fn parse(text: &'a str) -> Result<Self, String> {
        let split = text
            .find("\n\n")
            .ok_or("no blank line between the checkpoint body and its signatures")?;
        let body = &text[..split + 1];
        let mut lines = body.lines();
        lines
            .next()
            .filter(|l| !l.is_empty())
            .ok_or("no origin line")?;
        let size_line = lines.next().ok_or("no tree size line")?;
        let tree_size = size_line
            .parse::<u64>()
            .ok()
            .filter(|_| size_line.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(|| format!("tree size line {size_line:?} is not a decimal number"))?;
        let hash_line = lines.next().ok_or("no root hash line")?;
        let root_hash = BASE64
            .decode(hash_line)
            .map_err(|_| format!("root hash line {hash_line:?} is not base64"))?;
        if root_hash.len() != 32 {
            return Err(format!(
                "root hash is {} bytes, not 32 (origin line missing?)",
                root_hash.len()
            ));
        }
        let signature_text = &text[split + 2..];
        if !signature_text.ends_with('\n') {
            return Err("the signature block does not end with a newline".into());
        }
        let signatures = signature_text
            .lines()
            .map(parse_signature_line)
            .collect::<Result<Vec<_>, _>>()?;
        if signatures.is_empty() {
            return Err("the checkpoint has no signature".into());
        }
        Ok(Checkpoint {
            body,
            tree_size,
            root_hash,
            signatures,
        })
    }

    /// Checks that some signature line is the log's own: its name, key hint and key.
    pub fn verify_signed_by(&self, log: &Log) -> Result<(), String> {
        let key = log.key.as_ref().map_err(Clone::clone)?;
        let name = log.checkpoint_name();
        let hint = log
            .log_id
            .get(..4)
            .ok_or("the log id is shorter than 4 bytes")?;
        let mut candidates = 0;
        for signature in &self.signatures {
            if signature.name != name || signature.key_hint != hint {
                continue;
            }
            candidates += 1;
            if key
                .verify(self.body.as_bytes(), &signature.signature)
                .is_ok()
            {
                return Ok(());
            }
        }
        if candidates == 0 {
            Err(format!(
                "no signature line from the log {name:?} with key hint {} (found: {})",
                hex::encode(hint),
                self.signatures
                    .iter()
                    .map(|s| format!("{} {}", s.name, hex::encode(s.key_hint)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        } else {
            Err(format!("the signature of {name:?} does not verify"))
        }
    }
}

fn parse_signature_line(line: &str) -> Result<NoteSignature<'_>, String> {
    let rest = line
        .strip_prefix("\u{2014} ")
        .ok_or_else(|| format!("signature line {line:?} does not start with an em dash"))?;
    let (name, encoded) = rest
        .split_once(' ')
        .ok_or_else(|| format!("signature line {line:?} has no signature"))?;
    let bytes = BASE64
        .decode(encoded)
        .map_err(|_| format!("signature of {name:?} is not base64"))?;
    if bytes.len() < 5 || name.is_empty() {
        return Err(format!("signature line of {name:?} is too short"));
    }
    let mut key_hint = [0u8; 4];
    key_hint.copy_from_slice(&bytes[..4]);
    Ok(NoteSignature {
        name,
        key_hint,
        signature: bytes[4..].to_vec(),
    })
}
