//! IAM wildcard matching: `*` matches any run of characters, `?` exactly one. Action names are
//! case-insensitive in IAM; resource ARNs are matched case-sensitively.

/// Matches `text` against an IAM wildcard `pattern`.
pub fn wildcard_match(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    // The literal head (up to the first wildcard) must equal the text's start, and most
    // mismatches show within a few bytes of it: compare there first, and only look for
    // wildcards in the rest. This runs for every pattern of every candidate statement of every
    // action asked about.
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let same = |a: u8, b: u8| {
        if case_insensitive {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let mut i = 0;
    loop {
        match (p.get(i), t.get(i)) {
            (None, None) => return true,
            (Some(b'*' | b'?'), _) => break,
            (Some(&a), Some(&b)) if same(a, b) => i += 1,
            _ => return false,
        }
    }
    // `i` is a character boundary in both: the bytes before it are equal up to ASCII case and
    // `p[i]` is ASCII. What remains starts with a wildcard.
    let (pattern, text) = (&pattern[i..], &text[i..]);
    // `s3:*`, `iam:Put*`, `*`: a trailing star after the head matches anything.
    if pattern == "*" {
        return true;
    }
    wildcard_tail(pattern, text, case_insensitive)
}

/// What remains after the literal head: `pattern` starts with a wildcard and is not a lone `*`.
fn wildcard_tail(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        let eq = |a: u8, b: u8| {
            if case_insensitive {
                a.eq_ignore_ascii_case(&b)
            } else {
                a == b
            }
        };
        return glob(pattern.as_bytes(), text.as_bytes(), b'*', b'?', eq);
    }
    // `?` must match one character, not one byte, so non-ASCII input goes through chars.
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let eq = |a: char, b: char| {
        if case_insensitive {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    glob(&p, &t, '*', '?', eq)
}

/// Iterative glob with single-star backtracking: linear in practice, no recursion depth to
/// blow on hostile input.
fn glob<T: Copy + PartialEq>(
    p: &[T],
    t: &[T],
    star_c: T,
    any_c: T,
    eq: impl Fn(T, T) -> bool,
) -> bool {
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == any_c || (p[pi] != star_c && eq(p[pi], t[ti]))) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == star_c {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == star_c {
        pi += 1;
    }
    pi == p.len()
}

/// True when the action pattern (e.g. `iam:Put*`, `*`) covers the concrete action.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    wildcard_match(pattern, action, true)
}

/// The service prefix of an action or action pattern (`s3` for `s3:GetObject`).
pub fn service_of(action: &str) -> Option<&str> {
    action.split_once(':').map(|(service, _)| service)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_case_insensitive_globs() {
        assert!(action_matches("*", "iam:PassRole"));
        assert!(action_matches("iam:*", "iam:PassRole"));
        assert!(action_matches("IAM:pass*", "iam:PassRole"));
        assert!(action_matches("iam:?assRole", "iam:PassRole"));
        assert!(!action_matches("iam:Put*", "iam:PassRole"));
        assert!(!action_matches("s3:*", "s3x:Get"));
        assert!(action_matches("ssm:sendCommand", "ssm:SendCommand"));
    }

    #[test]
    fn resources_are_case_sensitive() {
        assert!(wildcard_match(
            "arn:aws:iam::*:policy/fn2-*",
            "arn:aws:iam::123456789012:policy/fn2-x",
            false
        ));
        assert!(!wildcard_match(
            "arn:aws:s3:::Bucket",
            "arn:aws:s3:::bucket",
            false
        ));
    }

    #[test]
    fn non_ascii_question_mark_is_one_character() {
        assert!(wildcard_match("caf?", "café", false));
        assert!(!wildcard_match("caf?", "cafés", false));
    }

    #[test]
    fn trailing_star_is_a_prefix_test_in_any_alphabet() {
        assert!(wildcard_match("*", "", true));
        assert!(wildcard_match("IAM:*", "iam:PassRole", true));
        assert!(!wildcard_match("IAM:*", "iam:PassRole", false));
        assert!(wildcard_match("café*", "café-au-lait", false));
        assert!(!wildcard_match("caf*", "ca", false));
        assert!(!wildcard_match("iam:Pass*", "iam:Pas", true));
    }

    /// Every pattern and text of up to four characters from an alphabet with both cases, both
    /// wildcards and a two-byte character: the head-first matcher answers as a plain glob over
    /// characters does.
    #[test]
    fn head_first_matching_equals_a_plain_glob() {
        fn all(alphabet: &[char], up_to: usize) -> Vec<String> {
            let mut out = vec![String::new()];
            let mut last = vec![String::new()];
            for _ in 0..up_to {
                last = last
                    .iter()
                    .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                    .collect();
                out.extend(last.iter().cloned());
            }
            out
        }
        let patterns = all(&['a', 'B', '*', '?', 'é'], 4);
        let texts = all(&['A', 'b', 'é', '*'], 4);
        for ci in [true, false] {
            for p in &patterns {
                let pc: Vec<char> = p.chars().collect();
                for t in &texts {
                    let tc: Vec<char> = t.chars().collect();
                    let eq = |a: char, b: char| {
                        if ci {
                            a.eq_ignore_ascii_case(&b)
                        } else {
                            a == b
                        }
                    };
                    let expected = glob(&pc, &tc, '*', '?', eq);
                    assert_eq!(wildcard_match(p, t, ci), expected, "{p:?} {t:?} {ci}");
                }
            }
        }
    }

    #[test]
    fn backtracking_finds_later_match() {
        assert!(wildcard_match("*a*b", "xxaxxab", false));
        assert!(!wildcard_match("*a*b", "xxaxxa", false));
    }
}
