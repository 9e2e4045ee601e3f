//! Orchestration: many input files in, one report out. A bad file yields an error verdict for
//! that file only; every other file is still analysed.

use crate::decode::{decode, Decoded};
use crate::detect::{detect, Detection, Format};
use crate::evaluate::evaluate;
use crate::model::{Outcome, Resource};
use crate::normalize::normalize;
use crate::report::{
    sort_findings, Finding, InputStatus, InputVerdict, Report, ResourceRef, RuleCoverage, Summary,
    Tool,
};
use crate::rules::RulePack;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// One input file.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl Input {
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Input {
        Input {
            name: name.into(),
            bytes: bytes.into(),
        }
    }
}

/// Settings that change results. Kept explicit so a report can be reproduced.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Parameter overrides by rule id (or name), merged over each rule's defaults.
    pub parameters: BTreeMap<String, BTreeMap<String, Value>>,
}

/// The inventory built from all inputs, before evaluation. Exposed for the web app's resource
/// browser and for snapshot tests of normalisation.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub inputs: Vec<InputVerdict>,
    pub resources: Vec<Resource>,
    /// Decoded documents by (unique) input name, so evidence can quote the export verbatim.
    pub documents: BTreeMap<String, Value>,
}

/// Decodes, detects and normalises every input, then derives inventory-level facts.
pub fn build_inventory(inputs: &[Input]) -> Inventory {
    let mut inv = Inventory::default();
    let mut seen_ids: BTreeSet<(String, String)> = BTreeSet::new();
    let mut used_names: BTreeSet<String> = BTreeSet::new();
    for input in inputs {
        let name = unique_name(&input.name, &mut used_names);
        let verdict = |status, format: Option<Format>, resources, message: String| InputVerdict {
            name: name.clone(),
            format: format.map(|f| f.id().to_string()),
            status,
            resources,
            message,
        };
        let decoded = match decode(&input.bytes) {
            Ok(d) => d,
            Err(e) => {
                inv.inputs
                    .push(verdict(InputStatus::Error, None, 0, format!("{name}: {e}")));
                continue;
            }
        };
        // One owned document per file (NDJSON becomes an array, as `jq -s` would make it), so
        // evidence pointers resolve against it without copying the tree.
        let (document, lines): (Value, Vec<usize>) = match decoded {
            Decoded::Json(v) => (v, Vec::new()),
            Decoded::Ndjson(items) => {
                let lines = items.iter().map(|(line, _)| *line).collect();
                (
                    Value::Array(items.into_iter().map(|(_, v)| v).collect()),
                    lines,
                )
            }
        };
        let docs: Vec<(String, &Value, Option<usize>)> = if lines.is_empty() {
            vec![(String::new(), &document, None)]
        } else {
            document
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (format!("/{i}"), v, lines.get(i).copied()))
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut formats: BTreeSet<Format> = BTreeSet::new();
        let mut ignored: Vec<String> = Vec::new();
        let mut resources: Vec<Resource> = Vec::new();
        let mut error: Option<String> = None;
        for (base, doc, line) in &docs {
            match detect(doc) {
                Detection::Recognized(format) => match normalize(format, doc, &name, base) {
                    Ok(mut rs) => {
                        formats.insert(format);
                        resources.append(&mut rs);
                    }
                    Err(e) => {
                        error = Some(format!("{name}: recognised as {format}, but {e}"));
                        break;
                    }
                },
                Detection::Ignored(reason) => ignored.push(match line {
                    Some(n) => format!("line {n}: {reason}"),
                    None => reason,
                }),
            }
        }
        if let Some(message) = error {
            inv.inputs.push(verdict(
                InputStatus::Error,
                formats.iter().next().copied(),
                0,
                message,
            ));
            continue;
        }
        if formats.is_empty() {
            let reason = ignored
                .into_iter()
                .next()
                .unwrap_or_else(|| "no documents".into());
            inv.inputs.push(verdict(
                InputStatus::Ignored,
                None,
                0,
                format!("{name}: ignored: {reason}"),
            ));
            continue;
        }
        let before = resources.len();
        resources.retain(|r| seen_ids.insert((r.kind.clone(), r.id.clone())));
        let duplicates = before - resources.len();
        let format = formats.iter().next().copied();
        let mut message = format!(
            "{name}: recognised as {} with {} resource{}",
            format.map(|f| f.id()).unwrap_or("-"),
            resources.len(),
            if resources.len() == 1 { "" } else { "s" }
        );
        if duplicates > 0 {
            message.push_str(&format!(
                " ({duplicates} already loaded from another file were skipped)"
            ));
        }
        if !ignored.is_empty() {
            message.push_str(&format!("; {} document(s) ignored", ignored.len()));
        }
        inv.inputs.push(verdict(
            InputStatus::Recognized,
            format,
            resources.len(),
            message,
        ));
        inv.resources.append(&mut resources);
        inv.documents.insert(name, document);
    }
    crate::derive::derive(&mut inv.resources);
    inv
}

fn unique_name(name: &str, used: &mut BTreeSet<String>) -> String {
    let mut candidate = name.to_string();
    let mut n = 2;
    while !used.insert(candidate.clone()) {
        candidate = format!("{name} ({n})");
        n += 1;
    }
    candidate
}

/// Where to get the resources of a kind, for coverage hints.
fn export_for_kind(kind: &str) -> Option<&'static str> {
    kind.starts_with("aws.iam.")
        .then(|| Format::AwsIamAuthorizationDetails.produced_by())
}

/// Runs the whole pipeline.
pub fn analyze(inputs: &[Input], pack: &RulePack, options: &Options) -> Report {
    let inventory = build_inventory(inputs);
    evaluate_inventory(&inventory, pack, options)
}

/// Evaluates every rule over an inventory.
pub fn evaluate_inventory(inv: &Inventory, pack: &RulePack, options: &Options) -> Report {
    let mut by_kind: BTreeMap<&str, Vec<&Resource>> = BTreeMap::new();
    for r in &inv.resources {
        by_kind.entry(r.kind.as_str()).or_default().push(r);
    }
    let mut findings = Vec::new();
    let mut summary = Summary {
        resources: inv.resources.len(),
        ..Summary::default()
    };
    let mut coverage = Vec::new();
    for rule in &pack.rules {
        let mut params = rule.parameters.clone();
        for key in [&rule.id, &rule.name] {
            if let Some(over) = options.parameters.get(key) {
                params.extend(over.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        let targets: Vec<&Resource> = rule
            .resource_kinds
            .iter()
            .flat_map(|k| by_kind.get(k.as_str()).cloned().unwrap_or_default())
            .collect();
        coverage.push(RuleCoverage {
            rule_id: rule.id.clone(),
            evaluated: !targets.is_empty(),
            resources: targets.len(),
            missing_export: if targets.is_empty() {
                rule.resource_kinds
                    .iter()
                    .find_map(|k| export_for_kind(k))
                    .map(str::to_string)
            } else {
                None
            },
        });
        if targets.is_empty() {
            continue;
        }
        summary.rules_evaluated += 1;
        let counts = summary.by_rule.entry(rule.id.clone()).or_default();
        for resource in targets {
            let eval = evaluate(rule, resource, &params);
            counts.add(eval.outcome);
            summary.outcomes.add(eval.outcome);
            if !matches!(eval.outcome, Outcome::Fail | Outcome::Unknown) {
                continue;
            }
            let evidence = eval
                .evidence
                .into_iter()
                .map(|e| quote_export(inv, resource, e))
                .collect();
            findings.push(Finding {
                rule_id: rule.id.clone(),
                rule_name: rule.name.clone(),
                title: rule.title.clone(),
                severity: rule.severity,
                outcome: eval.outcome,
                service: rule.service.clone(),
                resource: ResourceRef::of(resource),
                message: eval.message,
                evidence,
                frameworks: rule.frameworks.clone(),
                accepted: None,
            });
        }
    }
    summary.tally_findings(&findings);
    sort_findings(&mut findings);
    Report {
        tool: Tool {
            name: "stratoscope".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            rules: pack.rules.len(),
        },
        inputs: inv.inputs.clone(),
        findings,
        summary,
        coverage,
    }
}

/// Evidence that points at a specific fragment (not the resource as a whole) quotes the export
/// verbatim, so the auditor sees exactly what the admin's file says. Encoded policy strings are
/// left in their decoded form, which is more useful than the percent-encoded original.
fn quote_export(inv: &Inventory, resource: &Resource, mut e: crate::Evidence) -> crate::Evidence {
    if e.pointer != resource.source.pointer {
        if let Some(fragment) = inv
            .documents
            .get(&e.file)
            .and_then(|d| d.pointer(&e.pointer))
        {
            if !fragment.is_string() {
                e.value = Some(fragment.clone());
            }
        }
    }
    e
}
