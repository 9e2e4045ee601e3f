//! The app's state and its only way to change: one reducer over plain data.
//!
//! Everything here is ordinary Rust with no browser types, so every transition is unit-tested
//! natively. Components dispatch [`Action`]s; asynchronous work (reading files, running the
//! engine) happens outside and reports back with an action that carries a token, so a result
//! that arrives after the user cleared or added more files is recognised as stale and dropped.

use crate::analysis::{Stage, Timing};
use crate::view::{FindingKey, SeverityFilter};
use std::rc::Rc;
use stratoscope::Report;
use yew::Reducible;

/// One file the user loaded. Files accumulate: every analysis runs over all of them, because
/// facts about one account may be spread over several exports (policies in one, roles in
/// another).
#[derive(Debug, Clone)]
pub struct LoadedFile {
    pub name: String,
    /// Shared so that handing the list to an analysis run copies pointers, not exports.
    pub bytes: Rc<[u8]>,
}

/// Same name and same content. The state (and so the app's context) is compared on every
/// change, and `Rc<[u8]>` alone compares contents even when both sides are the same bytes:
/// that was a full comparison of every loaded export (tens of ms for a 10 MB one) on every
/// keystroke. Identical pointers now answer at once.
impl PartialEq for LoadedFile {
    fn eq(&self, other: &LoadedFile) -> bool {
        self.name == other.name
            && (Rc::ptr_eq(&self.bytes, &other.bytes) || self.bytes == other.bytes)
    }
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

#[derive(Debug, Clone, PartialEq)]
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
    /// The stage the running analysis last reported, for the busy indicator.
    pub progress: Option<Stage>,
    /// Why the latest analysis did not finish, when it did not (the worker running it stopped).
    /// No report is shown then: none would describe the files that are loaded.
    pub failure: Option<String>,
    pub severity: SeverityFilter,
    pub query: String,
    /// Findings rows the table should show once filled: [`ROW_PAGE`] per page asked for.
    /// Back to one page when the report or the filters change.
    pub row_target: usize,
    /// Findings rows rendered now; grows by [`ROW_STEP`] towards `row_target`.
    pub row_limit: usize,
    /// Identified by rule and resource rather than by row index, so the selection survives a
    /// re-analysis that inserts findings above it.
    pub selected: Option<FindingKey>,
}

impl Default for AppState {
    fn default() -> AppState {
        AppState {
            files: Vec::new(),
            unreadable: Vec::new(),
            report: None,
            timing: None,
            epoch: 0,
            reading: 0,
            requested: 0,
            analysed: 0,
            progress: None,
            failure: None,
            severity: SeverityFilter::default(),
            query: String::new(),
            row_target: ROW_PAGE,
            row_limit: ROW_STEP,
            selected: None,
        }
    }
}

/// Findings rows rendered per step. A large export has thousands of findings; rendering them
/// all at once froze the page for seconds. The table grows a step at a time, each its own task,
/// so the page stays responsive while it fills.
pub const ROW_STEP: usize = 100;

/// Findings rows the table fills to by itself; "Show more" adds as many again. Past this the
/// severity filter and search are the better tools, and a smaller page stays quick to filter.
pub const ROW_PAGE: usize = 500;

impl AppState {
    /// Whether the table is still growing towards its target, given how many rows match the
    /// filters. The page shows it as busy, and renders the next step after this one.
    pub fn filling(&self, matching: usize) -> bool {
        self.row_limit < matching.min(self.row_target)
    }

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
        !self.files.is_empty()
            || !self.unreadable.is_empty()
            || self.report.is_some()
            || self.failure.is_some()
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
    /// The analysis run for `generation` started a stage; ignored once it is stale or done.
    Progress {
        generation: u64,
        stage: Stage,
    },
    /// An analysis run finished; accepted only if `generation` is still the one requested.
    AnalysisDone {
        generation: u64,
        report: Shared<Report>,
        timing: Timing,
    },
    /// An analysis run could not finish (its worker crashed); accepted only if current.
    AnalysisFailed {
        generation: u64,
        message: String,
    },
    Clear,
    SetSeverity(SeverityFilter),
    SetQuery(String),
    Select(FindingKey),
    CloseDetail,
    /// Fill the table to another page of findings rows.
    ShowMoreRows,
    /// Render the next step of rows; ignored unless `from` is still the number rendered (a
    /// filter change in between started the table afresh).
    GrowRows {
        from: usize,
    },
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
                next.progress = None;
            }
        }
        Action::Progress { generation, stage } => {
            if generation == state.requested && state.needs_analysis() {
                next.progress = Some(stage);
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
            next.row_target = ROW_PAGE;
            next.row_limit = ROW_STEP;
            next.progress = None;
            next.failure = None;
        }
        Action::AnalysisFailed {
            generation,
            message,
        } => {
            if generation != state.requested {
                return next;
            }
            next.analysed = generation;
            next.report = None;
            next.timing = None;
            next.selected = None;
            next.progress = None;
            next.failure = Some(message);
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
        Action::SetSeverity(filter) => {
            next.severity = filter;
            next.row_target = ROW_PAGE;
            next.row_limit = ROW_STEP;
        }
        Action::SetQuery(query) => {
            next.query = query;
            next.row_target = ROW_PAGE;
            next.row_limit = ROW_STEP;
        }
        Action::ShowMoreRows => next.row_target = state.row_target.saturating_add(ROW_PAGE),
        Action::GrowRows { from } => {
            if from == state.row_limit {
                next.row_limit = state
                    .row_limit
                    .saturating_add(ROW_STEP)
                    .min(state.row_target);
            }
        }
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
    fn loaded_files_compare_by_name_and_content() {
        let a = file("a.json", "{}");
        assert_eq!(a, a.clone());
        assert_eq!(a, file("a.json", "{}"));
        assert_ne!(a, file("b.json", "{}"));
        assert_ne!(a, file("a.json", "[]"));
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
    fn progress_is_shown_only_for_the_run_in_flight() {
        let s1 = read(&AppState::default(), vec![file("a.json", "{}")]);
        let stage = Stage::Normalising { files: 1 };
        let s2 = reduce(
            &s1,
            Action::Progress {
                generation: 1,
                stage,
            },
        );
        assert_eq!(s2.progress, Some(stage));
        // A stage from an older run is dropped.
        let s3 = read(&s2, vec![file("b.json", "{}")]);
        assert_eq!(s3.progress, None);
        let stale = reduce(
            &s3,
            Action::Progress {
                generation: 1,
                stage: Stage::Evaluating { rules: 3 },
            },
        );
        assert_eq!(stale.progress, None);
        // Done clears it, and a late stage after that is dropped too.
        let done = reduce(
            &s3,
            Action::AnalysisDone {
                generation: 2,
                report: empty_report(),
                timing: Timing::default(),
            },
        );
        assert_eq!(done.progress, None);
        let late = reduce(
            &done,
            Action::Progress {
                generation: 2,
                stage: Stage::Evaluating { rules: 3 },
            },
        );
        assert_eq!(late.progress, None);
    }

    #[test]
    fn a_failed_run_ends_the_busy_state_with_its_message_and_no_report() {
        let s1 = read(&AppState::default(), vec![file("a.json", "{}")]);
        let s1 = reduce(
            &s1,
            Action::AnalysisDone {
                generation: 1,
                report: empty_report(),
                timing: Timing::default(),
            },
        );
        let s2 = read(&s1, vec![file("b.json", "{}")]);
        // A failure of an older run is stale.
        let stale = reduce(
            &s2,
            Action::AnalysisFailed {
                generation: 1,
                message: "x".into(),
            },
        );
        assert!(stale.busy());
        assert!(stale.failure.is_none());
        let failed = reduce(
            &s2,
            Action::AnalysisFailed {
                generation: 2,
                message: "the worker stopped".into(),
            },
        );
        assert!(!failed.busy());
        assert!(failed.report.is_none());
        assert_eq!(failed.failure.as_deref(), Some("the worker stopped"));
        // The next successful run clears it; so does Clear.
        let s3 = read(&failed, vec![file("c.json", "{}")]);
        let ok = reduce(
            &s3,
            Action::AnalysisDone {
                generation: 3,
                report: empty_report(),
                timing: Timing::default(),
            },
        );
        assert!(ok.failure.is_none());
        assert!(reduce(&failed, Action::Clear).failure.is_none());
    }

    #[test]
    fn the_table_fills_a_step_at_a_time_to_a_page_then_on_request() {
        let grow = |s: &AppState| reduce(s, Action::GrowRows { from: s.row_limit });
        let mut s = AppState::default();
        assert_eq!((s.row_limit, s.row_target), (ROW_STEP, ROW_PAGE));
        // Few matching rows: nothing to fill.
        assert!(!s.filling(ROW_STEP));
        // Many: steps up to a page, then stops.
        let mut steps = 0;
        while s.filling(10_000) {
            s = grow(&s);
            steps += 1;
        }
        assert_eq!(s.row_limit, ROW_PAGE);
        assert_eq!(steps, ROW_PAGE / ROW_STEP - 1);
        assert_eq!(grow(&s).row_limit, ROW_PAGE, "never past the target");
        // Show more: another page, again a step at a time.
        let more = reduce(&s, Action::ShowMoreRows);
        assert!(more.filling(10_000));
        assert_eq!(grow(&more).row_limit, ROW_PAGE + ROW_STEP);
        // A step asked for before a filter change is stale.
        let searched = reduce(&more, Action::SetQuery("admin".into()));
        assert_eq!(
            (searched.row_limit, searched.row_target),
            (ROW_STEP, ROW_PAGE)
        );
        let stale = reduce(
            &searched,
            Action::GrowRows {
                from: more.row_limit,
            },
        );
        assert_eq!(stale.row_limit, ROW_STEP);
        let filtered = reduce(&more, Action::SetSeverity(SeverityFilter::All));
        assert_eq!(
            (filtered.row_limit, filtered.row_target),
            (ROW_STEP, ROW_PAGE)
        );
        let cleared = reduce(&more, Action::Clear);
        assert_eq!(
            (cleared.row_limit, cleared.row_target),
            (ROW_STEP, ROW_PAGE)
        );
        // A new report starts the table afresh.
        let s2 = read(&more, vec![file("a.json", "{}")]);
        let done = reduce(
            &s2,
            Action::AnalysisDone {
                generation: s2.requested,
                report: empty_report(),
                timing: Timing::default(),
            },
        );
        assert_eq!((done.row_limit, done.row_target), (ROW_STEP, ROW_PAGE));
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
