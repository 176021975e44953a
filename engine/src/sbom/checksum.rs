//! Checksum algorithms as SPDX and CycloneDX name them, with the hex length each digest
//! must have, so a truncated or mislabelled checksum is caught before anyone trusts it.

use serde_json::{Map, Value};

use super::Family;
use super::diagnostics::{Code, Diagnostics, Path};

/// How many hex digits a digest of an algorithm has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Length {
    Exactly(usize),
    /// Variable-length digests (BLAKE3, MD6): at least, at most.
    Between(usize, usize),
}

/// `(name in the document, normalised name, length)` per format.
const SPDX: &[(&str, &str, Length)] = &[
    ("SHA1", "sha1", Length::Exactly(40)),
    ("SHA224", "sha224", Length::Exactly(56)),
    ("SHA256", "sha256", Length::Exactly(64)),
    ("SHA384", "sha384", Length::Exactly(96)),
    ("SHA512", "sha512", Length::Exactly(128)),
    ("SHA3-256", "sha3-256", Length::Exactly(64)),
    ("SHA3-384", "sha3-384", Length::Exactly(96)),
    ("SHA3-512", "sha3-512", Length::Exactly(128)),
    ("BLAKE2b-256", "blake2b-256", Length::Exactly(64)),
    ("BLAKE2b-384", "blake2b-384", Length::Exactly(96)),
    ("BLAKE2b-512", "blake2b-512", Length::Exactly(128)),
    ("BLAKE3", "blake3", Length::Between(64, 1024)),
    ("MD2", "md2", Length::Exactly(32)),
    ("MD4", "md4", Length::Exactly(32)),
    ("MD5", "md5", Length::Exactly(32)),
    ("MD6", "md6", Length::Between(2, 128)),
    ("ADLER32", "adler32", Length::Exactly(8)),
];

const CYCLONEDX: &[(&str, &str, Length)] = &[
    ("MD5", "md5", Length::Exactly(32)),
    ("SHA-1", "sha1", Length::Exactly(40)),
    ("SHA-256", "sha256", Length::Exactly(64)),
    ("SHA-384", "sha384", Length::Exactly(96)),
    ("SHA-512", "sha512", Length::Exactly(128)),
    ("SHA3-256", "sha3-256", Length::Exactly(64)),
    ("SHA3-384", "sha3-384", Length::Exactly(96)),
    ("SHA3-512", "sha3-512", Length::Exactly(128)),
    ("BLAKE2b-256", "blake2b-256", Length::Exactly(64)),
    ("BLAKE2b-384", "blake2b-384", Length::Exactly(96)),
    ("BLAKE2b-512", "blake2b-512", Length::Exactly(128)),
    ("BLAKE3", "blake3", Length::Between(64, 1024)),
];

/// The valid checksums of `owner` by normalised algorithm name, from `(path, algorithm,
/// value)` entries; an entry lacking a part, or failing [`check`], is reported at its path.
pub fn collect<'a>(
    family: Family,
    entries: impl IntoIterator<Item = (Path, Option<&'a str>, Option<&'a str>)>,
    owner: &str,
    out: &mut Diagnostics,
) -> Map<String, Value> {
    let (entry, algorithm_field, value_field) = match family {
        Family::Spdx => ("checksum", "algorithm", "checksumValue"),
        Family::CycloneDx => ("hash", "alg", "content"),
    };
    let mut hashes = Map::new();
    for (path, algorithm, value) in entries {
        let (Some(algorithm), Some(value)) = (algorithm, value) else {
            out.push(
                Code::BadChecksum,
                &path,
                format!("{entry} of {owner} needs both {algorithm_field} and {value_field}"),
            );
            continue;
        };
        match check(family, algorithm, value) {
            Ok((name, digest)) => {
                hashes.insert(name.to_string(), Value::String(digest));
            }
            Err(reason) => out.push(Code::BadChecksum, &path, format!("{owner}: {reason}")),
        }
    }
    hashes
}

/// The normalised algorithm name (`sha256`, `sha3-256`, `md5`) and the lowercase digest,
/// or why the checksum is malformed.
pub fn check(
    family: Family,
    algorithm: &str,
    value: &str,
) -> Result<(&'static str, String), String> {
    let table = match family {
        Family::Spdx => SPDX,
        Family::CycloneDx => CYCLONEDX,
    };
    let Some(&(_, name, length)) = table.iter().find(|(known, _, _)| *known == algorithm) else {
        let known: Vec<&str> = table.iter().map(|(known, _, _)| *known).collect();
        return Err(format!(
            "unknown checksum algorithm {algorithm:?} (expected one of {})",
            known.join(", ")
        ));
    };
    if let Some(bad) = value.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(format!(
            "{algorithm} checksum {value:?} is not hexadecimal (found {bad:?})"
        ));
    }
    let ok = match length {
        Length::Exactly(n) => value.len() == n,
        Length::Between(min, max) => {
            (min..=max).contains(&value.len()) && value.len().is_multiple_of(2)
        }
    };
    if !ok {
        let expected = match length {
            Length::Exactly(n) => format!("{n}"),
            Length::Between(min, max) => format!("an even number from {min} to {max}"),
        };
        return Err(format!(
            "{algorithm} checksum has {} hex digits, expected {expected}",
            value.len()
        ));
    }
    Ok((name, value.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA256: &str = "11b6d3ee554eedf79299905a98f9b9a04e498210b59f15094c916c91d150efcd";

    #[test]
    fn collect_keeps_valid_checksums_and_reports_the_others_at_their_paths() {
        let at = |i: usize| Path::root().key("hashes").index(i);
        for (family, algorithm, missing) in [
            (
                Family::Spdx,
                "SHA256",
                "checksum of pkg needs both algorithm and checksumValue",
            ),
            (
                Family::CycloneDx,
                "SHA-256",
                "hash of pkg needs both alg and content",
            ),
        ] {
            let upper = SHA256.to_uppercase();
            let entries = [
                (at(0), Some(algorithm), Some(upper.as_str())),
                (at(1), None, Some(SHA256)),
                (at(2), Some(algorithm), Some("abc")),
            ];
            let mut out = Diagnostics::default();
            let hashes = collect(family, entries, "pkg", &mut out);
            assert_eq!(hashes.len(), 1);
            assert_eq!(hashes["sha256"], SHA256);
            let found: Vec<(Code, Vec<_>, &str)> = out
                .0
                .iter()
                .map(|d| (d.code, d.path.clone(), d.message.as_str()))
                .collect();
            assert_eq!(found.len(), 2, "{found:?}");
            assert_eq!(
                (found[0].0, &found[0].1, found[0].2),
                (Code::BadChecksum, &at(1).0, missing)
            );
            assert_eq!((found[1].0, &found[1].1), (Code::BadChecksum, &at(2).0));
            assert!(found[1].2.starts_with("pkg: "), "{}", found[1].2);
        }
    }

    #[test]
    fn known_algorithms_are_normalised() {
        assert_eq!(
            check(Family::Spdx, "SHA256", &SHA256.to_uppercase()),
            Ok(("sha256", SHA256.to_string()))
        );
        assert_eq!(
            check(Family::CycloneDx, "SHA-256", SHA256),
            Ok(("sha256", SHA256.to_string()))
        );
        assert!(check(Family::Spdx, "BLAKE3", SHA256).is_ok());
    }

    #[test]
    fn each_format_has_its_own_names() {
        let error = check(Family::Spdx, "SHA-256", SHA256).expect_err("CycloneDX name");
        assert!(
            error.contains("unknown checksum algorithm \"SHA-256\""),
            "{error}"
        );
        assert!(check(Family::CycloneDx, "SHA256", SHA256).is_err());
    }

    #[test]
    fn wrong_length_and_non_hex_are_errors() {
        let error = check(Family::Spdx, "SHA1", "abc").expect_err("short");
        assert!(error.contains("3 hex digits, expected 40"), "{error}");
        let error =
            check(Family::Spdx, "MD5", "zz2c1abb3664f4b35547e7c73864ad24").expect_err("hex");
        assert!(error.contains("not hexadecimal"), "{error}");
        assert!(check(Family::Spdx, "BLAKE3", "abc").is_err());
    }
}
