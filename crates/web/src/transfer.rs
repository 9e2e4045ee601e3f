//! How a report is cut up for the trip from the worker to the page and put back together there.
//!
//! The head is the report without its findings, as JSON. The findings follow in slices, each a
//! few milliseconds of parsing for the page, which takes a turn for the browser in between.
//!
//! A finding repeats its rule's metadata (id, name, title, service, frameworks) and its
//! resource's reference, shared `Arc`s in the worker. Written out per finding they were most of
//! the bytes, and the page parsed them back into separate copies, 257,000 of each for the 100 MB
//! bundle. So they cross once, in tables that each slice extends with the entries its own
//! findings are the first to use, and a finding is a row that refers to them by index; the page
//! shares one `Arc` per table entry again. A slice never refers to an entry a later slice
//! defines, so the page can build each slice's findings as soon as it has it.
//!
//! Evidence repeats its file name, attribute path and note (a rule's note is mostly the same on
//! every resource): those cross once too, in a table of texts, and the page clones them.
//!
//! A slice is a JSON object of arrays (`rules`, `resources`, `texts`, `findings`), each entry an
//! array in the order the reading side's tuples give.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use stratoscope::report::{AcceptedBy, Finding, ResourceRef};
use stratoscope::{Evidence, Outcome, Report, Severity};

/// Findings per slice: a few milliseconds of parsing each on the page.
pub const FINDINGS_PER_SLICE: usize = 250;

type Frameworks = BTreeMap<String, Vec<String>>;

/// One slice as the worker writes it, borrowing from the report.
#[derive(Serialize)]
struct SliceOut<'a> {
    rules: Vec<RuleRow<&'a str, &'a Frameworks>>,
    resources: Vec<ResourceRow<&'a str>>,
    texts: Vec<&'a str>,
    findings: Vec<FindingOut<'a>>,
}

type FindingOut<'a> = FindingRow<u32, &'a str, Vec<EvidenceOut<'a>>, Option<&'a AcceptedBy>>;
type EvidenceOut<'a> = EvidenceRow<u32, &'a str, Option<&'a Value>>;

/// One slice as the page reads it.
#[derive(Deserialize)]
struct SliceIn {
    rules: Vec<RuleRow<Arc<str>, Frameworks>>,
    resources: Vec<ResourceRow<String>>,
    texts: Vec<String>,
    findings: Vec<FindingIn>,
}

type FindingIn = FindingRow<usize, String, Vec<EvidenceIn>, Option<Box<AcceptedBy>>>;
type EvidenceIn = EvidenceRow<usize, String, Option<Value>>;

/// id, name, title, service, frameworks.
type RuleRow<Text, Map> = (Text, Text, Text, Text, Map);
/// id, kind, name, account, region.
type ResourceRow<Text> = (Text, Text, Text, Option<Text>, Option<Text>);
/// rule, resource (indices into the tables), severity, outcome, message, evidence, accepted.
type FindingRow<Index, Text, Evidence, Accepted> =
    (Index, Index, Severity, Outcome, Text, Evidence, Accepted);
/// file, pointer, path, value, note; file, path and note are indices into the texts.
type EvidenceRow<Index, Text, Value> = (Index, Text, Index, Value, Index);

/// Where a table entry's `Arc`s are in the worker: findings that share them share the entry.
/// An entry is keyed by the allocations, not the text, so the worker never hashes a frameworks
/// map; findings that carry equal but unshared metadata get an entry each, and come back so.
type RuleKey = [usize; 5];

fn address<T: ?Sized>(shared: &Arc<T>) -> usize {
    Arc::as_ptr(shared).cast::<u8>() as usize
}

/// The worker's half: which table entries the page has been sent so far.
#[derive(Default)]
struct Tables<'a> {
    rules: HashMap<RuleKey, u32>,
    resources: HashMap<usize, u32>,
    texts: HashMap<&'a str, u32>,
}

impl<'a> Tables<'a> {
    /// A slice of findings as rows, with the table entries they are the first to use.
    fn slice(&mut self, findings: &'a [Finding]) -> SliceOut<'a> {
        let mut out = SliceOut {
            rules: Vec::new(),
            resources: Vec::new(),
            texts: Vec::new(),
            findings: Vec::with_capacity(findings.len()),
        };
        for f in findings {
            let key = [
                address(&f.rule_id),
                address(&f.rule_name),
                address(&f.title),
                address(&f.service),
                address(&f.frameworks),
            ];
            let next = self.rules.len() as u32;
            let rule = *self.rules.entry(key).or_insert_with(|| {
                out.rules.push((
                    &f.rule_id,
                    &f.rule_name,
                    &f.title,
                    &f.service,
                    &f.frameworks,
                ));
                next
            });
            let next = self.resources.len() as u32;
            let resource = *self
                .resources
                .entry(address(&f.resource))
                .or_insert_with(|| {
                    let r = &*f.resource;
                    out.resources.push((
                        &r.id,
                        &r.kind,
                        &r.name,
                        r.account.as_deref(),
                        r.region.as_deref(),
                    ));
                    next
                });
            let evidence = f
                .evidence
                .iter()
                .map(|e| {
                    (
                        self.text(&e.file, &mut out.texts),
                        e.pointer.as_str(),
                        self.text(&e.path, &mut out.texts),
                        e.value.as_ref(),
                        self.text(&e.note, &mut out.texts),
                    )
                })
                .collect();
            out.findings.push((
                rule,
                resource,
                f.severity,
                f.outcome,
                &f.message,
                evidence,
                f.accepted.as_deref(),
            ));
        }
        out
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

/// The head (the report without its findings), then its findings in slices of `per_slice`,
/// each as JSON. The report is lent, not given: the worker keeps it for drift, and a copy of a
/// large report (250,000 findings for the 100 MB bundle) costs as much as writing it.
pub fn split(
    report: &mut Report,
    per_slice: usize,
) -> Result<(Vec<u8>, Vec<Vec<u8>>), serde_json::Error> {
    let findings = std::mem::take(&mut report.findings);
    let head = serde_json::to_vec(&*report);
    report.findings = findings;
    let mut tables = Tables::default();
    let slices = report
        .findings
        .chunks(per_slice.max(1))
        .map(|chunk| serde_json::to_vec(&tables.slice(chunk)))
        .collect::<Result<Vec<_>, _>>();
    Ok((head?, slices?))
}

/// A rule's metadata as the page shares it among the rule's findings.
struct Rule {
    id: Arc<str>,
    name: Arc<str>,
    title: Arc<str>,
    service: Arc<str>,
    frameworks: Arc<Frameworks>,
}

/// The page's half: the report so far and the tables the slices so far have sent.
pub struct Assembly {
    report: Report,
    rules: Vec<Rule>,
    resources: Vec<Arc<ResourceRef>>,
    texts: Vec<String>,
}

impl Assembly {
    /// Starts from [`split`]'s head; room is made for `findings` findings.
    pub fn new(head: &[u8], findings: usize) -> Result<Assembly, serde_json::Error> {
        let mut report: Report = serde_json::from_slice(head)?;
        report.findings.reserve(findings);
        Ok(Assembly {
            report,
            rules: Vec::new(),
            resources: Vec::new(),
            texts: Vec::new(),
        })
    }

    /// Appends the next slice of findings, in order.
    pub fn add_slice(&mut self, bytes: &[u8]) -> Result<(), serde_json::Error> {
        let slice: SliceIn = serde_json::from_slice(bytes)?;
        self.rules.extend(
            slice
                .rules
                .into_iter()
                .map(|(id, name, title, service, frameworks)| Rule {
                    id,
                    name,
                    title,
                    service,
                    frameworks: Arc::new(frameworks),
                }),
        );
        self.resources.extend(slice.resources.into_iter().map(
            |(id, kind, name, account, region)| {
                Arc::new(ResourceRef {
                    id,
                    kind,
                    name,
                    account,
                    region,
                })
            },
        ));
        self.texts.extend(slice.texts);
        let text = |i: usize| self.texts.get(i).cloned().ok_or_else(|| missing("text", i));
        for (rule, resource, severity, outcome, message, evidence, accepted) in slice.findings {
            let evidence = evidence
                .into_iter()
                .map(|(file, pointer, path, value, note)| {
                    Ok(Evidence {
                        file: text(file)?,
                        pointer,
                        path: text(path)?,
                        value,
                        note: text(note)?,
                    })
                })
                .collect::<Result<_, serde_json::Error>>()?;
            let rule = self.rules.get(rule).ok_or_else(|| missing("rule", rule))?;
            let resource = self
                .resources
                .get(resource)
                .ok_or_else(|| missing("resource", resource))?;
            self.report.findings.push(Finding {
                rule_id: rule.id.clone(),
                rule_name: rule.name.clone(),
                title: rule.title.clone(),
                severity,
                outcome,
                service: rule.service.clone(),
                resource: resource.clone(),
                message,
                evidence,
                frameworks: rule.frameworks.clone(),
                accepted,
            });
        }
        Ok(())
    }

    /// The report, once every slice is in.
    pub fn finish(self) -> Report {
        self.report
    }
}

/// A row that refers to a table entry no slice so far has sent: the message is malformed.
fn missing(table: &str, index: usize) -> serde_json::Error {
    serde::de::Error::custom(format!("a finding refers to {table} {index}, never sent"))
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
            Some(serde_json::json!(true)),
            Some(serde_json::json!(-12.5)),
            Some(serde_json::json!("<b>\"quoted\"</b>\n")),
            Some(serde_json::json!([1, "two", {"three": [3]}])),
            Some(serde_json::json!({"Effect": "Allow", "Action": ["s3:*"], "Condition": {}})),
        ];
        for copy in 0..3 {
            let mut renamed: HashMap<usize, Arc<ResourceRef>> = HashMap::new();
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
        let mut back = Assembly::new(&head, report.findings.len()).expect("head parses");
        for slice in &slices {
            back.add_slice(slice).expect("slice parses");
        }
        back.finish()
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
        let same_rule = |a: &Finding, b: &Finding| {
            Arc::ptr_eq(&a.rule_id, &b.rule_id)
                && Arc::ptr_eq(&a.rule_name, &b.rule_name)
                && Arc::ptr_eq(&a.title, &b.title)
                && Arc::ptr_eq(&a.service, &b.service)
                && Arc::ptr_eq(&a.frameworks, &b.frameworks)
        };
        let (mut rules, mut resources) = (0, 0);
        for (i, (a, b)) in report.findings.iter().zip(&back.findings).enumerate() {
            for (c, d) in report.findings[..i].iter().zip(&back.findings) {
                assert_eq!(same_rule(a, c), a.rule_id == c.rule_id, "the worker shares");
                assert_eq!(same_rule(b, d), b.rule_id == d.rule_id, "{}", b.rule_id);
                assert_eq!(
                    Arc::ptr_eq(&b.resource, &d.resource),
                    b.resource.id == d.resource.id,
                    "{}",
                    b.resource.id
                );
            }
            rules += usize::from(!report.findings[..i].iter().any(|c| c.rule_id == a.rule_id));
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

    #[test]
    fn a_report_without_findings_has_no_slices() {
        let load = load_builtin();
        let report = analyze_files(&[LoadedFile::new("x.json", b"{}".to_vec())], &load.pack);
        assert!(report.findings.is_empty());
        let (head, slices) = split(&mut report.clone(), 10).expect("splits");
        assert!(slices.is_empty());
        assert_eq!(Assembly::new(&head, 0).expect("parses").finish(), report);
    }

    /// A slice that is not what the worker writes is an error for the page to show.
    #[test]
    fn a_malformed_slice_is_refused() {
        let report = varied();
        let (head, slices) = split(&mut report.clone(), 5).expect("splits");
        let fresh = || Assembly::new(&head, 0).expect("head parses");
        // The second slice alone refers to entries only the first one sent.
        let later = slices
            .iter()
            .find(|s| !s.starts_with(br#"{"rules":[["#))
            .expect("a slice that defines no rule");
        let error = fresh().add_slice(later).expect_err("refers back");
        assert!(error.to_string().contains("never sent"), "{error}");
        for bad in [
            &b""[..],
            b"{",
            b"[]",
            br#"{"rules":[],"resources":[],"findings":[[0,0,"critical","fail","m",[],null]]}"#,
            br#"{"rules":[],"resources":[],"findings":[[-1]]}"#,
        ] {
            assert!(
                fresh().add_slice(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let unsent_text = br#"{"rules":[["r","n","t","s",{}]],"resources":[["i","k","n",null,null]],"texts":[],"findings":[[0,0,"critical","fail","m",[[0,"/p",0,null,0]],null]]}"#;
        let error = fresh().add_slice(unsent_text).expect_err("no texts");
        assert!(error.to_string().contains("text 0, never sent"), "{error}");
        // A finding as the previous transfer wrote it.
        let old = serde_json::to_vec(&report.findings[..1]).expect("writes");
        assert!(fresh().add_slice(&old).is_err());
        assert!(Assembly::new(b"not json", 0).is_err());
    }
}
