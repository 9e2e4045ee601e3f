//! Access reviews as CSV: what one principal can do (a row per action) and who can act on one
//! resource (a row per principal, route and access level). The CLI's `access --format csv` and
//! the web app's Access view download the same bytes.

use super::csv::push_row;
use crate::iam::principal_access::PrincipalAccess;
use crate::iam::resource_access::Review;

/// A row per action the principal holds, with how (`unconditional`, `resource-scoped`,
/// `conditional`) and the statements that grant it.
pub fn principal_csv(p: &PrincipalAccess) -> String {
    let mut out = String::new();
    push_row(
        &mut out,
        [
            "principal",
            "service",
            "access_level",
            "action",
            "access",
            "policies",
        ],
    );
    for s in &p.services {
        for l in &s.levels {
            for a in &l.actions {
                let policies = a.policies.join("; ");
                push_row(
                    &mut out,
                    [
                        p.id.as_str(),
                        s.service.as_str(),
                        l.level.as_str(),
                        a.action.as_str(),
                        a.access.as_str(),
                        policies.as_str(),
                    ],
                );
            }
        }
    }
    out
}

/// A row per principal, route (identity or resource policy) and access level, with the
/// statements that decide it and what else must hold.
pub fn resource_csv(review: &Review) -> String {
    let mut out = String::new();
    push_row(
        &mut out,
        [
            "resource",
            "principal",
            "via",
            "relation",
            "conditional",
            "access_level",
            "actions",
            "statements",
            "note",
        ],
    );
    for r in &review.access {
        let cited: Vec<String> = r
            .statements
            .iter()
            .map(|c| format!("{} ({}#{})", c.label, c.file, c.pointer))
            .collect();
        let cited = cited.join("; ");
        let conditional = r.conditional.to_string();
        for (level, actions) in &r.actions {
            let actions = actions.join(" ");
            push_row(
                &mut out,
                [
                    review.resource.as_str(),
                    r.principal.as_str(),
                    r.via.as_str(),
                    r.relation.as_str(),
                    conditional.as_str(),
                    level.as_str(),
                    actions.as_str(),
                    cited.as_str(),
                    r.note.as_deref().unwrap_or(""),
                ],
            );
        }
    }
    out
}
