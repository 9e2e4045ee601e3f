//! The resource inventory as the Resources view sees it. The worker that ran the analysis keeps
//! the inventory; the page asks it for the list ([`entries`]) and for one resource's normalised
//! attributes ([`detail`]), both as JSON, rather than holding every attribute of every resource
//! or analysing a second time.

use crate::route::ResourceFilters;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use stratoscope::analyze::Inventory;

/// One resource in the list: enough to filter, search and name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceEntry {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub account: Option<String>,
    pub region: Option<String>,
    pub file: String,
    pub pointer: String,
}

/// One resource with its normalised attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceDetail {
    pub entry: ResourceEntry,
    pub attributes: serde_json::Map<String, serde_json::Value>,
}

fn entry(r: &stratoscope::Resource) -> ResourceEntry {
    ResourceEntry {
        id: r.id.clone(),
        kind: r.kind.clone(),
        name: r.name.clone(),
        account: r.account.clone(),
        region: r.region.clone(),
        file: r.source.file.to_string(),
        pointer: r.source.pointer.clone(),
    }
}

/// Every resource, by kind then name, so the list reads like an inventory.
pub fn entries(inv: &Inventory) -> Vec<ResourceEntry> {
    let mut out: Vec<ResourceEntry> = inv.resources.iter().map(entry).collect();
    out.sort_by(|a, b| (&a.kind, &a.name, &a.id).cmp(&(&b.kind, &b.name, &b.id)));
    out
}

pub fn detail(inv: &Inventory, id: &str) -> Option<ResourceDetail> {
    inv.resources
        .iter()
        .find(|r| r.id == id)
        .map(|r| ResourceDetail {
            entry: entry(r),
            attributes: r.all_attributes().to_json(),
        })
}

/// Which filter of the inventory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResDim {
    Kind,
    Account,
    Region,
}

impl ResDim {
    pub const ALL: [ResDim; 3] = [ResDim::Kind, ResDim::Account, ResDim::Region];

    pub fn key(self) -> &'static str {
        match self {
            ResDim::Kind => "kind",
            ResDim::Account => "account",
            ResDim::Region => "region",
        }
    }

    pub fn any_label(self) -> &'static str {
        match self {
            ResDim::Kind => "Any kind",
            ResDim::Account => "Any account",
            ResDim::Region => "Any region",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ResDim::Kind => "Kind",
            ResDim::Account => "Account",
            ResDim::Region => "Region",
        }
    }

    fn value(self, e: &ResourceEntry) -> &str {
        let none = crate::findings::NONE_VALUE;
        match self {
            ResDim::Kind => &e.kind,
            ResDim::Account => e.account.as_deref().unwrap_or(none),
            ResDim::Region => e.region.as_deref().unwrap_or(none),
        }
    }

    pub fn get(self, f: &ResourceFilters) -> Option<&String> {
        match self {
            ResDim::Kind => f.kind.as_ref(),
            ResDim::Account => f.account.as_ref(),
            ResDim::Region => f.region.as_ref(),
        }
    }

    pub fn set(self, f: &mut ResourceFilters, value: Option<String>) {
        let value = value.filter(|v| !v.is_empty());
        match self {
            ResDim::Kind => f.kind = value,
            ResDim::Account => f.account = value,
            ResDim::Region => f.region = value,
        }
    }
}

/// Values of one inventory dimension with their counts, for the filter's options.
pub fn facet(list: &[ResourceEntry], dim: ResDim) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for e in list {
        *counts.entry(dim.value(e)).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(v, n)| (v.to_string(), n))
        .collect()
}

/// Indices of the resources that pass the filters and whose id, name or kind contain every
/// search term.
pub fn visible(list: &[ResourceEntry], filters: &ResourceFilters) -> Vec<usize> {
    let terms: Vec<String> = filters
        .query
        .split_whitespace()
        .map(str::to_lowercase)
        .collect();
    list.iter()
        .enumerate()
        .filter(|(_, e)| {
            ResDim::ALL
                .into_iter()
                .all(|d| d.get(filters).is_none_or(|want| d.value(e) == want))
        })
        .filter(|(_, e)| {
            if terms.is_empty() {
                return true;
            }
            let hay = format!("{}\n{}\n{}", e.id, e.name, e.kind).to_lowercase();
            terms.iter().all(|t| hay.contains(t.as_str()))
        })
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{DEMO_BYTES, DEMO_NAME};
    use stratoscope::analyze::build_inventory;
    use stratoscope::Input;

    fn demo() -> Inventory {
        build_inventory(&[Input::new(DEMO_NAME, DEMO_BYTES.to_vec())])
    }

    #[test]
    fn the_list_holds_every_resource_sorted_and_round_trips_as_json() {
        let inv = demo();
        let list = entries(&inv);
        assert_eq!(list.len(), inv.resources.len());
        assert!(list
            .windows(2)
            .all(|w| (&w[0].kind, &w[0].name) <= (&w[1].kind, &w[1].name)));
        let bytes = serde_json::to_vec(&list).expect("serialises");
        let back: Vec<ResourceEntry> = serde_json::from_slice(&bytes).expect("parses");
        assert_eq!(back, list);
        assert!(list
            .iter()
            .all(|e| e.file == DEMO_NAME && e.pointer.starts_with('/')));
    }

    #[test]
    fn detail_carries_the_normalised_attributes() {
        let inv = demo();
        let role = inv
            .resources
            .iter()
            .find(|r| r.kind == "aws.iam.role")
            .expect("the demo has roles");
        let d = detail(&inv, &role.id).expect("found");
        assert_eq!(d.entry.id, role.id);
        assert_eq!(d.attributes, role.all_attributes().to_json());
        // Kept typed in the inventory, shown as JSON like the rest.
        assert!(role.attributes.get("trust_statements").is_none());
        assert!(d.attributes["trust_statements"].is_array());
        assert!(detail(&inv, "arn:aws:iam::123456789012:role/nope").is_none());
    }

    #[test]
    fn filters_and_search_narrow_the_list() {
        let list = entries(&demo());
        let all = visible(&list, &ResourceFilters::default());
        assert_eq!(all.len(), list.len());
        let kinds = facet(&list, ResDim::Kind);
        assert!(kinds.iter().any(|(k, _)| k == "aws.iam.role"));
        assert_eq!(kinds.iter().map(|(_, n)| n).sum::<usize>(), list.len());
        let mut f = ResourceFilters::default();
        ResDim::Kind.set(&mut f, Some("aws.iam.role".into()));
        let roles = visible(&list, &f);
        assert!(!roles.is_empty() && roles.len() < list.len());
        assert!(roles.iter().all(|&i| list[i].kind == "aws.iam.role"));
        f.query = "PARTNER".into();
        let found = visible(&list, &f);
        assert_eq!(found.len(), 1, "{:?}", found);
        assert!(list[found[0]].name.contains("partner"));
        ResDim::Account.set(&mut f, Some("999999999999".into()));
        assert!(visible(&list, &f).is_empty());
        ResDim::Account.set(&mut f, Some(String::new()));
        assert_eq!(ResDim::Account.get(&f), None);
    }
}
