//! The reader of `policies/data/iam-actions.tsv`, shared by `build.rs` (which turns the file into
//! the static tables the engine searches) and the catalogue's unit tests (which hold those tables
//! to this reader and this reader to malformed files). It runs at build time so that no scan pays
//! for parsing and ordering 22 000 lines, and so that a bad refresh of the file stops the build
//! with its line number instead of reaching users as an empty catalogue.

use std::cmp::Ordering;
use std::ops::Range;

/// AWS's names of the access levels, in the order of `AccessLevel::ALL` (a unit test holds them
/// to `AccessLevel::as_str`): the build script cannot name the engine's type.
pub const LEVELS: [&str; 5] = ["List", "Read", "Write", "Permissions management", "Tagging"];

/// The file checked, its actions in the order the engine searches them.
#[derive(Debug)]
pub struct Table<'a> {
    pub source: &'a str,
    pub version: &'a str,
    pub date: &'a str,
    /// Sorted by service and then action name, both ASCII case-insensitively, as IAM compares
    /// them: a service's actions form one run and lookups are binary searches.
    pub actions: Vec<Action<'a>>,
    /// Each service prefix and where its actions sit in `actions`.
    pub services: Vec<(&'a str, Range<usize>)>,
}

/// One line of the body.
#[derive(Debug)]
pub struct Action<'a> {
    /// `service:Action`, canonical case.
    pub name: &'a str,
    /// The position of the `:`.
    pub service_len: u16,
    /// Position in [`LEVELS`].
    pub level: usize,
    /// Comma-separated resource types; empty when the action applies to `*` only.
    pub resources: &'a str,
    /// Some resource type is named.
    pub scopable: bool,
}

impl<'a> Action<'a> {
    fn service(&self) -> &'a str {
        &self.name[..usize::from(self.service_len)]
    }

    fn action(&self) -> &'a str {
        &self.name[usize::from(self.service_len) + 1..]
    }
}

/// The order IAM gives names: bytes compared with ASCII letters folded to lower case.
fn cmp_ci(a: &str, b: &str) -> Ordering {
    let a = a.bytes().map(|b| b.to_ascii_lowercase());
    a.cmp(b.bytes().map(|b| b.to_ascii_lowercase()))
}

/// Reads the format written by `scripts/refresh-iam-catalogue.py`: `# key: value` header lines
/// (`source`, `version`, `date` required; `services` and `actions`, when present, must match the
/// body, which catches a truncated file), other `#` comments, then
/// `service:Action<TAB>level[<TAB>types,...]` lines. Errors name the line where there is one.
pub fn parse(text: &str) -> Result<Table<'_>, String> {
    let (mut source, mut version, mut date) = ("", "", "");
    let (mut declared_services, mut declared_actions) = (None, None);
    let mut actions = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let at = || format!("iam-actions.tsv line {}", index + 1);
        if line.trim().is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            let Some((key, value)) = comment.strip_prefix(' ').and_then(|c| c.split_once(": "))
            else {
                continue;
            };
            let value = value.trim();
            let count = || {
                value
                    .parse::<usize>()
                    .map_err(|_| format!("{}: {key} is not a number", at()))
            };
            match key {
                "source" => source = value,
                "version" => version = value,
                "date" => date = value,
                "services" => declared_services = Some(count()?),
                "actions" => {
                    let n = count()?;
                    // Bounded by what the text can hold: a typo must not abort.
                    actions.reserve(n.min(text.len() / 8));
                    declared_actions = Some(n);
                }
                _ => {}
            }
            continue;
        }
        let mut fields = line.split('\t');
        let name = fields.next().unwrap_or_default();
        let level = fields
            .next()
            .ok_or_else(|| format!("{}: no access level", at()))?;
        let resources = fields.next().unwrap_or_default();
        if fields.next().is_some() {
            return Err(format!("{}: more than three columns", at()));
        }
        let (service, action) = name
            .split_once(':')
            .ok_or_else(|| format!("{}: {name:?} is not service:Action", at()))?;
        if service.is_empty()
            || action.is_empty()
            || name
                .bytes()
                .any(|b| matches!(b, b'*' | b'?') || b.is_ascii_whitespace())
            || action.contains(':')
        {
            return Err(format!("{}: bad action name {name:?}", at()));
        }
        let level = LEVELS
            .iter()
            .position(|l| *l == level)
            .ok_or_else(|| format!("{}: unknown access level {level:?}", at()))?;
        let service_len = u16::try_from(service.len())
            .map_err(|_| format!("{}: service prefix too long", at()))?;
        actions.push(Action {
            name,
            service_len,
            level,
            resources,
            scopable: resources.split(',').any(|t| !t.is_empty()),
        });
    }
    if source.is_empty() || version.is_empty() || date.is_empty() {
        return Err("iam-actions.tsv: header lacks source, version or date".to_string());
    }

    // The generated file is already sorted, so one pass usually suffices; a hand-edited file is
    // sorted here rather than rejected.
    let by_name = |a: &Action, b: &Action| {
        cmp_ci(a.service(), b.service()).then_with(|| cmp_ci(a.action(), b.action()))
    };
    if !actions
        .windows(2)
        .all(|w| by_name(&w[0], &w[1]) == Ordering::Less)
    {
        actions.sort_by(by_name);
        if let Some(pair) = actions
            .windows(2)
            .find(|w| by_name(&w[0], &w[1]) == Ordering::Equal)
        {
            return Err(format!("iam-actions.tsv: {} listed twice", pair[1].name));
        }
    }

    let mut services: Vec<(&str, Range<usize>)> = Vec::new();
    for (i, action) in actions.iter().enumerate() {
        match services.last_mut() {
            Some((name, range)) if name.eq_ignore_ascii_case(action.service()) => {
                range.end = i + 1;
            }
            _ => services.push((action.service(), i..i + 1)),
        }
    }

    if declared_actions.is_some_and(|n| n != actions.len())
        || declared_services.is_some_and(|n| n != services.len())
    {
        return Err(format!(
            "iam-actions.tsv: header declares {declared_services:?} services and \
             {declared_actions:?} actions, body has {} and {}",
            services.len(),
            actions.len()
        ));
    }
    Ok(Table {
        source,
        version,
        date,
        actions,
        services,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_files_are_errors_with_their_line() {
        let head = "# source: x\n# version: 1\n# date: 2024-01-01\n";
        let parse = |body: &str| parse(&format!("{head}{body}")).map(|t| t.actions.len());
        assert_eq!(
            parse("s3:GetObject\tRead\tobject\ns3:ListAllMyBuckets\tList\n"),
            Ok(2)
        );
        for (body, error) in [
            ("s3:GetObject\tread\n", "line 4: unknown access level"),
            (
                "s3GetObject\tRead\n",
                "line 4: \"s3GetObject\" is not service:Action",
            ),
            (
                "s3:GetObject\tRead\ns3:Get*\tRead\n",
                "line 5: bad action name",
            ),
            ("s3:GetObject\n", "line 4: no access level"),
            (
                "s3:GetObject\tRead\tobject\textra\n",
                "line 4: more than three",
            ),
            ("# actions: x\n", "line 4: actions is not a number"),
            (
                "s3:GetObject\tRead\nS3:getobject\tRead\n",
                "S3:getobject listed twice",
            ),
            ("# actions: 2\ns3:GetObject\tRead\n", "header declares"),
        ] {
            let found = parse(body).expect_err(body);
            assert!(found.contains(error), "{body:?}: {found}");
        }
        assert!(super::parse("s3:GetObject\tRead\n").is_err());
    }

    #[test]
    fn a_hand_edited_file_is_sorted_and_grouped() {
        let table = parse(
            "# source: x\n# version: 1\n# date: 2024-01-01\n# services: 2\n\
             s3:PutObject\tWrite\tobject,\nIAM:PassRole\tWrite\trole\n\
             s3:getObject\tRead\t,\n",
        )
        .expect("valid");
        let names: Vec<_> = table.actions.iter().map(|a| a.name).collect();
        assert_eq!(names, ["IAM:PassRole", "s3:getObject", "s3:PutObject"]);
        assert_eq!(table.services, [("IAM", 0..1), ("s3", 1..3)]);
        let a = &table.actions[1];
        assert_eq!(
            (a.service_len, LEVELS[a.level], a.resources),
            (2, "Read", ",")
        );
        assert!(!a.scopable && table.actions[2].scopable);
        assert_eq!(
            (table.source, table.version, table.date),
            ("x", "1", "2024-01-01")
        );
    }

    /// A checkout with autocrlf turns line ends into CRLF; the resource types must not end in
    /// `\r`.
    #[test]
    fn windows_line_endings_parse() {
        let table = parse(
            "# source: x\r\n# version: 1\r\n# date: 2024-01-01\r\ns3:GetObject\tRead\tobject\r\n",
        )
        .expect("valid");
        assert_eq!(table.actions[0].resources, "object");
        assert_eq!(table.date, "2024-01-01");
    }
}
