//! How a report is cut up for the trip from the worker to the page and put back together there.
//!
//! The findings go in slices, each a few milliseconds of reading for the page, which takes a
//! turn for the browser in between; the worker sends them as it writes them, so the page reads
//! the first while the worker writes the rest. The head, the report without its findings as
//! JSON, comes last, with the worker's `done`.
//!
//! A finding refers to its rule's metadata (id, name, title, service, frameworks) and its
//! resource's reference, shared `Arc`s in the worker. Written out per finding they were most of
//! the bytes, and the page parsed them back into separate copies, 257,000 of each for the 100 MB
//! bundle. So they cross once, in tables that each slice extends with the entries its own
//! findings are the first to use, and a finding is a row that refers to them by index; the page
//! shares one `Arc` per table entry again. A slice never refers to an entry a later slice
//! defines, so the page can build each slice's findings as soon as it has it.
//!
//! Evidence repeats its file name, attribute path and note (a rule's note is mostly the same on
//! every resource): those cross once too, in a table of texts; the page copies files and paths
//! and shares one `Arc` per note, as the worker does. An evidence value is shared by every
//! evidence citing the same fragment (see [`stratoscope::Evidence::value`]): it crosses once, in
//! a table of values keyed by its `Arc`, and the page shares it again.
//!
//! A slice is in [`crate::compact`] form: the count and entries of each table in turn (rules,
//! resources, texts, values), then the count of findings and their rows, in the order
//! [`Assembly::add_slice`] reads them. It was JSON, and parsing JSON (the evidence values
//! above all) was most of the page's time taking a large report in.

use crate::compact::{Malformed, Reader, Writer};
use foldhash::HashMap;
use std::collections::BTreeMap;
use std::sync::Arc;
use stratoscope::report::{AcceptedBy, Finding, ResourceRef, RuleRef};
use stratoscope::{Evidence, Outcome, Report, Severity};

/// Findings per slice: a few milliseconds of reading each on the page.
pub const FINDINGS_PER_SLICE: usize = 250;

/// Slices per message while the worker writes them: the page reads each message's slices
/// while the worker writes the next ones, so the page is never long without work and a
/// 100 MB bundle's 1,030 slices cross in 129 messages, not a thousand.
pub const SLICES_PER_MESSAGE: usize = 8;

/// Where a table entry's `Arc` is in the worker: findings that share it share the entry. An
/// entry is keyed by the allocation, not the text, so the worker never hashes a frameworks map;
/// findings that carry equal but unshared metadata get an entry each, and come back so.
type RuleKey = usize;

fn address<T: ?Sized>(shared: &Arc<T>) -> usize {
    Arc::as_ptr(shared).cast::<u8>() as usize
}

/// The worker's half: which table entries the page has been sent so far.
#[derive(Default)]
struct Tables<'a> {
    rules: HashMap<RuleKey, u32>,
    resources: HashMap<usize, u32>,
    texts: HashMap<&'a str, u32>,
    /// Text indices of notes by the address of the note: most findings share their rule's
    /// note, and hashing the sentence for each was a tenth of the split.
    notes: HashMap<usize, u32>,
    values: HashMap<usize, u32>,
    /// The last file and path given an index: evidence runs in files, and often in paths, so
    /// one comparison usually spares hashing the text.
    last_file: Option<(&'a str, u32)>,
    last_path: Option<(&'a str, u32)>,
    /// The size of the slice written last. The next is about as large, so its buffer is made
    /// that size at once rather than doubled up to it: that was 950 reallocations, a sixth of
    /// cutting the 10 MB bundle's findings up.
    last_len: usize,
}

/// Which of [`Tables`]' last texts.
#[derive(Clone, Copy)]
enum Recent {
    File,
    Path,
}

/// A finding's row: its rule, resource and evidence texts as indices into the tables.
struct Row<'a> {
    finding: &'a Finding,
    rule: u32,
    resource: u32,
    /// file, path, note of each piece of evidence, and its value: 0 for none, else 1 + its
    /// index in the table of values.
    texts: Vec<[u32; 4]>,
}

impl<'a> Tables<'a> {
    /// A slice of findings: the table entries they are the first to use (rules, resources,
    /// texts), then a row per finding.
    fn slice(&mut self, findings: &'a [Finding]) -> Vec<u8> {
        let mut rules = Vec::new();
        let mut resources = Vec::new();
        let mut texts = Vec::new();
        let mut values = Vec::new();
        let rows: Vec<Row<'a>> = findings
            .iter()
            .map(|f| {
                let key = address(&f.rule);
                let next = self.rules.len() as u32;
                let rule = *self.rules.entry(key).or_insert_with(|| {
                    rules.push(f);
                    next
                });
                let next = self.resources.len() as u32;
                let resource = *self
                    .resources
                    .entry(address(&f.resource))
                    .or_insert_with(|| {
                        resources.push(&*f.resource);
                        next
                    });
                let texts = f
                    .evidence
                    .iter()
                    .map(|e| {
                        [
                            self.recent_text(&e.file, &mut texts, Recent::File),
                            self.recent_text(&e.path, &mut texts, Recent::Path),
                            self.note(&e.note, &mut texts),
                            e.value.as_ref().map_or(0, |v| {
                                let next = self.values.len() as u32;
                                1 + *self.values.entry(address(v)).or_insert_with(|| {
                                    values.push(&**v);
                                    next
                                })
                            }),
                        ]
                    })
                    .collect();
                Row {
                    finding: f,
                    rule,
                    resource,
                    texts,
                }
            })
            .collect();

        let mut w = Writer {
            bytes: Vec::with_capacity(self.last_len),
        };
        w.count(rules.len());
        for f in rules {
            for text in [f.rule_id(), f.rule_name(), f.title(), f.service()] {
                w.str(text);
            }
            w.count(f.frameworks().len());
            for (framework, controls) in f.frameworks().iter() {
                w.str(framework);
                w.count(controls.len());
                controls.iter().for_each(|c| w.str(c));
            }
        }
        w.count(resources.len());
        for r in resources {
            w.str(&r.id);
            w.str(&r.kind);
            w.str(&r.name);
            w.opt_str(r.account.as_deref());
            w.opt_str(r.region.as_deref());
        }
        w.count(texts.len());
        texts.iter().for_each(|t| w.str(t));
        w.count(values.len());
        values.into_iter().for_each(|v| w.value(v));
        w.count(rows.len());
        for row in rows {
            let f = row.finding;
            w.uint(row.rule.into());
            w.uint(row.resource.into());
            w.byte(position(&Severity::ALL, &f.severity));
            w.byte(position(&Outcome::ALL, &f.outcome));
            w.str(&f.message);
            w.count(f.evidence.len());
            for (e, [file, path, note, value]) in f.evidence.iter().zip(row.texts) {
                w.uint(file.into());
                w.str(&e.pointer);
                w.uint(path.into());
                w.uint(value.into());
                w.uint(note.into());
            }
            match f.accepted.as_deref() {
                None => w.byte(0),
                Some(a) => {
                    w.byte(1);
                    w.str(&a.acceptance_id);
                    w.str(&a.reason);
                    w.opt_str(a.owner.as_deref());
                    w.opt_str(a.expires.as_deref());
                }
            }
        }
        self.last_len = w.bytes.len();
        w.bytes
    }

    /// As [`Tables::text`], compared with the last text of its kind first.
    fn recent_text(&mut self, text: &'a str, sent: &mut Vec<&'a str>, kind: Recent) -> u32 {
        let last = match kind {
            Recent::File => self.last_file,
            Recent::Path => self.last_path,
        };
        if let Some((_, i)) = last.filter(|(t, _)| *t == text) {
            return i;
        }
        let i = self.text(text, sent);
        match kind {
            Recent::File => self.last_file = Some((text, i)),
            Recent::Path => self.last_path = Some((text, i)),
        }
        i
    }

    /// As [`Tables::text`], for a note, found by its address first.
    fn note(&mut self, note: &'a Arc<str>, sent: &mut Vec<&'a str>) -> u32 {
        if let Some(&i) = self.notes.get(&address(note)) {
            return i;
        }
        let i = self.text(note, sent);
        self.notes.insert(address(note), i);
        i
    }

    /// The index of a text, added to this slice's `sent` if no slice has sent it yet.
    fn text(&mut self, text: &'a str, sent: &mut Vec<&'a str>) -> u32 {
        let next = self.texts.len() as u32;
        *self.texts.entry(text).or_insert_with(|| {
            sent.push(text);
            next
        })
    }
}

/// Where `item` is in `all` (a severity or an outcome among every one there is), as a byte.
fn position<T: PartialEq>(all: &[T], item: &T) -> u8 {
    all.iter().position(|x| x == item).unwrap_or(0) as u8
}

/// The head (the report without its findings) as JSON, then its findings in slices of
/// `per_slice`, each in [`crate::compact`] form. The report is lent, not given: the worker
/// keeps it for drift, and a copy of a large report (250,000 findings for the 100 MB bundle)
/// costs as much as writing it.
pub fn split(
    report: &mut Report,
    per_slice: usize,
) -> Result<(Vec<u8>, Vec<Vec<u8>>), serde_json::Error> {
    let mut slices = Vec::new();
    let head = split_each(report, per_slice, |slice| slices.push(slice))?;
    Ok((head, slices))
}

/// As [`split`], handing each slice to `each` as soon as it is written instead of collecting
/// them: the worker copies a slice out of its memory and drops it before writing the next, so
/// the 73 MB of slices of the 100 MB bundle's 250,000 findings are never all in wasm memory
/// beside the report and the inventory. Returns the head; on an error nothing is handed out.
pub fn split_each(
    report: &mut Report,
    per_slice: usize,
    mut each: impl FnMut(Vec<u8>),
) -> Result<Vec<u8>, serde_json::Error> {
    let findings = std::mem::take(&mut report.findings);
    let head = serde_json::to_vec(&*report);
    report.findings = findings;
    let head = head?;
    let mut tables = Tables::default();
    for chunk in report.findings.chunks(per_slice.max(1)) {
        each(tables.slice(chunk));
    }
    Ok(head)
}

/// The page's half: the findings so far and the tables the slices so far have sent. The head
/// comes last, with the worker's `done`: slices can be read as they arrive, while the worker
/// is still writing the later ones.
pub struct Assembly {
    findings: Vec<Finding>,
    /// A rule's metadata, shared among the rule's findings as in the worker.
    rules: Vec<Arc<RuleRef>>,
    resources: Vec<Arc<ResourceRef>>,
    texts: Vec<Arc<str>>,
    values: Vec<Arc<serde_json::Value>>,
}

impl Assembly {
    /// Room is made for `findings` findings.
    pub fn new(findings: usize) -> Assembly {
        Assembly {
            findings: Vec::with_capacity(findings),
            rules: Vec::new(),
            resources: Vec::new(),
            texts: Vec::new(),
            values: Vec::new(),
        }
    }

    /// Appends the next slice of findings, in order.
    pub fn add_slice(&mut self, bytes: &[u8]) -> Result<(), Malformed> {
        let mut r = Reader::new(bytes);
        for _ in 0..r.count()? {
            let [id, name, title, service] = [r.string()?, r.string()?, r.string()?, r.string()?];
            let mut frameworks = BTreeMap::new();
            for _ in 0..r.count()? {
                let framework = r.string()?;
                let controls = (0..r.count()?)
                    .map(|_| r.string())
                    .collect::<Result<_, _>>()?;
                frameworks.insert(framework, controls);
            }
            self.rules.push(Arc::new(RuleRef {
                id,
                name,
                title,
                service,
                frameworks,
            }));
        }
        for _ in 0..r.count()? {
            self.resources.push(Arc::new(ResourceRef {
                id: r.string()?,
                kind: r.string()?,
                name: r.string()?,
                account: r.opt_string()?,
                region: r.opt_string()?,
            }));
        }
        for _ in 0..r.count()? {
            self.texts.push(r.string()?.into());
        }
        for _ in 0..r.count()? {
            self.values.push(Arc::new(r.value()?));
        }
        for _ in 0..r.count()? {
            let rule = r.index()?;
            let rule = self.rules.get(rule).ok_or_else(|| missing("rule", rule))?;
            let resource = r.index()?;
            let resource = self
                .resources
                .get(resource)
                .ok_or_else(|| missing("resource", resource))?;
            let severity = *Severity::ALL
                .get(usize::from(r.byte()?))
                .ok_or_else(|| r.error("unknown severity"))?;
            let outcome = *Outcome::ALL
                .get(usize::from(r.byte()?))
                .ok_or_else(|| r.error("unknown outcome"))?;
            let message = r.string()?;
            let texts = &self.texts;
            let text = |i: usize| texts.get(i).cloned().ok_or_else(|| missing("text", i));
            let evidence = (0..r.count()?)
                .map(|_| {
                    let file = text(r.index()?)?;
                    let pointer = r.string()?;
                    let path = String::from(&*text(r.index()?)?);
                    let value = match r.index()? {
                        0 => None,
                        i => Some(
                            self.values
                                .get(i - 1)
                                .cloned()
                                .ok_or_else(|| missing("value", i - 1))?,
                        ),
                    };
                    Ok(Evidence {
                        file,
                        pointer,
                        path,
                        value,
                        note: text(r.index()?)?,
                    })
                })
                .collect::<Result<_, Malformed>>()?;
            let accepted = match r.byte()? {
                0 => None,
                1 => Some(Box::new(AcceptedBy {
                    acceptance_id: r.string()?,
                    reason: r.string()?,
                    owner: r.opt_string()?,
                    expires: r.opt_string()?,
                })),
                _ => return Err(r.error("unknown acceptance mark")),
            };
            self.findings.push(Finding {
                rule: rule.clone(),
                severity,
                outcome,
                resource: resource.clone(),
                message,
                evidence,
                accepted,
            });
        }
        r.finish()
    }

    /// The report: [`split`]'s head with the findings of every slice, once all are in.
    pub fn finish(self, head: &[u8]) -> Result<Report, Malformed> {
        let mut report: Report =
            serde_json::from_slice(head).map_err(|e| Malformed(e.to_string()))?;
        report.findings = self.findings;
        Ok(report)
    }
}

/// A row that refers to a table entry no slice so far has sent: the message is malformed.
fn missing(table: &str, index: usize) -> Malformed {
    Malformed(format!("a finding refers to {table} {index}, never sent"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{analyze_files, load_builtin, DEMO_BYTES, DEMO_NAME};
    use crate::state::LoadedFile;

    fn demo() -> Report {
        let load = load_builtin();
        analyze_files(
            &[
                LoadedFile::new("broken.json", b"{\"Policies\": [".to_vec()),
                LoadedFile::new(DEMO_NAME, DEMO_BYTES.to_vec()),
            ],
            &load.pack,
        )
    }

    /// The demo's findings three times over, each copy on resources of its own, with some
    /// accepted and the evidence values every JSON kind: many rules, many resources, and
    /// rows of every shape.
    fn varied() -> Report {
        let mut report = demo();
        let base = std::mem::take(&mut report.findings);
        let values = [
            None,
            // Not the same as None: the JSON transfer read it back as None.
            Some(serde_json::Value::Null),
            Some(serde_json::json!(true)),
            Some(serde_json::json!(-12.5)),
            Some(serde_json::json!("<b>\"quoted\"</b>\n")),
            Some(serde_json::json!([1, "two", {"three": [3]}])),
            Some(serde_json::json!({"Effect": "Allow", "Action": ["s3:*"], "Condition": {}})),
        ]
        .map(|v| v.map(Arc::new));
        for copy in 0..3 {
            let mut renamed: HashMap<usize, Arc<ResourceRef>> = HashMap::default();
            for (i, f) in base.iter().enumerate() {
                let mut f = f.clone();
                f.resource = renamed
                    .entry(address(&f.resource))
                    .or_insert_with(|| {
                        let mut r = (*f.resource).clone();
                        r.id = format!("{}-{copy}", r.id);
                        r.account = (copy != 1).then(|| "123456789012".to_string());
                        Arc::new(r)
                    })
                    .clone();
                if let Some(e) = f.evidence.first_mut() {
                    e.value = values[i % values.len()].clone();
                }
                if i % 4 == copy {
                    f.accepted = Some(Box::new(AcceptedBy {
                        acceptance_id: format!("ACC-{i}"),
                        reason: "Break-glass account, reviewed quarterly".into(),
                        owner: (i % 2 == 0).then(|| "secops@example.com".into()),
                        expires: (i % 3 == 0).then(|| "2027-01-31".into()),
                    }));
                }
                report.findings.push(f);
            }
        }
        report
    }

    fn round_trip(report: &Report, per_slice: usize) -> Report {
        let mut lent = report.clone();
        let (head, slices) = split(&mut lent, per_slice).expect("splits");
        assert_eq!(&lent, report, "the lent report keeps its findings");
        assert_eq!(slices.len(), report.findings.len().div_ceil(per_slice));
        let mut back = Assembly::new(report.findings.len());
        for slice in &slices {
            back.add_slice(slice).expect("slice parses");
        }
        back.finish(&head).expect("head parses")
    }

    /// The report is put back together on the page exactly as the worker produced it,
    /// whatever the slice size.
    #[test]
    fn a_report_split_into_slices_is_put_back_identically() {
        let report = varied();
        let n = report.findings.len();
        assert!(n > 30, "{n} findings");
        assert!(report.findings.iter().any(|f| f.accepted.is_some()));
        for per_slice in (1..=n + 1).chain([10_000]) {
            assert!(
                round_trip(&report, per_slice) == report,
                "{per_slice} per slice"
            );
        }
        // What `==` compares is what the exports write.
        assert_eq!(round_trip(&report, 7).to_json(), report.to_json());
    }

    /// The page shares one `Arc` per rule and per resource, as the worker does.
    #[test]
    fn findings_share_their_rule_and_resource_again() {
        let report = varied();
        let back = round_trip(&report, 7);
        let same_rule = |a: &Finding, b: &Finding| Arc::ptr_eq(&a.rule, &b.rule);
        let (mut rules, mut resources) = (0, 0);
        for (i, (a, b)) in report.findings.iter().zip(&back.findings).enumerate() {
            for (c, d) in report.findings[..i].iter().zip(&back.findings) {
                assert_eq!(
                    same_rule(a, c),
                    a.rule_id() == c.rule_id(),
                    "the worker shares"
                );
                assert_eq!(
                    same_rule(b, d),
                    b.rule_id() == d.rule_id(),
                    "{}",
                    b.rule_id()
                );
                assert_eq!(
                    Arc::ptr_eq(&b.resource, &d.resource),
                    b.resource.id == d.resource.id,
                    "{}",
                    b.resource.id
                );
            }
            rules += usize::from(
                !report.findings[..i]
                    .iter()
                    .any(|c| c.rule_id() == a.rule_id()),
            );
            resources += usize::from(
                !report.findings[..i]
                    .iter()
                    .any(|c| c.resource.id == a.resource.id),
            );
        }
        assert!(
            rules > 3 && resources > 3,
            "{rules} rules, {resources} resources"
        );
    }

    /// The page shares an evidence value where the worker does, and only there.
    #[test]
    fn evidence_shares_its_values_again() {
        let report = varied();
        let back = round_trip(&report, 7);
        let values = |r: &Report| -> Vec<Option<usize>> {
            r.findings
                .iter()
                .flat_map(|f| f.evidence.iter().map(|e| e.value.as_ref().map(address)))
                .collect()
        };
        let (sent, read) = (values(&report), values(&back));
        let mut shared = 0;
        for i in 0..sent.len() {
            for j in 0..i {
                let same = sent[i].is_some() && sent[i] == sent[j];
                assert_eq!(same, read[i].is_some() && read[i] == read[j], "{i} {j}");
                shared += usize::from(same);
            }
        }
        assert!(shared > 0, "no value shared");
    }

    /// The page shares one `Arc` per note text, as the worker does.
    #[test]
    fn evidence_shares_its_notes_again() {
        let back = round_trip(&varied(), 7);
        let notes: Vec<&Arc<str>> = back
            .findings
            .iter()
            .flat_map(|f| f.evidence.iter().map(|e| &e.note))
            .collect();
        let texts: std::collections::HashSet<&str> = notes.iter().map(|n| &***n).collect();
        let copies: std::collections::HashSet<*const u8> =
            notes.iter().map(|n| n.as_ptr()).collect();
        assert_eq!(copies.len(), texts.len());
        assert!(notes.len() > texts.len(), "no note repeated");
    }

    #[test]
    fn a_report_without_findings_has_no_slices() {
        let load = load_builtin();
        let report = analyze_files(&[LoadedFile::new("x.json", b"{}".to_vec())], &load.pack);
        assert!(report.findings.is_empty());
        let (head, slices) = split(&mut report.clone(), 10).expect("splits");
        assert!(slices.is_empty());
        assert_eq!(Assembly::new(0).finish(&head).expect("parses"), report);
    }

    /// A slice that is not what the worker writes is an error for the page to show, never a
    /// panic: cut short anywhere, with a byte changed anywhere, or referring to entries that
    /// only another slice sent.
    #[test]
    fn a_malformed_slice_is_refused() {
        let report = varied();
        let (head, slices) = split(&mut report.clone(), 5).expect("splits");
        let fresh = || Assembly::new(0);
        // A slice that defines no rule (its first byte, the count of rules, is 0) refers to
        // entries only an earlier slice sent.
        let later = slices
            .iter()
            .find(|s| s.first() == Some(&0))
            .expect("a slice that defines no rule");
        let error = fresh().add_slice(later).expect_err("refers back");
        assert!(error.to_string().contains("never sent"), "{error}");
        let first = &slices[0];
        for end in 0..first.len() {
            assert!(fresh().add_slice(&first[..end]).is_err(), "cut at {end}");
        }
        let mut longer = first.clone();
        longer.push(0);
        assert!(fresh().add_slice(&longer).is_err(), "trailing bytes");
        for i in 0..first.len() {
            for flip in [0x01, 0x40, 0x80, 0xff] {
                let mut changed = first.clone();
                changed[i] ^= flip;
                let _ = fresh().add_slice(&changed);
            }
        }
        // One rule, one resource, `texts`, no values, and a finding whose evidence names text 0
        // and has `value`.
        let slice = |texts: &[&str], value: u64| {
            let mut w = Writer::default();
            w.count(1);
            ["r", "n", "t", "s"].into_iter().for_each(|t| w.str(t));
            w.count(0);
            w.count(1);
            ["i", "k", "n"].into_iter().for_each(|t| w.str(t));
            w.opt_str(None);
            w.opt_str(None);
            w.count(texts.len());
            texts.iter().for_each(|t| w.str(t));
            w.count(0);
            w.count(1);
            w.uint(0);
            w.uint(0);
            w.byte(0);
            w.byte(0);
            w.str("m");
            w.count(1);
            w.uint(0);
            w.str("/p");
            w.uint(0);
            w.uint(value);
            w.uint(0);
            w.byte(0);
            w.bytes
        };
        assert!(fresh().add_slice(&slice(&["x"], 0)).is_ok());
        let error = fresh().add_slice(&slice(&[], 0)).expect_err("no texts");
        assert!(error.to_string().contains("text 0, never sent"), "{error}");
        let error = fresh().add_slice(&slice(&["x"], 1)).expect_err("no values");
        assert!(error.to_string().contains("value 0, never sent"), "{error}");
        // A slice as the previous transfer wrote it (JSON).
        let old = serde_json::to_vec(&report.findings[..1]).expect("writes");
        assert!(fresh().add_slice(&old).is_err());
        assert!(fresh().add_slice(b"").is_err());
        assert!(fresh().finish(b"not json").is_err());
        assert!(fresh().finish(&head).is_ok());
    }

    /// The sizes of a real input's transfer, for the performance notes:
    /// `STRATOSCOPE_TRANSFER_INPUT=FILE cargo test -p stratoscope-web --release --lib
    /// transfer_sizes -- --ignored --nocapture`.
    #[test]
    #[ignore = "reads a file named by STRATOSCOPE_TRANSFER_INPUT"]
    fn transfer_sizes() {
        let Ok(path) = std::env::var("STRATOSCOPE_TRANSFER_INPUT") else {
            println!("STRATOSCOPE_TRANSFER_INPUT is not set: nothing to measure");
            return;
        };
        let bytes = std::fs::read(&path).expect("readable");
        let load = load_builtin();
        let report = analyze_files(&[LoadedFile::new(path, bytes)], &load.pack);
        let mut lent = report.clone();
        let (head, slices) = split(&mut lent, FINDINGS_PER_SLICE).expect("splits");
        let total: usize = slices.iter().map(Vec::len).sum();
        println!(
            "{} findings: head {} bytes, {} slices, {total} bytes",
            report.findings.len(),
            head.len(),
            slices.len()
        );
        let mut back = Assembly::new(report.findings.len());
        for slice in &slices {
            back.add_slice(slice).expect("slice parses");
        }
        assert!(back.finish(&head).expect("head parses") == report);
    }

    /// Every severity and outcome crosses as itself.
    #[test]
    fn every_severity_and_outcome_crosses() {
        let mut report = varied();
        let base = report.findings[0].clone();
        report.findings = Severity::ALL
            .iter()
            .flat_map(|&severity| {
                let base = &base;
                Outcome::ALL.iter().map(move |&outcome| Finding {
                    severity,
                    outcome,
                    ..base.clone()
                })
            })
            .collect();
        assert!(round_trip(&report, 3) == report);
    }
}
