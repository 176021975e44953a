//! RFC 6962 / RFC 9162 Merkle tree hashing and inclusion proof verification.

use sha2::{Digest, Sha256};

/// The leaf hash of an entry: SHA-256(0x00 || entry).
pub fn leaf_hash(entry: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update([0u8]);
    hasher.update(entry);
    hasher.finalize().into()
}

fn node_hash(left: &[u8], right: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update([1u8]);
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// Computes the root hash an inclusion proof leads to (RFC 9162 section 2.1.3.2).
pub fn root_from_inclusion_proof(
    index: u64,
    tree_size: u64,
    leaf: [u8; 32],
    proof: &[Vec<u8>],
) -> Result<[u8; 32], String> {
    if index >= tree_size {
        return Err(format!(
            "leaf index {index} is not below the tree size {tree_size}"
        ));
    }
    let mut f_n = index;
    let mut s_n = tree_size - 1;
    let mut root = leaf;
    for (position, hash) in proof.iter().enumerate() {
        if hash.len() != 32 {
            return Err(format!(
                "proof hash {position} is {} bytes, not 32",
                hash.len()
            ));
        }
        if s_n == 0 {
            return Err(format!(
                "the proof has {} hashes, more than the tree needs",
                proof.len()
            ));
        }
        if f_n & 1 == 1 || f_n == s_n {
            root = node_hash(hash, &root);
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        } else {
            root = node_hash(&root, hash);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(format!(
            "the proof has {} hashes, fewer than the tree needs",
            proof.len()
        ));
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Root of a tree over `leaves` computed directly (RFC 9162 MTH).
    fn mth(leaves: &[[u8; 32]]) -> [u8; 32] {
        if leaves.len() == 1 {
            return leaves[0];
        }
        let k = leaves.len().next_power_of_two() / 2;
        let k = if k == leaves.len() { k / 2 } else { k };
        node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
    }

    /// Audit path of leaf `m` (RFC 9162 PATH).
    fn path(m: usize, leaves: &[[u8; 32]]) -> Vec<Vec<u8>> {
        if leaves.len() == 1 {
            return Vec::new();
        }
        let k = leaves.len().next_power_of_two() / 2;
        let k = if k == leaves.len() { k / 2 } else { k };
        if m < k {
            let mut p = path(m, &leaves[..k]);
            p.push(mth(&leaves[k..]).to_vec());
            p
        } else {
            let mut p = path(m - k, &leaves[k..]);
            p.push(mth(&leaves[..k]).to_vec());
            p
        }
    }

    #[test]
    fn every_leaf_of_trees_up_to_33_proves_inclusion_and_a_flipped_bit_does_not() {
        for size in 1..=33usize {
            let leaves: Vec<[u8; 32]> = (0..size).map(|i| leaf_hash(&[i as u8])).collect();
            let root = mth(&leaves);
            for m in 0..size {
                let proof = path(m, &leaves);
                let got = root_from_inclusion_proof(m as u64, size as u64, leaves[m], &proof);
                assert_eq!(got, Ok(root), "size {size} leaf {m}");
                if let Some(first) = proof.first() {
                    let mut bad = proof.clone();
                    let mut flipped = first.clone();
                    flipped[0] ^= 1;
                    bad[0] = flipped;
                    let got = root_from_inclusion_proof(m as u64, size as u64, leaves[m], &bad);
                    assert_ne!(got, Ok(root));
                }
            }
        }
    }

    #[test]
    fn index_outside_the_tree_and_wrong_proof_lengths_are_errors() {
        let leaf = leaf_hash(b"x");
        assert!(root_from_inclusion_proof(4, 4, leaf, &[]).is_err());
        assert!(root_from_inclusion_proof(0, 4, leaf, &[vec![0; 32]]).is_err());
        assert!(root_from_inclusion_proof(0, 1, leaf, &[vec![0; 32]]).is_err());
        assert!(root_from_inclusion_proof(0, 2, leaf, &[vec![0; 31]]).is_err());
    }
}
