//! The Drift view-model: what an auditor reads first (how many findings are new, resolved or
//! unchanged, which resources appeared, vanished or changed) and how a changed value is shown.
//! The comparison itself is the engine's (`stratoscope::drift`), made in the worker.

use crate::view::FindingKey;
use serde_json::Value;
use std::collections::HashSet;
use stratoscope::drift::DriftReport;
use stratoscope::Report;

/// Rows per list the view renders; the rest are counted ("and 12 more"). Drift between two
/// large exports can list thousands; the JSON export of the report holds everything.
pub const LIMIT: usize = 200;

/// The first [`LIMIT`] items and how many are left out.
pub fn head<T>(list: &[T]) -> (&[T], usize) {
    let n = list.len().min(LIMIT);
    (&list[..n], list.len() - n)
}

/// A changed value as one line: compact JSON, cut at 160 characters; a missing side says so.
pub fn value_text(v: Option<&Value>) -> String {
    const MAX: usize = 160;
    let Some(v) = v else {
        return "(absent)".to_string();
    };
    let text = serde_json::to_string(v).unwrap_or_default();
    if text.chars().count() > MAX {
        let cut: String = text.chars().take(MAX - 1).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// The tiles at the top: (label, count, `data-kind`, tone).
pub fn tiles(d: &DriftReport) -> Vec<(&'static str, usize, &'static str)> {
    let s = &d.summary;
    vec![
        ("New findings", s.new, "new"),
        ("Resolved findings", s.resolved, "resolved"),
        ("Unchanged findings", s.unchanged, "unchanged"),
        ("Resources added", s.resources_added, "added"),
        ("Resources removed", s.resources_removed, "removed"),
        ("Resources changed", s.resources_changed, "changed"),
    ]
}

/// The current analysis's accepted findings, by key: the worker compared the engine's report,
/// and acceptances are applied on the page.
pub fn accepted_keys(current: &Report) -> HashSet<FindingKey> {
    current
        .findings
        .iter()
        .filter(|f| f.accepted.is_some())
        .map(FindingKey::of)
        .collect()
}

/// One sentence for the top of the view.
pub fn headline(d: &DriftReport) -> String {
    let s = &d.summary;
    if s.new + s.resolved + s.resources_added + s.resources_removed + s.resources_changed == 0 {
        return "Nothing drifted: the same findings and the same resources as the baseline."
            .to_string();
    }
    format!(
        "Since the baseline: {} new and {} resolved findings; resources: {} added, {} removed, {} changed.",
        s.new, s.resolved, s.resources_added, s.resources_removed, s.resources_changed
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_on_one_line_and_long_lists_are_cut() {
        assert_eq!(value_text(None), "(absent)");
        assert_eq!(value_text(Some(&json!({"a": [1, 2]}))), "{\"a\":[1,2]}");
        let long = json!("x".repeat(400));
        let t = value_text(Some(&long));
        assert_eq!(t.chars().count(), 160);
        assert!(t.ends_with('…'));
        let list: Vec<usize> = (0..LIMIT + 5).collect();
        let (shown, more) = head(&list);
        assert_eq!((shown.len(), more), (LIMIT, 5));
        assert_eq!(head(&[1, 2]), (&[1, 2][..], 0));
    }

    #[test]
    fn an_empty_drift_says_nothing_drifted() {
        let d = DriftReport::default();
        assert!(headline(&d).starts_with("Nothing drifted"));
        assert_eq!(tiles(&d).len(), 6);
    }
}
