//! What of a command's output its normaliser reads, for the readers that build a tree only of
//! that part and skip the rest without building anything: the bundle's, output by output
//! ([`super::bundle`]), and the one for a lone output file ([`super::lone_output`]).
//!
//! `describe-instances` is the reason: AWS prints some sixty fields per instance (CPU options,
//! DNS names, capacity reservations, boot modes), the normaliser reads about twenty, and a
//! `serde_json` tree costs an allocation per key and string plus a hashed insert per member.
//! Skipping a value costs a parse of its text and no allocation.
//!
//! A declaration beside the normaliser says what it reads; it does not follow from the code.
//! A read the declaration lacks would see the key missing in a bundle and present in a lone
//! output, so each declaration has a test that normalises a complete output (every field the
//! CLI prints) both ways and compares the resources.

/// The part of a JSON value that is read.
#[derive(Debug)]
pub enum Reads {
    /// All of it.
    All,
    /// Of an object, only these members, each read as its entry says; of an array, each
    /// element so. Anything else is read whole.
    Keys(&'static [(&'static str, Reads)]),
}

impl Reads {
    /// What is read of the member `key`, or `None` when it is not read at all. A key matches as
    /// the EC2 normalisers' `shape::field` finds it: as declared (`GroupId`), or in AWS
    /// Config's spelling with a lower-case first letter (`groupId`), which it falls back to.
    pub fn member(&'static self, key: &str) -> Option<&'static Reads> {
        match self {
            Reads::All => Some(self),
            Reads::Keys(members) => members
                .iter()
                .find(|(declared, _)| spelled_as(declared, key))
                .map(|(_, reads)| reads),
        }
    }
}

/// Whether `key` is `declared`, or `declared` with its first letter lower-cased.
fn spelled_as(declared: &str, key: &str) -> bool {
    let (d, k) = (declared.as_bytes(), key.as_bytes());
    if d.len() != k.len() {
        return false;
    }
    match (d.split_first(), k.split_first()) {
        (Some((d0, d_rest)), Some((k0, k_rest))) => {
            d_rest == k_rest
                && (d0 == k0 || (d0.is_ascii_uppercase() && d0.to_ascii_lowercase() == *k0))
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static READS: Reads = Reads::Keys(&[
        ("GroupId", Reads::All),
        ("State", Reads::Keys(&[("Name", Reads::All)])),
        ("", Reads::All),
    ]);

    #[test]
    fn members_are_found_in_either_spelling_and_only_those() {
        assert!(READS.member("GroupId").is_some());
        assert!(READS.member("groupId").is_some());
        assert!(READS.member("GROUPID").is_none());
        assert!(READS.member("Groupid").is_none());
        assert!(READS.member("GroupIds").is_none());
        assert!(READS.member("").is_some());
        assert!(READS.member("x").is_none());
        let state = READS.member("state").expect("state is read");
        assert!(state.member("name").is_some());
        assert!(state.member("Code").is_none());
        // Whatever is read whole is read whole below.
        let all = READS.member("GroupId").expect("read");
        assert!(all.member("anything").is_some());
    }
}
