//! Findings as CSV (RFC 4180), one row per finding, for spreadsheets and ticket imports.

use super::frameworks_line;
use crate::report::Finding;

/// Column names, in order. Part of the export contract: add columns at the end, rename none.
pub const COLUMNS: [&str; 14] = [
    "rule_id",
    "rule_name",
    "severity",
    "outcome",
    "accepted",
    "service",
    "account",
    "region",
    "resource_kind",
    "resource_id",
    "resource_name",
    "title",
    "message",
    "frameworks",
];

/// Renders `findings` (the whole report's, or a filtered view of them) as CSV with a header row
/// and CRLF line endings.
///
/// `accepted` holds the acceptance id, empty when the finding is open. Cells that a spreadsheet
/// would read as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) get a
/// leading `'`: resource names and messages come from the audited account, and an attacker who
/// names a role `=HYPERLINK(...)` must not get code run on the auditor's machine.
pub fn findings_csv(findings: &[Finding]) -> String {
    let mut out = String::new();
    push_row(&mut out, COLUMNS.iter().copied());
    for f in findings {
        let frameworks = frameworks_line(f);
        let accepted = f.accepted.as_ref().map(|a| a.acceptance_id.as_str());
        push_row(
            &mut out,
            [
                f.rule_id(),
                f.rule_name(),
                f.severity.as_str(),
                f.outcome.as_str(),
                accepted.unwrap_or(""),
                f.service(),
                f.resource.account.as_deref().unwrap_or(""),
                f.resource.region.as_deref().unwrap_or(""),
                f.resource.kind.as_str(),
                f.resource.id.as_str(),
                f.resource.name.as_str(),
                f.title(),
                f.message.as_str(),
                frameworks.as_str(),
            ],
        );
    }
    out
}

/// One RFC 4180 row, CRLF-terminated, formula prefixes defused (see [`findings_csv`]).
pub(super) fn push_row<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, cell);
    }
    out.push_str("\r\n");
}

fn push_cell(out: &mut String, cell: &str) {
    let defused = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = defused || cell.contains([',', '"', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if defused {
        out.push('\'');
    }
    out.push_str(&cell.replace('"', "\"\""));
    if quote {
        out.push('"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str) -> String {
        let mut s = String::new();
        push_cell(&mut s, text);
        s
    }

    #[test]
    fn quotes_only_when_needed_and_doubles_quotes() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell(""), "");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn defuses_formula_prefixes() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            let out = cell(bad);
            assert!(out.starts_with("\"'"), "{bad:?} → {out:?}");
        }
        assert_eq!(
            cell("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(cell("a=b"), "a=b", "only a leading sign is dangerous");
    }

    /// A strict RFC 4180 reader, so the test checks the output as a spreadsheet would read it.
    fn parse(text: &str) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        let mut row = Vec::new();
        let mut cell = String::new();
        let mut chars = text.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (true, '"') if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                (true, '"') => quoted = false,
                (true, c) => cell.push(c),
                (false, '"') if cell.is_empty() => quoted = true,
                (false, ',') => row.push(std::mem::take(&mut cell)),
                (false, '\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                    row.push(std::mem::take(&mut cell));
                    rows.push(std::mem::take(&mut row));
                }
                (false, c) => {
                    assert!(!matches!(c, '"' | '\r' | '\n'), "unquoted {c:?}");
                    cell.push(c);
                }
            }
        }
        assert!(
            !quoted && cell.is_empty() && row.is_empty(),
            "ends with CRLF"
        );
        rows
    }

    #[test]
    fn every_finding_is_one_well_formed_row() {
        let (mut report, _) = super::super::fixture::hostile();
        report.findings[0].accepted = Some(Box::new(crate::report::AcceptedBy {
            acceptance_id: "risk-7".into(),
            reason: "migration".into(),
            owner: None,
            expires: None,
        }));
        let rows = parse(&findings_csv(&report.findings));
        assert_eq!(rows[0], COLUMNS);
        assert_eq!(rows.len(), report.findings.len() + 1);
        for (row, f) in rows[1..].iter().zip(&report.findings) {
            assert_eq!(row.len(), COLUMNS.len());
            assert_eq!(row[0], f.rule_id());
            assert_eq!(row[9], f.resource.id);
            let shown = |s: &str| match s.starts_with('=') {
                true => format!("'{s}"),
                false => s.to_string(),
            };
            assert_eq!(row[10], shown(&f.resource.name));
            assert_eq!(row[12], shown(&f.message));
        }
        assert_eq!(rows[1][4], "risk-7");
        assert!(rows[2..].iter().all(|r| r[4].is_empty()));
        let formula = rows
            .iter()
            .find(|r| r[10].contains("HYPERLINK"))
            .expect("the formula-named user has a finding");
        assert_eq!(
            formula[10],
            format!("'{}", super::super::fixture::FORMULA_NAME),
            "a spreadsheet shows the name as text"
        );
    }

    #[test]
    fn an_empty_view_is_just_the_header() {
        assert_eq!(parse(&findings_csv(&[])), vec![COLUMNS.to_vec()]);
    }
}
