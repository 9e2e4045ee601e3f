//! The Access view's questions, answered in the worker over the inventory it keeps: what one
//! principal can do, and who can act on one resource (identity and resource policies). The
//! answers and their CSVs are the engine's, the same as `stratoscope access` prints.

use stratoscope::analyze::Inventory;
use stratoscope::iam::{principal_access, resource_access};

pub use stratoscope::iam::principal_access::{PrincipalAccess, PRINCIPALS};
pub use stratoscope::iam::resource_access::Review as ResourceAccess;

/// What one principal can do.
pub fn principal(inv: &Inventory, id: &str) -> Result<PrincipalAccess, String> {
    principal_access::review(&inv.resources, id)
}

/// Who can act on `arn`, and through which policies.
pub fn resource(inv: &Inventory, arn: &str) -> Result<ResourceAccess, String> {
    resource_access::review(&inv.resources, arn.trim())
}

/// `ops-admin.csv`-style file-name part from a principal or resource id.
pub fn file_part(id: &str) -> String {
    let tail = id
        .rsplit(['/', ':'])
        .find(|s| !s.is_empty())
        .unwrap_or("access");
    tail.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{DEMO_BYTES, DEMO_NAME};
    use stratoscope::analyze::build_inventory;
    use stratoscope::export::{principal_csv, resource_csv};

    fn inventory() -> Inventory {
        build_inventory(&[stratoscope::Input::new(DEMO_NAME, DEMO_BYTES.to_vec())])
    }

    #[test]
    fn a_principal_summary_names_its_granting_policies() {
        let inv = inventory();
        let admin = inv
            .resources
            .iter()
            .find(|r| r.kind == "aws.iam.user" && r.name == "alice.admin")
            .expect("the demo has alice.admin");
        let p = principal(&inv, &admin.id).expect("resolved");
        assert!(p.actions > 100, "an administrator: {}", p.actions);
        let iam = p.services.iter().find(|s| s.service == "iam").expect("iam");
        let write = iam
            .levels
            .iter()
            .find(|l| l.level == "Write")
            .expect("write");
        assert!(!write.policies.is_empty());
        assert!(write.actions.iter().all(|a| !a.policies.is_empty()));
        let csv = principal_csv(&p);
        assert!(csv.starts_with("principal,service,access_level,action,access,policies\r\n"));
        assert_eq!(csv.lines().count(), p.actions + 1);
        assert!(principal(&inv, "arn:nope").is_err());
    }

    #[test]
    fn who_can_act_on_a_resource_and_through_what() {
        let inv = inventory();
        let r = resource(&inv, " arn:aws:s3:::reports.example.com/q3.csv ").expect("an ARN");
        assert!(!r.access.is_empty(), "administrators can read any object");
        assert!(r
            .access
            .iter()
            .all(|w| !w.statements.is_empty() && !w.actions.is_empty()));
        let rows: usize = r.access.iter().map(|w| w.actions.len()).sum();
        assert_eq!(resource_csv(&r).lines().count(), rows + 1);
        assert!(resource(&inv, "not an arn").is_err());
        assert_eq!(
            file_part("arn:aws:iam::123456789012:user/alice.admin"),
            "alice.admin"
        );
        assert_eq!(file_part("arn:aws:s3:::b/k y"), "k_y");
    }
}
