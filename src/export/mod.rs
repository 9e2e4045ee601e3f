//! Report exports for auditors' other tools: CSV for spreadsheets, SARIF for code-scanning
//! dashboards, OCSF for SIEMs and security lakes, and a printable HTML report for people.
//!
//! Every export is a pure function from the report (and, where it needs rule metadata, the rule
//! pack) to a `String`. Anything that depends on when the export is made (an event time, the
//! date printed on a report) is a parameter, because the engine has no clock and the same input
//! must give the same bytes in the browser and the CLI.

mod access;
mod csv;
mod html;
mod ocsf;
mod sarif;

pub use access::{principal_csv, resource_csv};
pub use csv::findings_csv;
pub use html::html_report;
pub use ocsf::ocsf_findings;
pub use sarif::sarif;

use crate::report::Finding;
use crate::Outcome;

/// A finding's state in one word, as the CSV and the HTML report show it.
fn state_label(f: &Finding) -> &'static str {
    match (f.accepted.is_some(), f.outcome) {
        (true, _) => "accepted",
        (false, Outcome::Fail) => "fail",
        (false, Outcome::Unknown) => "unknown",
        (false, Outcome::Pass) => "pass",
        (false, Outcome::NotApplicable) => "not_applicable",
    }
}

/// `framework control, control; framework control` — one line for a finding's mappings.
fn frameworks_line(f: &Finding) -> String {
    f.frameworks()
        .iter()
        .map(|(fw, controls)| format!("{fw} {}", controls.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A report over a small inline export whose names are hostile: HTML and a spreadsheet
/// formula. Shared by the exports' unit tests.
#[cfg(test)]
pub(crate) mod fixture {
    use crate::report::Report;
    use crate::rules::RulePack;
    use crate::{analyze, pack, Input, Options};

    pub const HTML_NAME: &str = "<script>alert(1)</script>\"><img src=x onerror=alert(1)>";
    pub const FORMULA_NAME: &str = "=HYPERLINK(\"http://example.com\",\"x\")";

    pub fn hostile() -> (Report, RulePack) {
        let user = |name: &str| {
            serde_json::json!({
                "Path": "/", "UserName": name, "UserId": "AIDAEXAMPLE0000000001",
                "Arn": format!("arn:aws:iam::123456789012:user/{name}"),
                "CreateDate": "2024-01-01T00:00:00+00:00",
                "UserPolicyList": [{"PolicyName": "inline", "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}],
                "GroupList": [], "AttachedManagedPolicies": [], "Tags": []
            })
        };
        let export = serde_json::json!({
            "UserDetailList": [user(HTML_NAME), user(FORMULA_NAME)],
            "GroupDetailList": [], "RoleDetailList": [], "Policies": []
        });
        let pack = pack::builtin().expect("built-in pack");
        let input = Input::new("hostile <export>.json", export.to_string());
        let report = analyze(&[input], &pack, &Options::default());
        assert!(
            report.findings.len() >= 2,
            "the fixture must produce findings to test exports with"
        );
        (report, pack)
    }
}
