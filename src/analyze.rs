//! Orchestration: many input files in, one report out. A bad file yields an error verdict for
//! that file only; every other file is still analysed.

use crate::attributes::Rendered;
use crate::decode::{decode_text, Decoded, CREDENTIAL_REPORT_HEADER};
use crate::detect::{detect, Detection, Format};
use crate::evaluate::{evaluate_unquoted, statement_value, Evaluation};
use crate::iam::policy::Statement;
use crate::model::{Outcome, Resource};
use crate::normalize::normalize;
use crate::packed_text::PackedText;
use crate::report::{
    sort_findings, Finding, InputStatus, InputVerdict, Report, ResourceRef, RuleCounts,
    RuleCoverage, RuleRef, Summary, Tool,
};
use crate::rules::{Rule, RulePack};
use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

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
    /// Each recognised input's JSON text by (unique) input name, so evidence can quote the export
    /// verbatim. Text rather than the parsed tree: the tree costs about nine times the file, and
    /// evidence needs only the fragments findings point at (see [`crate::pointer::resolve_many`]);
    /// packed, because it is held through evaluation and read only after it.
    pub documents: BTreeMap<String, PackedText>,
    /// Where the entries of each document's large lists lie in its text, by input name, so
    /// that evidence is quoted from the entry it cites rather than from the whole text. A
    /// document's own: a resource may merge with another file's, so no span is kept with it.
    pub entries: BTreeMap<String, crate::pointer::EntrySpans>,
}

/// Decodes, detects and normalises every input, then derives inventory-level facts.
pub fn build_inventory(inputs: &[Input]) -> Inventory {
    build(
        inputs.iter().map(Cow::Borrowed).collect(),
        crate::parallel::threads(),
    )
}

/// [`build_inventory`] of inputs the caller has no further use for: each file's bytes become
/// the text the inventory keeps for quoting evidence, instead of being copied into it, so a
/// large export is not held twice while it is read.
pub fn build_inventory_from(inputs: Vec<Input>) -> Inventory {
    build(
        inputs.into_iter().map(Cow::Owned).collect(),
        crate::parallel::threads(),
    )
}

/// Reads the files on `threads` threads, then merges them in the order they were given.
fn build(inputs: Vec<Cow<Input>>, threads: usize) -> Inventory {
    let mut inv = Inventory::default();
    // Fragments of one resource (a bucket from list-buckets, its policy from get-bucket-policy,
    // the same user from authorization details and the credential report) merge into one.
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut used_names: BTreeSet<String> = BTreeSet::new();
    let mut expanded: Vec<Cow<Input>> = Vec::with_capacity(inputs.len());
    for input in inputs {
        if !crate::archive::is_zip(&input.bytes) {
            expanded.push(input);
            continue;
        }
        match crate::archive::expand(&input.name, &input.bytes) {
            Ok(members) => expanded.extend(members.into_iter().map(Cow::Owned)),
            Err(e) => {
                let name = unique_name(&input.name, &mut used_names);
                inv.inputs.push(InputVerdict {
                    message: format!("{name}: {e}"),
                    name,
                    format: None,
                    status: InputStatus::Error,
                    resources: 0,
                });
            }
        }
    }
    // Names are given in the files' order, before the files are read in any order.
    let named: Vec<(String, Cow<Input>)> = expanded
        .into_iter()
        .map(|input| (unique_name(&input.name, &mut used_names), input))
        .collect();
    let reads = crate::parallel::map_ordered(named, threads, |(name, input)| {
        let read = read_file(&name, input);
        (name, read)
    });
    for (name, read) in reads {
        let verdict = |status, format: Option<Format>, resources, message: String| InputVerdict {
            name: name.clone(),
            format: format.map(|f| f.id().to_string()),
            status,
            resources,
            message,
        };
        let FileRead {
            formats,
            ignored,
            resources,
            notes,
            error,
            quoted,
            entries,
        } = match read {
            Ok(read) => read,
            Err(message) => {
                inv.inputs
                    .push(verdict(InputStatus::Error, None, 0, message));
                continue;
            }
        };
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
        let mut new = 0;
        let mut merged_elsewhere = 0;
        let first_of_file = inv.resources.len();
        for r in resources {
            match index.get(&(r.kind.clone(), r.id.clone())) {
                Some(&i) => {
                    if i < first_of_file {
                        merged_elsewhere += 1;
                    }
                    inv.resources[i].merge(r);
                }
                None => {
                    index.insert((r.kind.clone(), r.id.clone()), inv.resources.len());
                    inv.resources.push(r);
                    new += 1;
                }
            }
        }
        let format = formats.iter().next().copied();
        let mut message = format!(
            "{name}: recognised as {} with {} resource{}",
            format.map(|f| f.id()).unwrap_or("-"),
            new,
            if new == 1 { "" } else { "s" }
        );
        if merged_elsewhere > 0 {
            message.push_str(&format!(
                " ({merged_elsewhere} already loaded from another file were merged with it)"
            ));
        }
        if !ignored.is_empty() {
            message.push_str(&format!("; {} document(s) ignored", ignored.len()));
        }
        for n in &notes {
            message.push_str("; ");
            message.push_str(n);
        }
        inv.inputs
            .push(verdict(InputStatus::Recognized, format, new, message));
        if !entries.is_empty() {
            inv.entries.insert(name.clone(), entries);
        }
        inv.documents.insert(name, quoted);
    }
    // The inventory lives through evaluation; growth by doubling left up to half of its list
    // unused.
    inv.resources.shrink_to_fit();
    crate::normalize::aws::derive(&mut inv.resources);
    crate::derive::derive(&mut inv.resources);
    // Likewise each resource's attributes, which derivation just added to.
    for r in &mut inv.resources {
        r.attributes.shrink_to_fit();
    }
    inv
}

/// One file read on its own, before its resources join the inventory.
struct FileRead {
    formats: BTreeSet<Format>,
    /// Why each document that is not an export was left out.
    ignored: Vec<String>,
    resources: Vec<Resource>,
    notes: Vec<String>,
    /// The file was recognised, but a document of it could not be normalised.
    error: Option<String>,
    /// The text evidence quotes (see [`quotable_text`]).
    quoted: PackedText,
    /// Where its entries lie in that text.
    entries: crate::pointer::EntrySpans,
}

/// Decodes, detects and normalises one file. Files are independent until their resources
/// merge, so the CLI reads several at once; `Err` is the verdict's message for a file that is
/// not text or not JSON.
fn read_file(name: &str, input: Cow<Input>) -> Result<FileRead, String> {
    let text = match input {
        Cow::Borrowed(input) => crate::decode::text(&input.bytes),
        Cow::Owned(input) => crate::decode::text_owned(input.bytes),
    }
    .map_err(|e| format!("{name}: {e}"))?;
    let mut read = FileRead {
        formats: BTreeSet::new(),
        ignored: Vec::new(),
        resources: Vec::new(),
        notes: Vec::new(),
        error: None,
        quoted: PackedText::default(),
        entries: crate::pointer::EntrySpans::default(),
    };
    // The largest exports (authorization details, the collector's bundle) normalise entry
    // by entry without a tree of the whole file. Everything else goes through the tree.
    if let Some((format, result)) = crate::normalize::streamed(&text, name) {
        read.formats.insert(format);
        match result {
            Ok(mut n) => {
                read.resources.append(&mut n.resources);
                read.notes.append(&mut n.notes);
                read.entries = n.entries;
            }
            Err(e) => read.error = Some(format!("{name}: recognised as {format}, but {e}")),
        }
        read.quoted = PackedText::pack(&text);
        return Ok(read);
    }
    let decoded = decode_text(&text).map_err(|e| format!("{name}: {e}"))?;
    read.quoted = PackedText::pack(&quotable_text(text, &decoded));
    for (base, doc, line) in documents(&decoded) {
        match detect(doc) {
            Detection::Recognized(format) => match normalize(format, doc, name, &base) {
                Ok(mut n) => {
                    read.formats.insert(format);
                    read.resources.append(&mut n.resources);
                    read.notes.append(&mut n.notes);
                }
                Err(e) => {
                    read.error = Some(format!("{name}: recognised as {format}, but {e}"));
                    break;
                }
            },
            Detection::Ignored(reason) => read.ignored.push(match line {
                Some(n) => format!("line {n}: {reason}"),
                None => reason,
            }),
        }
    }
    Ok(read)
}

/// Each document of a decoded file with its pointer base and, for NDJSON, its line number.
fn documents(decoded: &Decoded) -> Vec<(String, &Value, Option<usize>)> {
    match decoded {
        Decoded::Json(v) => vec![(String::new(), v, None)],
        Decoded::Ndjson(items) => items
            .iter()
            .enumerate()
            .map(|(i, (line, v))| (format!("/{i}"), v, Some(*line)))
            .collect(),
    }
}

/// The JSON text evidence pointers resolve against: the file itself, except that NDJSON reads
/// as the array of its documents (as `jq -s` would make it) and the credential report's CSV as
/// the JSON document it was read as.
fn quotable_text(text: Cow<str>, decoded: &Decoded) -> String {
    match decoded {
        Decoded::Json(v) if text.starts_with(CREDENTIAL_REPORT_HEADER) => v.to_string(),
        Decoded::Json(_) => text.into_owned(),
        Decoded::Ndjson(items) => {
            let lines: Vec<&str> = text.lines().collect();
            let docs: Vec<&str> = items
                .iter()
                .map(|(n, _)| lines.get(n - 1).copied().unwrap_or("null"))
                .collect();
            format!("[{}]", docs.join(","))
        }
    }
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
fn export_for_kind(kind: &str) -> Option<String> {
    crate::normalize::aws::command_for_kind(kind).map(|c| format!("{} --output json", c.cli()))
}

/// Runs the whole pipeline.
pub fn analyze(inputs: &[Input], pack: &RulePack, options: &Options) -> Report {
    let inventory = build_inventory(inputs);
    evaluate_inventory(&inventory, pack, options)
}

/// Evaluates every rule over an inventory.
pub fn evaluate_inventory(inv: &Inventory, pack: &RulePack, options: &Options) -> Report {
    evaluate_on(inv, pack, options, crate::parallel::threads(), BATCH)
}

/// Targets per batch: small enough that the threads finish together, large enough that taking
/// a batch costs nothing next to evaluating it.
const BATCH: usize = 256;

/// One rule over one run of its targets, before its results become findings.
struct Batch<'a> {
    counts: RuleCounts,
    /// Whether every outcome in the batch is unknown; only then does `lacking` matter.
    all_unknown: bool,
    /// Facts the export lacked, gathered while every outcome was unknown.
    lacking: BTreeSet<String>,
    /// Failing and unknown outcomes, which become findings, with the statements they cite.
    kept: Vec<Kept<'a>>,
}

/// A failing or unknown outcome, and the statements its evidence cites (see
/// [`evaluate_unquoted`]).
type Kept<'a> = (&'a Resource, Evaluation, Vec<(usize, Arc<Statement>)>);

impl<'a> Batch<'a> {
    fn new() -> Batch<'a> {
        Batch {
            counts: RuleCounts::default(),
            all_unknown: true,
            lacking: BTreeSet::new(),
            kept: Vec::new(),
        }
    }

    fn add(
        &mut self,
        resource: &'a Resource,
        mut eval: Evaluation,
        mut statements: Vec<(usize, Arc<Statement>)>,
        notes: &mut HashSet<NoteKey>,
    ) {
        self.counts.add(eval.outcome);
        if eval.outcome == Outcome::Unknown {
            if self.all_unknown {
                self.lacking.extend(
                    eval.evidence
                        .iter()
                        .enumerate()
                        .filter(|(k, e)| {
                            e.value.is_none()
                                && !e.path.is_empty()
                                && !statements.iter().any(|(j, _)| j == k)
                        })
                        .map(|(_, e)| e.path.clone()),
                );
            }
        } else {
            self.all_unknown = false;
        }
        if matches!(eval.outcome, Outcome::Fail | Outcome::Unknown) {
            // Held until every batch is done, which is the scan's peak: give back the room
            // pushing left (a list of one piece of evidence has room for four).
            eval.evidence.shrink_to_fit();
            eval.message.shrink_to_fit();
            eval.deferred.shrink_to_fit();
            statements.shrink_to_fit();
            for e in &mut eval.evidence {
                share_note(notes, &mut e.note);
            }
            self.kept.push((resource, eval, statements));
        }
    }
}

/// The rules of a group (rules with the same targets, with their parameters) over one run of
/// their targets, one batch per rule. Resource by resource, so that each resource's typed
/// attributes are rendered at most once for all its rules and dropped before the next
/// resource's (see [`crate::attributes`]): rule by rule, they were rendered once per rule, or
/// kept for the whole inventory.
fn evaluate_group<'a>(
    rules: &[(&Rule, &BTreeMap<String, Value>)],
    targets: &[&'a Resource],
) -> Vec<Batch<'a>> {
    let mut batches: Vec<Batch> = rules.iter().map(|_| Batch::new()).collect();
    let fields = crate::evaluate::statement_reads(rules.iter().map(|&(rule, _)| rule));
    let mut notes = HashSet::new();
    for &resource in targets {
        let rendered = Rendered::new(fields.as_ref());
        for (&(rule, params), batch) in rules.iter().zip(&mut batches) {
            let (eval, statements) = evaluate_unquoted(rule, resource, params, &rendered, true);
            batch.add(resource, eval, statements, &mut notes);
        }
    }
    batches
}

/// [`evaluate_inventory`] on `threads` threads. The targets of each group of rules (those over
/// the same kinds) are cut into batches that the threads share; the batches' results are then
/// put together in the rules' and the resources' order, so the report is the same on any
/// number of threads.
fn evaluate_on(
    inv: &Inventory,
    pack: &RulePack,
    options: &Options,
    threads: usize,
    batch: usize,
) -> Report {
    let mut by_kind: BTreeMap<&str, Vec<&Resource>> = BTreeMap::new();
    for r in &inv.resources {
        by_kind.entry(r.kind.as_str()).or_default().push(r);
    }
    // Each rule's parameters (defaults, then the caller's overrides) and targets.
    let plans: Vec<(BTreeMap<String, Value>, Vec<&Resource>)> = pack
        .rules
        .iter()
        .map(|rule| {
            let mut params = rule.parameters.clone();
            for key in [&rule.id, &rule.name] {
                if let Some(over) = options.parameters.get(key) {
                    params.extend(over.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
            let targets = rule
                .resource_kinds
                .iter()
                .flat_map(|k| by_kind.get(k.as_str()).cloned().unwrap_or_default())
                .collect();
            (params, targets)
        })
        .collect();
    // Rules over the same kinds have the same targets: grouped, in the order of their first rule.
    let mut groups: Vec<(&[String], Vec<usize>)> = Vec::new();
    for (i, rule) in pack.rules.iter().enumerate() {
        match groups
            .iter_mut()
            .find(|(kinds, _)| *kinds == rule.resource_kinds.as_slice())
        {
            Some((_, members)) => members.push(i),
            None => groups.push((rule.resource_kinds.as_slice(), vec![i])),
        }
    }
    // (group, batch of its targets).
    let jobs: Vec<(&[usize], &[&Resource])> = groups
        .iter()
        .flat_map(|(_, members)| {
            plans[members[0]]
                .1
                .chunks(batch)
                .map(move |c| (members.as_slice(), c))
        })
        .collect();
    let group_of: Vec<&[usize]> = jobs.iter().map(|&(g, _)| g).collect();
    let results = crate::parallel::map_ordered(jobs, threads, |(members, targets)| {
        let rules: Vec<_> = members
            .iter()
            .map(|&i| (&pack.rules[i], &plans[i].0))
            .collect();
        evaluate_group(&rules, targets)
    });
    // Each rule's batches, in the order of its targets.
    let mut batches: Vec<Vec<Batch>> = pack.rules.iter().map(|_| Vec::new()).collect();
    for (members, group_batches) in group_of.into_iter().zip(results) {
        for (&i, b) in members.iter().zip(group_batches) {
            batches[i].push(b);
        }
    }

    // At its final size: grown by doubling, the 266,850 findings of the 100 MB authorization
    // export had room for 524,288 while evidence was quoted, then the scan's peak (35 MB of
    // 673).
    let mut findings = Vec::with_capacity(batches.iter().flatten().map(|b| b.kept.len()).sum());
    let mut summary = Summary {
        resources: inv.resources.len(),
        ..Summary::default()
    };
    let mut coverage = Vec::new();
    // Each resource's reference, made at its first finding and shared by the others.
    let mut refs: HashMap<*const Resource, Arc<ResourceRef>> = HashMap::new();
    // Evidence to quote from the export: (finding, evidence) indices.
    let mut to_quote: Vec<(usize, usize)> = Vec::new();
    // Statements cited by evidence that is quoted: their own value is needed only where the
    // export gives none (see `quote_exports`).
    let mut unquoted = Vec::new();
    // Findings whose evidence values were deferred (see `evaluate_unquoted`): (finding, rule,
    // resource, evidence indices).
    let mut redo = Vec::new();
    // One copy of each note text, shared by the evidence that repeats it: most of a rule's
    // notes are the same on every resource.
    let mut notes: HashSet<NoteKey> = HashSet::new();
    for (i, (rule, (_, targets))) in pack.rules.iter().zip(&plans).enumerate() {
        // Shared by every finding of the rule.
        let meta = Arc::new(RuleRef {
            id: rule.id.clone(),
            name: rule.name.clone(),
            title: rule.title.clone(),
            service: rule.service.clone(),
            frameworks: rule.frameworks.clone(),
        });
        coverage.push(RuleCoverage {
            rule_id: rule.id.clone(),
            evaluated: !targets.is_empty(),
            resources: targets.len(),
            missing_export: if targets.is_empty() {
                rule.resource_kinds.iter().find_map(|k| export_for_kind(k))
            } else {
                None
            },
            missing_facts: Vec::new(),
        });
        if targets.is_empty() {
            continue;
        }
        summary.rules_evaluated += 1;
        let counts = summary.by_rule.entry(rule.id.clone()).or_default();
        let mut lacking: BTreeSet<String> = BTreeSet::new();
        let mut only_unknown = true;
        for batch in std::mem::take(&mut batches[i]) {
            counts.merge(&batch.counts);
            summary.outcomes.merge(&batch.counts);
            only_unknown &= batch.all_unknown;
            if only_unknown {
                lacking.extend(batch.lacking);
            }
            for (resource, mut eval, statements) in batch.kept {
                if !eval.deferred.is_empty() {
                    redo.push((
                        findings.len(),
                        i,
                        resource,
                        std::mem::take(&mut eval.deferred),
                    ));
                }
                for (k, e) in eval.evidence.iter().enumerate() {
                    if e.pointer != resource.source.pointer {
                        to_quote.push((findings.len(), k));
                    }
                }
                for (k, statement) in statements {
                    if eval.evidence[k].pointer != resource.source.pointer {
                        unquoted.push((findings.len(), k, statement));
                    } else {
                        eval.evidence[k].value = statement_value(&statement);
                    }
                }
                let mut evidence = eval.evidence;
                for e in &mut evidence {
                    share_note(&mut notes, &mut e.note);
                }
                findings.push(Finding {
                    rule: meta.clone(),
                    severity: rule.severity,
                    outcome: eval.outcome,
                    resource: refs
                        .entry(std::ptr::from_ref(resource))
                        .or_insert_with(|| Arc::new(ResourceRef::of(resource)))
                        .clone(),
                    message: eval.message,
                    evidence,
                    accepted: None,
                });
            }
        }
        if only_unknown {
            if let Some(c) = coverage.last_mut() {
                c.missing_facts = lacking.into_iter().collect();
            }
        }
    }
    quote_exports(inv, &mut findings, &to_quote);
    // Deferred values the export gave no quote for (a policy held as a string, say): made by
    // evaluating again, which only such findings need.
    for (f, i, resource, deferred) in redo {
        let evidence = &findings[f].evidence;
        if deferred.iter().all(|&k| evidence[k].value.is_some()) {
            continue;
        }
        let whole = crate::evaluate::evaluate(&pack.rules[i], resource, &plans[i].0);
        for k in deferred {
            let e = &mut findings[f].evidence[k];
            if e.value.is_none() {
                e.value = whole.evidence.get(k).and_then(|w| w.value.clone());
            }
        }
    }
    for (f, k, statement) in unquoted {
        let evidence = &mut findings[f].evidence[k];
        if evidence.value.is_none() {
            evidence.value = statement_value(&statement);
        }
    }
    summary.tally_findings(&findings);
    sort_findings(&mut findings);
    let mut report = Report {
        tool: Tool {
            name: "stratoscope".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            rules: pack.rules.len(),
        },
        inputs: inv.inputs.clone(),
        findings,
        summary,
        coverage,
        compliance: Vec::new(),
    };
    report.compliance = crate::frameworks::compliance(&report, pack);
    report
}

/// Evidence that points at a specific fragment (not the resource as a whole) quotes the export
/// verbatim, so the auditor sees exactly what the admin's file says. Encoded policy strings are
/// left in their decoded form, which is more useful than the percent-encoded original. A file's
/// fragments are resolved in one pass over its text, or over the entries they lie in where the
/// inventory knows where those are. Most fragments are cited several times (a statement by each
/// rule it breaks): each is resolved once and shared by the evidence citing it.
fn quote_exports(inv: &Inventory, findings: &mut [Finding], wanted: &[(usize, usize)]) {
    let mut by_file: BTreeMap<&str, Cited> = BTreeMap::new();
    for &(f, k) in wanted {
        let e = &findings[f].evidence[k];
        by_file
            .entry(&*e.file)
            .or_default()
            .cite(&e.pointer, (f, k));
    }
    let mut quotes: Vec<((usize, usize), Arc<Value>)> = Vec::new();
    let no_entries = crate::pointer::EntrySpans::default();
    for (file, cited) in by_file {
        let Some(text) = inv.documents.get(file) else {
            continue;
        };
        let fragments = inv.entries.get(file).unwrap_or(&no_entries).resolve_many(
            text,
            &cited.pointers,
            crate::parallel::threads(),
        );
        quotes.extend(
            cited
                .by
                .into_iter()
                .zip(fragments)
                .filter_map(|(by, v)| Some((by, v?)))
                .filter(|(_, v)| !v.is_string())
                .flat_map(|(by, v)| {
                    let v = Arc::new(v);
                    by.into_iter().map(move |fk| (fk, v.clone()))
                }),
        );
    }
    for ((f, k), v) in quotes {
        findings[f].evidence[k].value = Some(v);
    }
}

/// Makes `note` the copy of its text in `notes`, or puts it there.
fn share_note(notes: &mut HashSet<NoteKey>, note: &mut Arc<str>) {
    let key = NoteKey(note.clone());
    match notes.get(&key) {
        Some(shared) => *note = shared.0.clone(),
        None => {
            notes.insert(key);
        }
    }
}

/// A note as a key that hashes its length and its ends only: notes run to hundreds of bytes,
/// and hashing them whole was most of what sharing them cost. Keys still compare whole.
#[derive(PartialEq, Eq)]
struct NoteKey(Arc<str>);

impl std::hash::Hash for NoteKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let b = self.0.as_bytes();
        state.write_usize(b.len());
        state.write(&b[..b.len().min(16)]);
        state.write(&b[b.len().saturating_sub(16)..]);
    }
}

/// A file's distinct cited pointers, in the order first cited, and the evidence citing each.
#[derive(Default)]
struct Cited<'a> {
    pointers: Vec<&'a str>,
    by: Vec<Vec<(usize, usize)>>,
    index: HashMap<&'a str, usize>,
}

impl<'a> Cited<'a> {
    fn cite(&mut self, pointer: &'a str, evidence: (usize, usize)) {
        let next = self.pointers.len();
        let i = *self.index.entry(pointer).or_insert(next);
        if i == next {
            self.pointers.push(pointer);
            self.by.push(Vec::new());
        }
        self.by[i].push(evidence);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::evaluate;
    use serde_json::json;

    fn unpack(text: &PackedText) -> String {
        text.unpack()
            .expect("a text packed by the inventory unpacks")
    }

    /// Each finding's evidence as [`evaluate`] alone gives it, except where the export has a
    /// fragment (not a string) at its pointer: then the fragment.
    fn assert_quoted_or_evaluated(inv: &Inventory, pack: &RulePack) -> usize {
        let report = evaluate_inventory(inv, pack, &Options::default());
        let mut cited = 0;
        for f in &report.findings {
            let rule = pack.get(f.rule_id()).expect("rule");
            let resource = inv
                .resources
                .iter()
                .find(|r| r.id == f.resource.id && r.kind == f.resource.kind)
                .expect("resource");
            let plain = evaluate(rule, resource, &rule.parameters);
            assert_eq!(f.evidence.len(), plain.evidence.len());
            for (e, p) in f.evidence.iter().zip(&plain.evidence) {
                let quoted = inv
                    .documents
                    .get(&*e.file)
                    .filter(|_| e.pointer != resource.source.pointer)
                    .and_then(|text| {
                        crate::pointer::resolve_many(&unpack(text), &[&e.pointer]).remove(0)
                    })
                    .filter(|v| !v.is_string());
                assert_eq!(
                    e.value.as_deref(),
                    quoted.as_ref().or(p.value.as_deref()),
                    "{}",
                    e.pointer
                );
                cited += usize::from(e.path == "statements");
            }
        }
        cited
    }

    /// Every fixture export, in a fixed order.
    fn fixture_inputs() -> Vec<Input> {
        let mut inputs = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from("tests/fixtures/aws")];
        while let Some(dir) = dirs.pop() {
            let mut entries: Vec<_> = std::fs::read_dir(&dir)
                .expect("fixture dir")
                .map(|e| e.expect("entry").path())
                .collect();
            entries.sort();
            for path in entries {
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    let bytes = std::fs::read(&path).expect("fixture");
                    inputs.push(Input::new(path.display().to_string(), bytes));
                }
            }
        }
        inputs
    }

    /// Every fixture export at once, as one inventory.
    fn fixture_inventory() -> Inventory {
        build_inventory(&fixture_inputs())
    }

    /// Reading files on several threads changes nothing: names given to files of the same
    /// name, verdicts (bad files included) and their order, merged resources, quoted texts.
    #[test]
    fn the_inventory_is_the_same_whatever_order_the_files_are_read_in() {
        let mut inputs = fixture_inputs();
        for bad in ["not-json.txt", "truncated.json", "unknown-shape.json"] {
            let path = format!("tests/fixtures/bad/{bad}");
            inputs.insert(3, Input::new(bad, std::fs::read(path).expect("fixture")));
        }
        // The same export twice under one name: its resources merge, its name gets " (2)".
        let again = inputs[0].bytes.clone();
        inputs.push(Input::new(inputs[0].name.clone(), again));
        let alone = build(inputs.iter().map(Cow::Borrowed).collect(), 1);
        assert!(alone.inputs.iter().any(|v| v.status == InputStatus::Error));
        assert!(alone.inputs.iter().any(|v| v.name.ends_with(" (2)")));
        for threads in [2, 3, 8] {
            let spread = build(inputs.iter().cloned().map(Cow::Owned).collect(), threads);
            assert_eq!(spread.inputs, alone.inputs, "{threads}");
            assert_eq!(spread.documents, alone.documents, "{threads}");
            assert_eq!(spread.entries, alone.entries, "{threads}");
            assert!(spread.resources == alone.resources, "{threads}");
        }
    }

    /// Threads, and how the targets are cut into batches, change nothing in the report: not
    /// the findings' order, the counts, nor the facts a rule's coverage says were missing.
    #[test]
    fn the_report_is_the_same_on_any_number_of_threads() {
        let inv = fixture_inventory();
        let pack = crate::pack::builtin().expect("pack");
        let options = Options::default();
        let alone = evaluate_on(&inv, &pack, &options, 1, usize::MAX);
        assert!(alone.findings.len() > 100, "{}", alone.findings.len());
        assert!(alone.coverage.iter().any(|c| !c.missing_facts.is_empty()));
        for (threads, batch) in [(1, 1), (2, 1), (3, 2), (2, 7), (8, BATCH)] {
            let spread = evaluate_on(&inv, &pack, &options, threads, batch);
            assert!(spread == alone, "{threads} threads, batches of {batch}");
        }
    }

    /// Every pointer to a value of `v` (at `base`), and some that lead nowhere: past an
    /// array's end, an index with a leading zero, a missing key.
    fn every_pointer(v: &Value, base: &str, out: &mut Vec<String>) {
        out.push(base.to_string());
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    every_pointer(v, &crate::pointer::join(base, k), out);
                }
                out.push(format!("{base}/missing"));
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    every_pointer(v, &crate::pointer::join_index(base, i), out);
                }
                out.push(crate::pointer::join_index(base, items.len()));
                out.push(format!("{base}/00"));
                out.push(format!("{base}/"));
            }
            _ => out.push(format!("{base}/0")),
        }
    }

    /// Quoting from the entries' spans gives what the walk of the whole text gives, for every
    /// fragment of every export whose entries the inventory knows: authorization details on
    /// their own and inside bundles, and a list whose key is repeated, which reads as its last
    /// occurrence.
    #[test]
    fn quoting_from_entries_is_quoting_from_the_whole_text() {
        let role = |name: &str| {
            format!(
                r#"{{"RoleName": "{name}", "Arn": "arn:aws:iam::123456789012:role/{name}", "RolePolicyList": [{{"PolicyName": "p", "PolicyDocument": {{"Statement": [{{"Effect": "Allow", "Action": "*", "Resource": "*"}}]}}}}]}}"#
            )
        };
        let repeated = format!(
            r#"{{"RoleDetailList": [{}], "UserDetailList": [], "RoleDetailList": [{}, {}]}}"#,
            role("first"),
            role("second"),
            role("third")
        );
        let mut inputs = fixture_inputs();
        inputs.push(Input::new("repeated.json", repeated));
        let inv = build_inventory(&inputs);
        assert!(inv.entries.contains_key("repeated.json"));
        // Bundles read from text know where their outputs lie, and those with authorization
        // details where the IAM entries lie in them.
        let bundles = inv
            .entries
            .iter()
            .filter(|(name, entries)| name.contains("bundle") && entries.has_list("/outputs"))
            .count();
        assert!(bundles > 1, "{bundles} bundles with their outputs' spans");
        let mut compared = 0;
        for (name, entries) in &inv.entries {
            let packed = &inv.documents[name];
            let text = &unpack(packed);
            let tree: Value = serde_json::from_str(text).expect("json");
            let mut pointers = Vec::new();
            every_pointer(&tree, "", &mut pointers);
            let pointers: Vec<&str> = pointers.iter().map(String::as_str).collect();
            let whole = crate::pointer::resolve_many(text, &pointers);
            for threads in [1, 2] {
                let quoted = entries.resolve_many(packed, &pointers, threads);
                assert_eq!(quoted, whole, "{name}");
            }
            for (p, v) in pointers.iter().zip(&whole) {
                assert_eq!(v.as_ref(), tree.pointer(p), "{name} {p}");
            }
            compared += pointers.len();
        }
        assert!(compared > 1000, "{compared}");
        let text = &inv.documents["repeated.json"];
        let second = &inv.entries["repeated.json"].resolve_many(text, &["/RoleDetailList/0"], 1)[0];
        assert_eq!(
            second.as_ref().map(|r| &r["RoleName"]),
            Some(&json!("second"))
        );
    }

    /// Statements a function cites are serialised only when the export cannot be quoted.
    #[test]
    fn cited_statements_show_the_export_else_their_own_value() {
        let text = include_str!("../tests/fixtures/aws/authz-small.json");
        let pack = crate::pack::builtin().expect("pack");
        let mut inv = build_inventory(&[Input::new("authz.json", text)]);
        assert!(
            assert_quoted_or_evaluated(&inv, &pack) > 0,
            "no statement cited"
        );
        inv.documents.clear();
        assert!(assert_quoted_or_evaluated(&inv, &pack) > 0);
    }

    /// A fragment cited by several pieces of evidence is quoted once and shared by them all.
    #[test]
    fn evidence_citing_one_fragment_shares_its_value() {
        let pack = crate::pack::builtin().expect("pack");
        let inv = fixture_inventory();
        let report = evaluate_inventory(&inv, &pack, &Options::default());
        let mut first: HashMap<(&str, &str), &Arc<Value>> = HashMap::new();
        let mut shared = 0;
        for e in report.findings.iter().flat_map(|f| &f.evidence) {
            let Some(v) = &e.value else { continue };
            let seen = *first.entry((&e.file, &e.pointer)).or_insert(v);
            if std::ptr::eq(seen, v) {
                continue;
            }
            if Arc::ptr_eq(seen, v) {
                shared += 1;
            } else {
                // Not quoted (the resource as a whole, or no fragment there): a value of its own.
                let quoted = inv.documents.get(&*e.file).and_then(|text| {
                    crate::pointer::resolve_many(&unpack(text), &[&e.pointer]).remove(0)
                });
                let whole = inv.resources.iter().any(|r| r.source.pointer == e.pointer);
                assert!(
                    whole || quoted.is_none_or(|q| q.is_string()),
                    "{} {}",
                    e.file,
                    e.pointer
                );
            }
        }
        assert!(shared > 0, "no fragment cited twice");
    }

    /// The report holds one copy of each note text.
    #[test]
    fn evidence_repeating_a_note_shares_it() {
        let pack = crate::pack::builtin().expect("pack");
        let report = evaluate_inventory(&fixture_inventory(), &pack, &Options::default());
        let mut first: HashMap<&str, &Arc<str>> = HashMap::new();
        let mut repeated = 0;
        for e in report.findings.iter().flat_map(|f| &f.evidence) {
            let seen = *first.entry(&e.note).or_insert(&e.note);
            assert!(Arc::ptr_eq(seen, &e.note), "{}", e.note);
            repeated += usize::from(!std::ptr::eq(seen, &e.note));
        }
        assert!(repeated > 0, "no note repeated");
    }
}
