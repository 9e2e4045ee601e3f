//! The app's state and its only way to change: one reducer over plain data.
//!
//! Everything here is ordinary Rust with no browser types, so every transition is unit-tested
//! natively. Components dispatch [`Action`]s; asynchronous work (reading files, running the
//! engine) happens outside and reports back with an action that carries a token, so a result
//! that arrives after the user cleared or added more files is recognised as stale and dropped.

use crate::analysis::Timing;
use crate::view::{FindingKey, SeverityFilter};
use std::rc::Rc;
use stratoscope::Report;
use yew::Reducible;

/// One file the user loaded. Files accumulate: every analysis runs over all of them, because
/// facts about one account may be spread over several exports (policies in one, roles in
/// another).
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedFile {
    pub name: String,
    /// Shared so that handing the list to an analysis run copies pointers, not exports.
    pub bytes: Rc<[u8]>,
}

impl LoadedFile {
    pub fn new(name: impl Into<String>, bytes: impl Into<Rc<[u8]>>) -> LoadedFile {
        LoadedFile {
            name: name.into(),
            bytes: bytes.into(),
        }
    }
}

/// A file the browser could not read at all (it never reached the engine), for example a
/// dropped directory. Shown beside the engine's verdicts so no dropped file goes unmentioned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadFailure {
    pub name: String,
    pub message: String,
}

/// A value compared by identity rather than content, so props holding a large report compare
/// in constant time.
#[derive(Debug)]
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Rc::clone(&self.0))
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Shared<T> {
    pub fn new(value: T) -> Shared<T> {
        Shared(Rc::new(value))
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppState {
    pub files: Vec<LoadedFile>,
    pub unreadable: Vec<ReadFailure>,
    /// The latest finished analysis of `files`, if any.
    pub report: Option<Shared<Report>>,
    /// How long the latest analysis took, measured by the page (the engine has no clock).
    pub timing: Option<Timing>,
    /// Bumped by Clear. A file read started before a Clear carries the old epoch and is dropped.
    pub epoch: u64,
    /// Batches of files currently being read by the browser.
    pub reading: usize,
    /// Generation of the analysis the current `files` need.
    pub requested: u64,
    /// Generation of the analysis `report` came from. Differs from `requested` while busy.
    pub analysed: u64,
    pub severity: SeverityFilter,
    pub query: String,
    /// Identified by rule and resource rather than by row index, so the selection survives a
    /// re-analysis that inserts findings above it.
    pub selected: Option<FindingKey>,
}

impl AppState {
    /// True while files are being read or analysed; the page shows a busy indicator.
    pub fn busy(&self) -> bool {
        self.reading > 0 || self.requested != self.analysed
    }

    /// True when an analysis for `requested` should be started (files changed, none finished).
    pub fn needs_analysis(&self) -> bool {
        self.requested != self.analysed
    }

    /// True when there is anything the Clear button would remove.
    pub fn has_content(&self) -> bool {
        !self.files.is_empty() || !self.unreadable.is_empty() || self.report.is_some()
    }
}

#[derive(Debug, Clone)]
pub enum Action {
    /// The browser started reading a batch of files.
    ReadStarted,
    /// A batch finished reading. `epoch` is the state's epoch when the read started.
    FilesRead {
        epoch: u64,
        files: Vec<LoadedFile>,
        failures: Vec<ReadFailure>,
    },
    /// An analysis run finished; accepted only if `generation` is still the one requested.
    AnalysisDone {
        generation: u64,
        report: Shared<Report>,
        timing: Timing,
    },
    Clear,
    SetSeverity(SeverityFilter),
    SetQuery(String),
    Select(FindingKey),
    CloseDetail,
}

/// The state transition function. Pure: same state and action, same result.
pub fn reduce(state: &AppState, action: Action) -> AppState {
    let mut next = state.clone();
    match action {
        Action::ReadStarted => next.reading += 1,
        Action::FilesRead {
            epoch,
            files,
            failures,
        } => {
            if epoch != state.epoch {
                return next;
            }
            next.reading = next.reading.saturating_sub(1);
            next.unreadable.extend(failures);
            let mut added = false;
            for file in files {
                // Dropping the same export twice (or pressing "Load demo" twice) would only
                // duplicate verdicts; the engine already skips duplicate resources.
                let duplicate = next
                    .files
                    .iter()
                    .any(|f| f.name == file.name && f.bytes == file.bytes);
                if !duplicate {
                    next.files.push(file);
                    added = true;
                }
            }
            if added {
                next.requested += 1;
            }
        }
        Action::AnalysisDone {
            generation,
            report,
            timing,
        } => {
            if generation != state.requested {
                return next;
            }
            next.analysed = generation;
            if let Some(key) = &next.selected {
                if !report.findings.iter().any(|f| key.matches(f)) {
                    next.selected = None;
                }
            }
            next.report = Some(report);
            next.timing = Some(timing);
        }
        Action::Clear => {
            next = AppState {
                epoch: state.epoch + 1,
                // A new generation that is already "done": a run still in flight for the old
                // files reports an older generation and is ignored.
                requested: state.requested + 1,
                analysed: state.requested + 1,
                severity: state.severity,
                query: state.query.clone(),
                ..AppState::default()
            };
        }
        Action::SetSeverity(filter) => next.severity = filter,
        Action::SetQuery(query) => next.query = query,
        Action::Select(key) => next.selected = Some(key),
        Action::CloseDetail => next.selected = None,
    }
    next
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(reduce(&self, action))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stratoscope::{analyze, Input, Options, RulePack, Severity};

    fn file(name: &str, text: &str) -> LoadedFile {
        LoadedFile::new(name, text.as_bytes().to_vec())
    }

    fn empty_report() -> Shared<Report> {
        Shared::new(analyze(
            &[Input::new("x.json", b"{}".to_vec())],
            &RulePack::default(),
            &Options::default(),
        ))
    }

    fn read(state: &AppState, files: Vec<LoadedFile>) -> AppState {
        let started = reduce(state, Action::ReadStarted);
        reduce(
            &started,
            Action::FilesRead {
                epoch: state.epoch,
                files,
                failures: Vec::new(),
            },
        )
    }

    #[test]
    fn reading_then_analysing_is_busy_until_the_matching_result_arrives() {
        let s0 = AppState::default();
        assert!(!s0.busy());
        let s1 = reduce(&s0, Action::ReadStarted);
        assert!(s1.busy());
        let s2 = reduce(
            &s1,
            Action::FilesRead {
                epoch: 0,
                files: vec![file("a.json", "{}")],
                failures: Vec::new(),
            },
        );
        assert!(s2.busy());
        assert!(s2.needs_analysis());
        assert_eq!(s2.requested, 1);
        let s3 = reduce(
            &s2,
            Action::AnalysisDone {
                generation: 1,
                report: empty_report(),
                timing: Timing::default(),
            },
        );
        assert!(!s3.busy());
        assert!(s3.report.is_some());
    }

    #[test]
    fn files_accumulate_and_exact_duplicates_are_skipped() {
        let s1 = read(&AppState::default(), vec![file("a.json", "{}")]);
        let s2 = read(&s1, vec![file("b.json", "[]"), file("a.json", "{}")]);
        assert_eq!(
            s2.files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            vec!["a.json", "b.json"]
        );
        assert_eq!(s2.requested, 2);
        // Same name, different content: a different export, kept.
        let s3 = read(&s2, vec![file("a.json", "{\"x\":1}")]);
        assert_eq!(s3.files.len(), 3);
        // Nothing new: no new analysis is requested.
        let s4 = read(&s3, vec![file("b.json", "[]")]);
        assert_eq!(s4.requested, s3.requested);
        assert_eq!(s4.reading, 0);
    }

    #[test]
    fn stale_analysis_results_are_ignored() {
        let s1 = read(&AppState::default(), vec![file("a.json", "{}")]);
        let s2 = read(&s1, vec![file("b.json", "{}")]);
        let stale = reduce(
            &s2,
            Action::AnalysisDone {
                generation: 1,
                report: empty_report(),
                timing: Timing::default(),
            },
        );
        assert!(stale.report.is_none());
        assert!(stale.busy());
    }

    #[test]
    fn clear_resets_files_and_drops_work_in_flight_but_keeps_filters() {
        let s1 = read(&AppState::default(), vec![file("a.json", "{}")]);
        let s1 = reduce(
            &s1,
            Action::SetSeverity(SeverityFilter::AtLeast(Severity::High)),
        );
        let s1 = reduce(&s1, Action::ReadStarted);
        let cleared = reduce(&s1, Action::Clear);
        assert!(cleared.files.is_empty());
        assert!(!cleared.busy());
        assert!(!cleared.has_content());
        assert_eq!(cleared.severity, SeverityFilter::AtLeast(Severity::High));
        // The run for the old files finishes late: ignored.
        let late = reduce(
            &cleared,
            Action::AnalysisDone {
                generation: s1.requested,
                report: empty_report(),
                timing: Timing::default(),
            },
        );
        assert!(late.report.is_none());
        // The read that started before Clear finishes late: ignored.
        let late = reduce(
            &cleared,
            Action::FilesRead {
                epoch: s1.epoch,
                files: vec![file("b.json", "{}")],
                failures: Vec::new(),
            },
        );
        assert!(late.files.is_empty());
    }

    #[test]
    fn read_failures_are_kept_without_requesting_analysis() {
        let s0 = reduce(&AppState::default(), Action::ReadStarted);
        let s1 = reduce(
            &s0,
            Action::FilesRead {
                epoch: 0,
                files: Vec::new(),
                failures: vec![ReadFailure {
                    name: "dir".into(),
                    message: "not a file".into(),
                }],
            },
        );
        assert_eq!(s1.unreadable.len(), 1);
        assert!(!s1.busy());
        assert!(s1.has_content());
    }

    #[test]
    fn selection_survives_reanalysis_only_while_the_finding_exists() {
        let key = FindingKey {
            rule_id: "R1".into(),
            resource_id: "arn:x".into(),
        };
        let s1 = read(&AppState::default(), vec![file("a.json", "{}")]);
        let s1 = reduce(&s1, Action::Select(key.clone()));
        assert_eq!(s1.selected.as_ref(), Some(&key));
        let s2 = reduce(
            &s1,
            Action::AnalysisDone {
                generation: 1,
                report: empty_report(),
                timing: Timing::default(),
            },
        );
        assert!(s2.selected.is_none());
        let s3 = reduce(&s1, Action::CloseDetail);
        assert!(s3.selected.is_none());
    }
}
