//! The one fast string hash of the engine's own tables: eight bytes a step. The standard
//! library's SipHash guards a table against keys chosen to collide, which is moot for tables
//! whose keys are bounded (interned attribute names, the IAM action catalogue), and hashing
//! byte by byte showed in profiles wherever every name of an export is looked up.

/// `bytes` mixed into `hash`, eight at a time, each word OR-ed with `fold` first (0 to hash
/// exactly; `0x2020…` sets bit 5 of every byte, which folds ASCII letters' case).
pub fn mix_bytes(mut hash: u64, bytes: &[u8], fold: u64) -> u64 {
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let mut w = [0; 8];
        w.copy_from_slice(word);
        hash = mix(hash, u64::from_le_bytes(w) | fold);
    }
    let mut last = [0; 8];
    last[..words.remainder().len()].copy_from_slice(words.remainder());
    mix(hash, u64::from_le_bytes(last) | fold)
}

/// One word mixed into `hash`.
pub fn mix(hash: u64, word: u64) -> u64 {
    (hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_merges_case_and_nothing_else_of_letters() {
        let h = |s: &str, fold| mix_bytes(s.len() as u64, s.as_bytes(), fold);
        let fold = 0x2020_2020_2020_2020;
        assert_eq!(h("s3:GetObjectAcl", fold), h("S3:getobjectacl", fold));
        assert_ne!(h("s3:GetObjectAcl", 0), h("S3:getobjectacl", 0));
        assert_ne!(h("s3:GetObject", fold), h("s3:GetObjectAcl", fold));
        // A name's remainder counts: these differ only in their last, partial word.
        assert_ne!(h("iam:PassRolf", 0), h("iam:PassRole", 0));
    }
}
