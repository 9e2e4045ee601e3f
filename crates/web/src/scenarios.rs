//! Built-in demo scenarios for trainers: a deliberately misconfigured account, what the class
//! should find in it, and the export files, embedded so they load offline with one click.
//!
//! Adding a scenario is adding a folder `crates/web/demos/<id>/` with its export files and one
//! entry to [`SCENARIOS`]. The files must be real export formats (sanitised: account
//! 123456789012, example.com); the first scenario is the one `#demo` opens.

/// One embedded export file.
#[derive(Debug, PartialEq, Eq)]
pub struct DemoFile {
    pub name: &'static str,
    pub bytes: &'static [u8],
}

#[derive(Debug, PartialEq, Eq)]
pub struct Scenario {
    /// The folder name, also the address's `#demo=<id>`.
    pub id: &'static str,
    pub title: &'static str,
    /// Two or three sentences: what the class should find.
    pub narrative: &'static str,
    pub files: &'static [DemoFile],
}

/// `demo_file!("<scenario-id>", "<file name>")` embeds `crates/web/demos/<id>/<name>`.
macro_rules! demo_file {
    ($id:literal, $name:literal) => {
        DemoFile {
            name: $name,
            bytes: include_bytes!(concat!("../demos/", $id, "/", $name)),
        }
    };
}

pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        id: "overprivileged-account",
        title: "An over-privileged account",
        narrative: "A small company's IAM: administrators, developers, an auditor and a few automation roles. Find the break-glass policy that grants *:* and is still attached, the role any AWS account can assume, and every principal that is an administrator in all but name.",
        files: &[demo_file!("overprivileged-account", "demo-authorization-details.json")],
    },
    Scenario {
        id: "passrole-lambda",
        title: "Privilege escalation through iam:PassRole and Lambda",
        narrative: "Developers may create Lambda functions and pass any role to them, and an automation role trusted by Lambda holds AdministratorAccess. Find who can become an administrator by creating a function that runs as that role, then compare the ReportsTeam's scoped grant: is a PassRole limited to one role and to Lambda acceptable?",
        files: &[demo_file!("passrole-lambda", "authorization-details.json")],
    },
    Scenario {
        id: "open-trust",
        title: "Roles anyone can assume",
        narrative: "Five roles trusted from outside the account. Find the role every AWS account in the world can assume, the vendor role that trusts a whole account without an external ID, and the GitHub deployment role that accepts any repository's token; then explain why the scanner vendor and the shared-services roles pass.",
        files: &[demo_file!("open-trust", "authorization-details.json")],
    },
    Scenario {
        id: "public-data-bucket",
        title: "A public data bucket",
        narrative: "A collector bundle from an account that shares data with partners through S3. Find how the open-data bucket is readable by anyone on the internet (a bucket policy for Principal *, a public-read ACL, and no public access block at either the bucket or the account level), and that nothing encrypts its objects by default. Then compare the audit-logs bucket next to it: it passes the public-access and encryption checks, and its one failure, server access logging, raises the usual question of where a log bucket's own access logs should go.",
        files: &[demo_file!("public-data-bucket", "stratoscope-aws-123456789012.json")],
    },
    Scenario {
        id: "admin-ports-open",
        title: "Admin ports open to the internet",
        narrative: "A collector bundle from a small operations VPC. Find the security groups that let the whole internet (IPv4 and IPv6) reach SSH and RDP, the bastion instance with a public IP that still accepts IMDSv1, and the network ACL that allows all inbound traffic, so nothing but the security groups stands in the way.",
        files: &[demo_file!("admin-ports-open", "stratoscope-aws-123456789012.json")],
    },
];

impl Scenario {
    /// The scenario's files as the app loads them.
    pub fn loaded_files(&self) -> Vec<crate::state::LoadedFile> {
        self.files
            .iter()
            .map(|f| crate::state::LoadedFile::new(f.name, f.bytes.to_vec()))
            .collect()
    }
}

/// The scenario an address names: `#demo` (empty id) is the first one; an unknown id is none.
pub fn find(id: &str) -> Option<&'static Scenario> {
    if id.is_empty() {
        return SCENARIOS.first();
    }
    SCENARIOS.iter().find(|s| s.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze_files, load_builtin};
    use stratoscope::report::InputStatus;

    #[test]
    fn every_scenario_is_recognised_and_has_failing_findings() {
        let pack = load_builtin();
        let mut ids = std::collections::BTreeSet::new();
        for s in SCENARIOS {
            assert!(ids.insert(s.id), "duplicate scenario id {}", s.id);
            assert!(!s.files.is_empty(), "{} has no files", s.id);
            let sentences = s.narrative.matches(['.', '?']).count();
            assert!((2..=3).contains(&sentences), "{}: 2–3 sentences", s.id);
            let report = analyze_files(&s.loaded_files(), &pack.pack);
            for v in &report.inputs {
                assert_eq!(v.status, InputStatus::Recognized, "{}: {}", s.id, v.message);
            }
            assert!(
                report.failing_at_least(stratoscope::Severity::Medium) >= 3,
                "{} should give the class something to find",
                s.id
            );
            for f in &report.findings {
                assert_eq!(f.resource.account.as_deref(), Some("123456789012"));
            }
        }
    }

    /// Each bundle scenario fails the rules its narrative asks the class to find.
    #[test]
    fn the_bundle_scenarios_produce_their_intended_findings() {
        let pack = load_builtin();
        for (id, expected) in [
            (
                "public-data-bucket",
                &[
                    "STRAT-AWS-S3-005 open-data",
                    "STRAT-AWS-S3-013 open-data",
                    "STRAT-AWS-S3-003 open-data",
                    "STRAT-AWS-S3-004",
                    "STRAT-AWS-S3-012 open-data",
                ][..],
            ),
            (
                "admin-ports-open",
                &[
                    "STRAT-AWS-EC2-001",
                    "STRAT-AWS-EC2-002",
                    "STRAT-AWS-EC2-003",
                    "STRAT-AWS-EC2-008",
                    "STRAT-AWS-EC2-009",
                ][..],
            ),
        ] {
            let s = find(id).expect(id);
            let report = analyze_files(&s.loaded_files(), &pack.pack);
            assert_eq!(
                report.inputs[0].format.as_deref(),
                Some("aws-collector-bundle"),
                "{id}"
            );
            let failing: Vec<String> = report
                .findings
                .iter()
                .filter(|f| f.outcome == stratoscope::Outcome::Fail)
                .map(|f| format!("{} {} {}", f.rule_id(), f.resource.name, f.title()))
                .collect();
            for want in expected {
                assert!(
                    failing.iter().any(|f| f.starts_with(want)),
                    "{id}: no failing {want} in {failing:#?}"
                );
            }
            if id == "public-data-bucket" {
                let logs: Vec<&String> = failing
                    .iter()
                    .filter(|f| f.contains("audit-logs"))
                    .collect();
                assert!(
                    logs.iter().all(|f| f.starts_with("STRAT-AWS-S3-008 ")),
                    "the logs bucket fails only access logging, as the narrative says: {logs:#?}"
                );
            }
        }
    }

    #[test]
    fn the_address_names_a_scenario() {
        assert_eq!(find("").map(|s| s.id), Some(SCENARIOS[0].id));
        assert_eq!(find("open-trust").map(|s| s.id), Some("open-trust"));
        assert_eq!(find("nope"), None);
    }
}
