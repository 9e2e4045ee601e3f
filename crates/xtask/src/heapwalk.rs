//! `xtask heap-walk FILE`: where the inventory's and the report's heap bytes sit. Each part is
//! dropped in turn and the counting allocator says how much that gave back, so the figures are
//! exact (capacity and allocator overhead included) and shared parts count once, where their
//! last holder lets go.

use crate::bench::live_bytes;
use std::collections::BTreeMap;
use std::path::Path;

/// Bytes `f` gave back to the allocator.
fn freed(f: impl FnOnce()) -> usize {
    let before = live_bytes();
    f();
    before.saturating_sub(live_bytes())
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1_048_576.0
}

fn print_table(title: &str, total: usize, rows: &BTreeMap<String, usize>) {
    println!("{title}: {:.1} MB", mb(total));
    let mut rows: Vec<(&String, &usize)> = rows.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (name, bytes) in rows.into_iter().take(40) {
        if *bytes == 0 {
            continue;
        }
        println!(
            "  {:>8.2} MB {:>5.1} %  {name}",
            mb(*bytes),
            100.0 * *bytes as f64 / total.max(1) as f64
        );
    }
}

pub fn walk(file: &Path) -> Result<(), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let pack = stratoscope::pack::builtin_lean().map_err(|e| format!("{e:?}"))?;
    let input = [stratoscope::Input::new("bench.json", bytes)];
    let start = live_bytes();
    let mut inv = stratoscope::analyze::build_inventory(&input);
    let inventory = live_bytes() - start;
    let report =
        stratoscope::analyze::evaluate_inventory(&inv, &pack, &stratoscope::Options::default());
    let report_bytes = live_bytes() - start - inventory;

    let mut parts: BTreeMap<String, usize> = BTreeMap::new();
    let add = |parts: &mut BTreeMap<String, usize>, key: &str, n: usize| {
        *parts.entry(key.to_string()).or_default() += n;
    };
    let nowhere = std::sync::Arc::new(stratoscope::report::ResourceRef {
        id: String::new(),
        kind: String::new(),
        name: String::new(),
        account: None,
        region: None,
    });
    // Put in place of each finding's rule and evidence texts, so that taking them out allocates
    // nothing (a `mem::take` made a fresh default `RuleRef` per finding, which then showed as
    // the list's).
    let no_rule = std::sync::Arc::new(stratoscope::report::RuleRef::default());
    let no_text: std::sync::Arc<str> = std::sync::Arc::from("");
    let mut findings = report.findings;
    let count = findings.len();
    for f in &mut findings {
        add(
            &mut parts,
            "rule (shared refs)",
            freed(|| drop(std::mem::replace(&mut f.rule, no_rule.clone()))),
        );
        add(
            &mut parts,
            "message",
            freed(|| drop(std::mem::take(&mut f.message))),
        );
        add(
            &mut parts,
            "resource (shared refs)",
            freed(|| drop(std::mem::replace(&mut f.resource, nowhere.clone()))),
        );
        for e in &mut f.evidence {
            add(&mut parts, "evidence.value", freed(|| drop(e.value.take())));
            add(
                &mut parts,
                "evidence.note",
                freed(|| drop(std::mem::replace(&mut e.note, no_text.clone()))),
            );
            add(
                &mut parts,
                "evidence.file",
                freed(|| drop(std::mem::replace(&mut e.file, no_text.clone()))),
            );
            add(
                &mut parts,
                "evidence.pointer",
                freed(|| drop(std::mem::take(&mut e.pointer))),
            );
            add(
                &mut parts,
                "evidence.path",
                freed(|| drop(std::mem::take(&mut e.path))),
            );
        }
        add(
            &mut parts,
            "evidence (list)",
            freed(|| drop(std::mem::take(&mut f.evidence))),
        );
    }
    add(&mut parts, "findings (list)", freed(|| drop(findings)));
    let rest = freed(|| {
        drop(report.inputs);
        drop(report.summary);
        drop(report.coverage);
        drop(report.compliance);
    });
    add(&mut parts, "summary, coverage, compliance, inputs", rest);
    print_table(
        &format!(
            "report ({count} findings, {:.0} bytes each)",
            report_bytes as f64 / count.max(1) as f64
        ),
        report_bytes,
        &parts,
    );

    let (statements, by_field) = statement_fields(&inv);
    print_table(
        &format!("typed statements ({statements} distinct), by field, measured on copies"),
        by_field.values().sum(),
        &by_field,
    );

    let mut parts: BTreeMap<String, usize> = BTreeMap::new();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    let n = inv.resources.len();
    for r in &mut inv.resources {
        *kinds.entry(r.kind.clone()).or_default() += 1;
        for (key, value) in r.attributes.iter_mut() {
            let bytes = freed(|| drop(std::mem::take(value)));
            add(&mut parts, &format!("attributes.{key}"), bytes);
            add(&mut by_kind, &r.kind, bytes);
        }
    }
    // A principal's effective and boundary lists share the statements of the policies and
    // groups they come from. Dropped first, for every resource, they free only themselves; a
    // statement is then charged to the resource that owns it, not to whichever list happened
    // to hold its last reference.
    for r in &mut inv.resources {
        let facts = &mut r.facts;
        add(
            &mut parts,
            "facts.effective_index",
            freed(|| drop(facts.effective_index.take())),
        );
        add(
            &mut parts,
            "facts.boundary(+index)",
            freed(|| {
                drop(facts.boundary.take());
                drop(facts.boundary_index.take());
            }),
        );
        add(
            &mut parts,
            "facts.effective (lists)",
            freed(|| drop(facts.effective.take())),
        );
    }
    for r in &mut inv.resources {
        add(
            &mut parts,
            "attributes (maps: slots, names interned)",
            freed(|| drop(std::mem::take(&mut r.attributes))),
        );
        add(
            &mut parts,
            "typed.trust_statements",
            freed(|| drop(r.typed.trust_statements.take())),
        );
        // Shared with `facts.statements` when the normaliser set both, so usually nothing.
        add(
            &mut parts,
            "typed.statements (not shared with facts)",
            freed(|| drop(r.typed.statements.take())),
        );
        let facts = &mut r.facts;
        add(
            &mut parts,
            "facts.statements",
            freed(|| drop(facts.statements.take())),
        );
        add(&mut parts, "facts.scps", freed(|| drop(facts.scps.take())));
        add(
            &mut parts,
            "source",
            freed(|| {
                drop(std::mem::take(&mut r.source.file));
                drop(std::mem::take(&mut r.source.pointer));
            }),
        );
        add(
            &mut parts,
            "sources",
            freed(|| drop(std::mem::take(&mut r.sources))),
        );
        add(
            &mut parts,
            "id, name, kind, provider, account, region",
            freed(|| {
                drop(std::mem::take(&mut r.id));
                drop(std::mem::take(&mut r.name));
                drop(std::mem::take(&mut r.kind));
                drop(std::mem::take(&mut r.provider));
                drop(r.account.take());
                drop(r.region.take());
            }),
        );
    }
    add(
        &mut parts,
        "resources (list)",
        freed(|| drop(std::mem::take(&mut inv.resources))),
    );
    add(
        &mut parts,
        "documents (export text, packed)",
        freed(|| drop(std::mem::take(&mut inv.documents))),
    );
    add(
        &mut parts,
        "inputs (verdicts)",
        freed(|| drop(std::mem::take(&mut inv.inputs))),
    );
    parts.retain(|_, v| *v > 0);
    print_table(
        &format!(
            "inventory ({n} resources, {:.0} bytes each)",
            inventory as f64 / n.max(1) as f64
        ),
        inventory,
        &parts,
    );
    println!("resources by kind: {kinds:?}");
    print_table("attribute values by kind", by_kind.values().sum(), &by_kind);
    Ok(())
}

/// The heap of every distinct typed statement of the inventory (each shared one once), by
/// field: the next place to look for memory. Measured on copies, which are allocated at their
/// length, so the figures leave out spare capacity; the statement's own block is its size
/// plus an `Arc`'s two counts.
fn statement_fields(inv: &stratoscope::analyze::Inventory) -> (usize, BTreeMap<String, usize>) {
    use stratoscope::iam::Statement;
    let mut seen = std::collections::HashSet::new();
    let mut out: BTreeMap<String, usize> = BTreeMap::new();
    let mut count = 0;
    let mut measure = |s: &Statement, out: &mut BTreeMap<String, usize>| {
        count += 1;
        let mut add = |field: &str, n: usize| *out.entry(field.to_string()).or_default() += n;
        add(
            "the statement itself",
            std::mem::size_of::<Statement>() + 16,
        );
        macro_rules! field {
            ($name:literal, $value:expr) => {{
                let copy = $value.clone();
                add($name, freed(|| drop(copy)));
            }};
        }
        field!("sid", s.sid);
        field!("effect", s.effect);
        field!("actions", s.actions);
        field!("not_actions", s.not_actions);
        field!("resources", s.resources);
        field!("not_resources", s.not_resources);
        field!("principals", s.principals);
        field!("not_principals", s.not_principals);
        field!("condition", s.condition);
        field!("condition_keys", s.condition_keys);
        field!("source.file", s.source.file);
        field!("source.pointer", s.source.pointer);
    };
    for r in &inv.resources {
        let f = &r.facts;
        for list in [&f.statements, &f.effective, &f.boundary]
            .into_iter()
            .flatten()
        {
            for s in list.iter() {
                if seen.insert(std::sync::Arc::as_ptr(s)) {
                    measure(s, &mut out);
                }
            }
        }
        for s in r.typed.trust_statements.iter().flatten() {
            measure(s, &mut out);
        }
    }
    (count, out)
}
