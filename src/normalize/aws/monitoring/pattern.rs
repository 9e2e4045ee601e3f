//! CloudWatch Logs JSON filter patterns (`{ ($.eventName = X) || ($.eventName = Y) }`) read
//! into a disjunction of conjunctions of `(field, op, value)` terms, so that a metric filter can
//! be compared with the pattern a benchmark prescribes whatever its spacing, quoting, term order
//! or parenthesising.
//!
//! A filter covers a requirement when every event the requirement describes also matches the
//! filter: for each required conjunction there is a conjunction of the filter made only of
//! required terms, or of the narrowing terms the benchmark itself allows (CIS 4.1 excludes
//! `delivery.logs.amazonaws.com`; several controls may add `$.eventSource`). A filter with
//! fewer terms is broader and still covers.

use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Term {
    /// The selector without its `$.` (`eventName`, `userIdentity.type`).
    pub field: String,
    /// `=`, `!=`, `<`, `<=`, `>`, `>=`, `NOT EXISTS`, `IS NULL`, `IS TRUE`, `IS FALSE`.
    pub op: String,
    /// The value without quotes; empty for the word operators.
    pub value: String,
}

impl std::fmt::Display for Term {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.value.is_empty() {
            write!(f, "$.{} {}", self.field, self.op)
        } else {
            write!(f, "$.{} {} \"{}\"", self.field, self.op, self.value)
        }
    }
}

/// A pattern in disjunctive normal form.
pub type Dnf = Vec<BTreeSet<Term>>;

/// Hostile patterns must not explode the normal form.
const MAX_CONJUNCTIONS: usize = 4096;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    And,
    Or,
    Selector(String),
    Op(String),
    Word(String),
    Quoted(String),
}

fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            out.push(Tok::Open);
            i += 1;
        } else if c == ')' {
            out.push(Tok::Close);
            i += 1;
        } else if two == "&&" {
            out.push(Tok::And);
            i += 2;
        } else if two == "||" {
            out.push(Tok::Or);
            i += 2;
        } else if matches!(two.as_str(), "!=" | "<=" | ">=") {
            out.push(Tok::Op(two));
            i += 2;
        } else if matches!(c, '=' | '<' | '>') {
            out.push(Tok::Op(c.to_string()));
            i += 1;
        } else if c == '"' {
            let mut v = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err("a quoted value is not closed".into()),
                    Some('\\') => {
                        if let Some(n) = chars.get(i + 1) {
                            v.push(*n);
                        }
                        i += 2;
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some(ch) => {
                        v.push(*ch);
                        i += 1;
                    }
                }
            }
            out.push(Tok::Quoted(v));
        } else {
            let start = i;
            while i < chars.len() {
                let ch = chars[i];
                let next2: String = chars[i..chars.len().min(i + 2)].iter().collect();
                if ch.is_whitespace()
                    || matches!(ch, '(' | ')' | '=' | '<' | '>' | '"')
                    || matches!(next2.as_str(), "&&" | "||" | "!=")
                {
                    break;
                }
                i += 1;
            }
            let w: String = chars[start..i].iter().collect();
            if w.is_empty() {
                return Err(format!("unexpected character {c:?}"));
            }
            out.push(match w.strip_prefix("$.") {
                Some(field) => Tok::Selector(field.to_string()),
                None => Tok::Word(w),
            });
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    fn or(&mut self) -> Result<Dnf, String> {
        let mut out = self.and()?;
        while self.peek() == Some(&Tok::Or) {
            self.at += 1;
            out.extend(self.and()?);
            if out.len() > MAX_CONJUNCTIONS {
                return Err("pattern too large to compare".into());
            }
        }
        Ok(out)
    }

    fn and(&mut self) -> Result<Dnf, String> {
        let mut out = self.primary()?;
        while self.peek() == Some(&Tok::And) {
            self.at += 1;
            let rhs = self.primary()?;
            if out.len() * rhs.len() > MAX_CONJUNCTIONS {
                return Err("pattern too large to compare".into());
            }
            out = out
                .iter()
                .flat_map(|l| {
                    rhs.iter()
                        .map(move |r| l.union(r).cloned().collect::<BTreeSet<_>>())
                })
                .collect();
        }
        Ok(out)
    }

    fn primary(&mut self) -> Result<Dnf, String> {
        match self.next() {
            Some(Tok::Open) => {
                let inner = self.or()?;
                match self.next() {
                    Some(Tok::Close) => Ok(inner),
                    _ => Err("a parenthesis is not closed".into()),
                }
            }
            Some(Tok::Selector(field)) => {
                let (op, value) = match self.next() {
                    Some(Tok::Op(op)) => match self.next() {
                        Some(Tok::Quoted(v) | Tok::Word(v)) => (op, v),
                        _ => return Err(format!("$.{field} {op} needs a value")),
                    },
                    Some(Tok::Word(w)) if w == "NOT" || w == "IS" => match self.next() {
                        Some(Tok::Word(x)) => (format!("{w} {x}"), String::new()),
                        _ => {
                            return Err(format!("$.{field} {w} needs EXISTS, NULL, TRUE or FALSE"))
                        }
                    },
                    _ => return Err(format!("$.{field} needs a comparison")),
                };
                Ok(vec![BTreeSet::from([Term { field, op, value }])])
            }
            other => Err(format!("expected a term, found {other:?}")),
        }
    }
}

/// Parses a JSON filter pattern; `Err` for other pattern kinds (space-delimited, plain text)
/// and malformed ones, with the reason.
pub fn parse(pattern: &str) -> Result<Dnf, String> {
    let inner = pattern
        .trim()
        .strip_prefix('{')
        .and_then(|p| p.strip_suffix('}'))
        .ok_or("not a JSON filter pattern ({ … })")?;
    let mut p = Parser {
        toks: lex(inner)?,
        at: 0,
    };
    let dnf = p.or()?;
    if p.at != p.toks.len() {
        return Err("text after the end of the expression".into());
    }
    Ok(dnf)
}

/// What a benchmark control asks of a metric filter.
pub struct Requirement {
    pub required: Dnf,
    pub narrowing: BTreeSet<Term>,
}

impl Requirement {
    /// `narrowing` is a conjunction of the terms a filter may add (`""` for none).
    pub fn new(pattern: &str, narrowing: &str) -> Result<Requirement, String> {
        let narrowing = if narrowing.is_empty() {
            BTreeSet::new()
        } else {
            parse(narrowing)?.into_iter().flatten().collect()
        };
        Ok(Requirement {
            required: parse(pattern)?,
            narrowing,
        })
    }

    /// The required conjunctions the filter does not cover (empty: it covers them all).
    pub fn uncovered<'a>(&'a self, filter: &Dnf) -> Vec<&'a BTreeSet<Term>> {
        self.required
            .iter()
            .filter(|r| {
                !filter.iter().any(|d| {
                    d.iter()
                        .all(|t| r.contains(t) || self.narrowing.contains(t))
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(p: &str, n: &str) -> Requirement {
        Requirement::new(p, n).expect("requirement parses")
    }

    #[test]
    fn spacing_quoting_and_order_do_not_matter() {
        let r = req(
            r#"{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) }"#,
            "",
        );
        let f = parse(r#"{($.eventName="DeleteTrail")||($.eventName = CreateTrail)   ||  ( $.eventName=UpdateTrail )}"#)
            .expect("parses");
        assert!(r.uncovered(&f).is_empty());
        let missing = parse("{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) }")
            .expect("parses");
        let gaps = r.uncovered(&missing);
        assert_eq!(gaps.len(), 1);
        assert_eq!(
            gaps[0].iter().next().map(ToString::to_string).as_deref(),
            Some("$.eventName = \"DeleteTrail\"")
        );
    }

    #[test]
    fn and_distributes_and_narrowing_is_bounded() {
        // CIS 4.7's shape: an eventSource guard around the event names.
        let r = req(
            "{ ($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion) }",
            "{ $.eventSource = kms.amazonaws.com }",
        );
        let guarded = parse("{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion))}").expect("parses");
        assert_eq!(guarded.len(), 2);
        assert!(r.uncovered(&guarded).is_empty());
        let bare = parse("{ ($.eventName = ScheduleKeyDeletion) || ($.eventName = DisableKey) }")
            .expect("parses");
        assert!(r.uncovered(&bare).is_empty());
        // A narrowing the benchmark does not allow leaves the events of other users unalarmed.
        let narrowed = parse(r#"{ ($.eventName = DisableKey || $.eventName = ScheduleKeyDeletion) && $.userIdentity.type = "IAMUser" }"#).expect("parses");
        assert_eq!(r.uncovered(&narrowed).len(), 2);
    }

    #[test]
    fn word_operators_and_broader_filters() {
        let r = req(
            r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
            "",
        );
        let exact = parse(r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#).expect("parses");
        assert!(r.uncovered(&exact).is_empty());
        let broader = parse(r#"{ $.userIdentity.type = Root }"#).expect("parses");
        assert!(r.uncovered(&broader).is_empty());
        let other = parse(r#"{ $.userIdentity.type = "IAMUser" }"#).expect("parses");
        assert_eq!(r.uncovered(&other).len(), 1);
    }

    #[test]
    fn unauthorized_calls_with_the_benchmark_exclusions() {
        let r = req(
            r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#,
            r#"{ $.sourceIPAddress != "delivery.logs.amazonaws.com" && $.eventName != "HeadBucket" }"#,
        );
        let cis = parse(r#"{ ($.errorCode ="*UnauthorizedOperation") || ($.errorCode ="AccessDenied*") && ($.sourceIPAddress!="delivery.logs.amazonaws.com") && ($.eventName!="HeadBucket") }"#).expect("parses");
        assert!(r.uncovered(&cis).is_empty());
        let only_denied = parse(r#"{ $.errorCode = "AccessDenied*" }"#).expect("parses");
        assert_eq!(r.uncovered(&only_denied).len(), 1);
    }

    #[test]
    fn other_pattern_kinds_and_malformed_input_are_errors() {
        assert!(parse("ConsoleLogin").is_err());
        assert!(parse("[ip, user, ...]").is_err());
        assert!(parse("{ ($.eventName = X }").is_err());
        assert!(parse(r#"{ $.eventName = "unterminated }"#).is_err());
        assert!(parse("{ $.eventName = }").is_err());
        assert!(parse("{ $.a = 1 $.b = 2 }").is_err());
        // A pattern built to blow up the normal form is refused, not expanded.
        let bomb = format!(
            "{{ {} }}",
            ["($.a = 1 || $.a = 2 || $.a = 3)"; 12].join(" && ")
        );
        assert!(parse(&bomb).is_err());
    }
}
