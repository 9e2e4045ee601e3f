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
];

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
    use crate::state::LoadedFile;
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
            let files: Vec<LoadedFile> = s
                .files
                .iter()
                .map(|f| LoadedFile::new(f.name, f.bytes.to_vec()))
                .collect();
            let report = analyze_files(&files, &pack.pack);
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

    #[test]
    fn the_address_names_a_scenario() {
        assert_eq!(find("").map(|s| s.id), Some(SCENARIOS[0].id));
        assert_eq!(find("open-trust").map(|s| s.id), Some("open-trust"));
        assert_eq!(find("nope"), None);
    }
}
