//! IAM wildcard matching: `*` matches any run of characters, `?` exactly one. Action names are
//! case-insensitive in IAM; resource ARNs are matched case-sensitively.

/// Matches `text` against an IAM wildcard `pattern`.
pub fn wildcard_match(pattern: &str, text: &str, case_insensitive: bool) -> bool {
    // Fast path: exact pattern (no wildcard), the common case for action lists. A byte scan:
    // this runs for every pattern of every candidate statement of every action asked about.
    if !pattern.bytes().any(|b| b == b'*' || b == b'?') {
        return if case_insensitive {
            pattern.eq_ignore_ascii_case(text)
        } else {
            pattern == text
        };
    }
    // `s3:*`, `iam:Put*`, `*`: one trailing star is a prefix test, the common wildcard shape.
    if let Some(prefix) = pattern.strip_suffix('*') {
        if !prefix.bytes().any(|b| b == b'*' || b == b'?') {
            let head = text.as_bytes().get(..prefix.len());
            return head.is_some_and(|head| {
                if case_insensitive {
                    head.eq_ignore_ascii_case(prefix.as_bytes())
                } else {
                    head == prefix.as_bytes()
                }
            });
        }
    }
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

    #[test]
    fn backtracking_finds_later_match() {
        assert!(wildcard_match("*a*b", "xxaxxab", false));
        assert!(!wildcard_match("*a*b", "xxaxxa", false));
    }
}
