//! The app's state and its only way to change: one reducer over plain data.
//!
//! Everything here is ordinary Rust with no browser types, so every transition is unit-tested
//! natively. Components dispatch [`Action`]s; asynchronous work (reading files, running the
//! engine) happens outside and reports back with an action that carries a token, so a result
//! that arrives after the user cleared or added more files is recognised as stale and dropped.

use crate::analysis::{Stage, Timing};
use crate::findings::{Dim, Grouping, SortKey};
use crate::inventory::{ResDim, ResourceDetail, ResourceEntry};
use crate::route::{Route, View};
use crate::view::{FindingKey, SeverityFilter};
use std::collections::BTreeSet;
use std::rc::Rc;
use stratoscope::accept::{self, Acceptance, ApplyOutcome};
use stratoscope::Report;
use yew::Reducible;

/// One file the user loaded. Files accumulate: every analysis runs over all of them, because
/// facts about one account may be spread over several exports (policies in one, roles in
/// another).
#[derive(Debug, Clone)]
pub struct LoadedFile {
    pub name: String,
    pub content: Content,
}

/// What the page holds of a loaded file.
#[derive(Debug, Clone)]
pub enum Content {
    /// The bytes themselves: a built-in scenario, a baseline export set. Shared so that handing
    /// the list to an analysis run copies pointers, not exports. A `Vec` behind the `Rc`
    /// because `Rc<[u8]>` from the bytes the browser read is a second copy of the whole export
    /// (136 ms on the page for 100 MB).
    Bytes(Rc<Vec<u8>>),
    /// A file from disk, which this page does not read: the worker reads it itself. Reading it
    /// here as well took 480 ms of a 100 MB bundle's analysis and held a copy of it in the
    /// page's memory throughout. Read here only when the page analyses without a worker.
    Disk {
        blob: web_sys::Blob,
        /// Size in bytes and last-modified time (ms since the epoch), as the browser gives
        /// them: the same file dropped twice has both alike.
        size: f64,
        modified: f64,
    },
}

impl Content {
    /// The bytes, when the page holds them.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Content::Bytes(b) => Some(b),
            Content::Disk { .. } => None,
        }
    }
}

/// Same name and same content. The state (and so the app's context) is compared on every
/// change, and the bytes alone compare contents even when both sides are the same bytes:
/// that was a full comparison of every loaded export (tens of ms for a 10 MB one) on every
/// keystroke. Identical pointers now answer at once. A file from disk, which the page has not
/// read, is the same file when its size and last-modified time are.
impl PartialEq for LoadedFile {
    fn eq(&self, other: &LoadedFile) -> bool {
        self.name == other.name
            && match (&self.content, &other.content) {
                (Content::Bytes(a), Content::Bytes(b)) => Rc::ptr_eq(a, b) || a == b,
                (
                    Content::Disk { size, modified, .. },
                    Content::Disk {
                        size: other_size,
                        modified: other_modified,
                        ..
                    },
                ) => size == other_size && modified == other_modified,
                _ => false,
            }
    }
}

impl LoadedFile {
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> LoadedFile {
        LoadedFile {
            name: name.into(),
            content: Content::Bytes(Rc::new(bytes)),
        }
    }

    /// A file from disk, not read (see [`Content::Disk`]).
    pub fn from_disk(file: &web_sys::File) -> LoadedFile {
        LoadedFile {
            name: file.name(),
            content: Content::Disk {
                blob: file.clone().into(),
                size: file.size(),
                modified: file.last_modified(),
            },
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

/// The latest answer to a question sent to the worker about the analysed inventory.
pub type Fetched<T> = Result<Shared<T>, String>;

/// What the auditor records, as opposed to what was loaded: it outlives Clear and scenario
/// changes, and persists in the browser (see [`crate::accepted`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Records {
    /// The local date acceptances expire against, `YYYY-MM-DD` (the engine has no clock).
    pub today: String,
    pub acceptances: Vec<Acceptance>,
    /// Why the stored acceptances could not be read, if they could not.
    pub load_error: Option<String>,
    /// Rule parameter overrides from the settings, applied to every analysis.
    pub parameters: Rc<crate::analysis::Parameters>,
    /// Why the stored settings could not be read, if they could not.
    pub settings_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppState {
    pub files: Vec<LoadedFile>,
    pub unreadable: Vec<ReadFailure>,
    /// The latest finished analysis of `files` as the engine made it.
    pub raw: Option<Shared<Report>>,
    /// `raw` with the acceptances applied: what every view shows and every export holds.
    pub report: Option<Shared<Report>>,
    /// What applying the acceptances to `raw` did (which expired, which matched nothing).
    pub accept_outcome: ApplyOutcome,
    pub records: Records,
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
    /// View, filters, sort, grouping, search and selections: everything the address restores.
    /// The selected finding is identified by rule and resource rather than by row index, so it
    /// survives a re-analysis that inserts findings above it.
    pub route: Route,
    /// Groups the auditor folded (rule or resource ids); cleared when the grouping changes.
    pub collapsed: BTreeSet<String>,
    /// The analysed inventory's resource list, once the worker has sent it.
    pub resources: Option<Fetched<Vec<ResourceEntry>>>,
    /// The selected resource's attributes, by id, once the worker has sent them.
    pub resource_detail: Option<(String, Fetched<ResourceDetail>)>,
    /// An earlier export set to compare the analysis with (the Drift view).
    pub baseline: Vec<LoadedFile>,
    /// The comparison of `baseline` with the current analysis, once the worker has made it.
    pub drift: Option<Fetched<stratoscope::drift::DriftReport>>,
    /// The chosen principal's permissions (Access view), by id, once the worker has sent them.
    pub principal_access: Option<(String, Fetched<crate::access::PrincipalAccess>)>,
    /// Who can act on the chosen resource (Access view), by ARN.
    pub resource_access: Option<(String, Fetched<crate::access::ResourceAccess>)>,
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
    /// A built-in scenario replaces whatever was loaded (`id` empty for the default one, as
    /// `#demo` names it).
    LoadScenario {
        id: String,
        files: Vec<LoadedFile>,
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
    /// Replaces the whole route: the address on start, or an overview chart's bar.
    Navigate(Box<Route>),
    SetView(View),
    SetSeverity(SeverityFilter),
    SetFilter(Dim, Option<String>),
    ClearFilters,
    SetQuery(String),
    SetSort(SortKey),
    SetGroup(Grouping),
    ToggleGroup(String),
    /// Opens a finding's detail (in the Findings view).
    Select(FindingKey),
    CloseDetail,
    /// The worker's answer to "which resources are there", for the analysis `generation`.
    ResourcesLoaded {
        generation: u64,
        list: Fetched<Vec<ResourceEntry>>,
    },
    /// The worker's answer to "what are this resource's attributes".
    ResourceLoaded {
        generation: u64,
        id: String,
        detail: Fetched<ResourceDetail>,
    },
    SelectResource(Option<String>),
    SetResourceFilter(ResDim, Option<String>),
    SetResourceQuery(String),
    /// Records a new accepted risk.
    AddAcceptance(Acceptance),
    /// Deletes the accepted risk with this id.
    RemoveAcceptance(String),
    /// Replaces the list (an import, merged by [`crate::accepted::merge`]).
    SetAcceptances(Vec<Acceptance>),
    /// New rule parameter overrides; the loaded files are analysed again with them.
    SetParameters(crate::analysis::Parameters),
    /// Loads a baseline export set (replacing any earlier one) for the Drift view.
    SetBaseline(Vec<LoadedFile>),
    /// The worker's answer to "what can this principal do".
    PrincipalLoaded {
        generation: u64,
        id: String,
        access: Fetched<crate::access::PrincipalAccess>,
    },
    /// The worker's answer to "who can act on this resource".
    WhoLoaded {
        generation: u64,
        arn: String,
        access: Fetched<crate::access::ResourceAccess>,
    },
    /// Chooses the Access view's principal (`None` clears it).
    SelectPrincipal(Option<String>),
    /// Chooses the Access view's resource ARN.
    SelectArn(Option<String>),
    /// The worker's comparison of the baseline with the analysis `generation`.
    DriftLoaded {
        generation: u64,
        drift: Fetched<stratoscope::drift::DriftReport>,
    },
}

/// Recomputes the shown report from the engine's and the acceptances. Without acceptances the
/// engine's report is shown as is (no copy).
fn apply_acceptances(next: &mut AppState) {
    let Some(raw) = &next.raw else {
        next.report = None;
        next.accept_outcome = ApplyOutcome::default();
        return;
    };
    if next.records.acceptances.is_empty() {
        next.report = Some(raw.clone());
        next.accept_outcome = ApplyOutcome::default();
        return;
    }
    let mut report = (**raw).clone();
    next.accept_outcome =
        accept::apply(&mut report, &next.records.acceptances, &next.records.today);
    next.report = Some(Shared::new(report));
}

/// [`Action::Navigate`] to `route` (boxed: a route is far larger than any other action).
pub fn navigate(route: Route) -> Action {
    Action::Navigate(Box::new(route))
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
                // Dropping the same export twice would only duplicate verdicts; the engine
                // already skips duplicate resources.
                if !next.files.contains(&file) {
                    next.files.push(file);
                    added = true;
                }
            }
            if added {
                next.requested += 1;
                next.progress = None;
                // The address can no longer bring these files back by naming a scenario.
                next.route.scenario = None;
            }
        }
        Action::LoadScenario { id, files } => {
            if state.route.scenario.as_deref() == Some(id.as_str()) && state.files == files {
                return next;
            }
            next = AppState {
                epoch: state.epoch + 1,
                requested: state.requested + 1,
                analysed: state.analysed,
                files,
                route: Route {
                    scenario: Some(id),
                    ..state.route.clone()
                },
                records: state.records.clone(),
                ..AppState::default()
            };
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
            if let Some(key) = &next.route.selected {
                if !report.findings.iter().any(|f| key.matches(f)) {
                    next.route.selected = None;
                }
            }
            next.raw = Some(report);
            apply_acceptances(&mut next);
            next.drift = None;
            next.principal_access = None;
            next.resource_access = None;
            next.timing = Some(timing);
            next.progress = None;
            next.failure = None;
            next.resources = None;
            next.resource_detail = None;
        }
        Action::AnalysisFailed {
            generation,
            message,
        } => {
            if generation != state.requested {
                return next;
            }
            next.analysed = generation;
            next.raw = None;
            next.report = None;
            next.accept_outcome = ApplyOutcome::default();
            next.timing = None;
            next.route.selected = None;
            next.progress = None;
            next.failure = Some(message);
            next.resources = None;
            next.resource_detail = None;
        }
        Action::Clear => {
            next = AppState {
                epoch: state.epoch + 1,
                // A new generation that is already "done": a run still in flight for the old
                // files reports an older generation and is ignored.
                requested: state.requested + 1,
                analysed: state.requested + 1,
                route: Route {
                    scenario: None,
                    selected: None,
                    resource: None,
                    ..state.route.clone()
                },
                records: state.records.clone(),
                ..AppState::default()
            };
        }
        Action::Navigate(route) => {
            if route.group != state.route.group {
                next.collapsed.clear();
            }
            next.route = *route;
        }
        Action::SetView(view) => next.route.view = view,
        Action::SetSeverity(filter) => next.route.filters.severity = filter,
        Action::SetFilter(dim, value) => next.route.filters.set(dim, value),
        Action::ClearFilters => {
            next.route.filters = Default::default();
            next.route.query.clear();
        }
        Action::SetQuery(query) => next.route.query = query,
        Action::SetSort(sort) => next.route.sort = sort,
        Action::SetGroup(group) => {
            next.route.group = group;
            next.collapsed.clear();
        }
        Action::ToggleGroup(key) => {
            if !next.collapsed.remove(&key) {
                next.collapsed.insert(key);
            }
        }
        Action::Select(key) => {
            next.route.selected = Some(key);
            next.route.view = View::Findings;
        }
        Action::CloseDetail => next.route.selected = None,
        Action::ResourcesLoaded { generation, list } => {
            if generation == state.analysed && state.report.is_some() {
                next.resources = Some(list);
            }
        }
        Action::ResourceLoaded {
            generation,
            id,
            detail,
        } => {
            if generation == state.analysed && state.route.resource.as_ref() == Some(&id) {
                next.resource_detail = Some((id, detail));
            }
        }
        Action::SelectResource(id) => {
            if next.resource_detail.as_ref().map(|(d, _)| d) != id.as_ref() {
                next.resource_detail = None;
            }
            next.route.resource = id;
        }
        Action::SetResourceFilter(dim, value) => dim.set(&mut next.route.resource_filters, value),
        Action::SetResourceQuery(query) => next.route.resource_filters.query = query,
        Action::AddAcceptance(a) => {
            next.records.acceptances.push(a);
            apply_acceptances(&mut next);
        }
        Action::RemoveAcceptance(id) => {
            next.records.acceptances.retain(|a| a.id != id);
            apply_acceptances(&mut next);
        }
        Action::PrincipalLoaded {
            generation,
            id,
            access,
        } => {
            if generation == state.analysed && state.route.principal.as_ref() == Some(&id) {
                next.principal_access = Some((id, access));
            }
        }
        Action::WhoLoaded {
            generation,
            arn,
            access,
        } => {
            if generation == state.analysed && state.route.arn.as_ref() == Some(&arn) {
                next.resource_access = Some((arn, access));
            }
        }
        Action::SelectPrincipal(id) => next.route.principal = id.filter(|s| !s.is_empty()),
        Action::SelectArn(arn) => {
            next.route.arn = arn.map(|a| a.trim().to_string()).filter(|s| !s.is_empty())
        }
        Action::SetParameters(parameters) => {
            next.records.parameters = Rc::new(parameters);
            next.records.settings_error = None;
            if !next.files.is_empty() {
                next.requested += 1;
                next.progress = None;
            }
        }
        Action::SetBaseline(files) => {
            next.baseline = files;
            next.drift = None;
        }
        Action::DriftLoaded { generation, drift } => {
            if generation == state.analysed && state.report.is_some() && !state.baseline.is_empty()
            {
                next.drift = Some(drift);
            }
        }
        Action::SetAcceptances(list) => {
            next.records.acceptances = list;
            next.records.load_error = None;
            apply_acceptances(&mut next);
        }
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
        assert_eq!(
            cleared.route.filters.severity,
            SeverityFilter::AtLeast(Severity::High)
        );
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

    fn done(state: &AppState, report: Shared<Report>) -> AppState {
        reduce(
            state,
            Action::AnalysisDone {
                generation: state.requested,
                report,
                timing: Timing::default(),
            },
        )
    }

    #[test]
    fn a_scenario_replaces_the_files_and_is_named_in_the_route() {
        let s1 = done(
            &read(&AppState::default(), vec![file("a.json", "{}")]),
            empty_report(),
        );
        let s1 = reduce(&s1, Action::SetQuery("admin".into()));
        let s2 = reduce(
            &s1,
            Action::LoadScenario {
                id: "open-trust".into(),
                files: vec![file("b.json", "[]")],
            },
        );
        assert_eq!(s2.files, vec![file("b.json", "[]")]);
        assert!(s2.report.is_none());
        assert!(s2.needs_analysis());
        assert_eq!(s2.epoch, s1.epoch + 1, "reads in flight are dropped");
        assert_eq!(s2.route.scenario.as_deref(), Some("open-trust"));
        assert_eq!(s2.route.query, "admin", "the rest of the route is kept");
        // The same scenario again: nothing to do.
        let again = reduce(
            &s2,
            Action::LoadScenario {
                id: "open-trust".into(),
                files: vec![file("b.json", "[]")],
            },
        );
        assert_eq!(again, s2);
        // The auditor's own file on top: the address no longer names a scenario.
        let mixed = read(&s2, vec![file("c.json", "{}")]);
        assert_eq!(mixed.route.scenario, None);
        assert_eq!(reduce(&s2, Action::Clear).route.scenario, None);
    }

    #[test]
    fn filters_sort_group_and_view_change_the_route() {
        let mut s = AppState::default();
        for action in [
            Action::SetView(View::Overview),
            Action::SetFilter(Dim::Service, Some("iam".into())),
            Action::SetSeverity(SeverityFilter::Only(Severity::High)),
            Action::SetQuery("deploy".into()),
            Action::SetSort(SortKey::Account),
            Action::SetGroup(Grouping::Rule),
            Action::ToggleGroup("R1".into()),
        ] {
            s = reduce(&s, action);
        }
        assert_eq!(s.route.view, View::Overview);
        assert_eq!(s.route.filters.get(Dim::Service).as_deref(), Some("iam"));
        assert_eq!(
            s.route.encode(),
            "view=overview&sev=high-only&svc=iam&q=deploy&sort=account&group=rule"
        );
        assert!(s.collapsed.contains("R1"));
        let unfolded = reduce(&s, Action::ToggleGroup("R1".into()));
        assert!(unfolded.collapsed.is_empty());
        let regrouped = reduce(&s, Action::SetGroup(Grouping::Resource));
        assert!(regrouped.collapsed.is_empty());
        let cleared = reduce(&s, Action::ClearFilters);
        assert!(cleared.route.filters.is_empty());
        assert!(cleared.route.query.is_empty());
        assert_eq!(
            cleared.route.sort,
            SortKey::Account,
            "sorting is not a filter"
        );
        // Selecting a finding opens the Findings view.
        let key = FindingKey {
            rule_id: "R1".into(),
            resource_id: "x".into(),
        };
        let selected = reduce(&s, Action::Select(key.clone()));
        assert_eq!(selected.route.view, View::Findings);
        assert_eq!(selected.route.selected, Some(key));
        // Navigate replaces the route wholesale.
        let back = reduce(&selected, navigate(Route::default()));
        assert_eq!(back.route, Route::default());
        assert!(back.collapsed.is_empty());
    }

    #[test]
    fn resource_answers_are_kept_only_for_the_current_analysis_and_selection() {
        use crate::inventory::{ResourceDetail, ResourceEntry};
        let entry = ResourceEntry {
            id: "arn:r".into(),
            kind: "aws.iam.role".into(),
            name: "r".into(),
            account: None,
            region: None,
            file: "f".into(),
            pointer: "/x".into(),
        };
        let s = done(
            &read(&AppState::default(), vec![file("a.json", "{}")]),
            empty_report(),
        );
        let stale = reduce(
            &s,
            Action::ResourcesLoaded {
                generation: s.analysed - 1,
                list: Ok(Shared::new(vec![entry.clone()])),
            },
        );
        assert!(stale.resources.is_none());
        let s = reduce(
            &s,
            Action::ResourcesLoaded {
                generation: s.analysed,
                list: Ok(Shared::new(vec![entry.clone()])),
            },
        );
        assert!(matches!(&s.resources, Some(Ok(l)) if l.len() == 1));
        let detail = || {
            Ok(Shared::new(ResourceDetail {
                entry: entry.clone(),
                attributes: Default::default(),
            }))
        };
        // An answer for a resource no longer selected is dropped.
        let unasked = reduce(
            &s,
            Action::ResourceLoaded {
                generation: s.analysed,
                id: "arn:r".into(),
                detail: detail(),
            },
        );
        assert!(unasked.resource_detail.is_none());
        let s = reduce(&s, Action::SelectResource(Some("arn:r".into())));
        let s = reduce(
            &s,
            Action::ResourceLoaded {
                generation: s.analysed,
                id: "arn:r".into(),
                detail: detail(),
            },
        );
        assert!(s.resource_detail.is_some());
        assert!(reduce(&s, Action::SelectResource(None))
            .resource_detail
            .is_none());
        let s = reduce(
            &s,
            Action::SetResourceFilter(ResDim::Kind, Some("aws.iam.role".into())),
        );
        let s = reduce(&s, Action::SetResourceQuery("ops".into()));
        assert_eq!(
            s.route.resource_filters.kind.as_deref(),
            Some("aws.iam.role")
        );
        assert_eq!(s.route.resource_filters.query, "ops");
        // A new analysis forgets both answers (they describe the old inventory).
        let again = done(&read(&s, vec![file("b.json", "{}")]), empty_report());
        assert!(again.resources.is_none() && again.resource_detail.is_none());
        assert_eq!(
            again.route.resource.as_deref(),
            Some("arn:r"),
            "the selection stays"
        );
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
        assert_eq!(s1.route.selected.as_ref(), Some(&key));
        let s2 = reduce(
            &s1,
            Action::AnalysisDone {
                generation: 1,
                report: empty_report(),
                timing: Timing::default(),
            },
        );
        assert!(s2.route.selected.is_none());
        let s3 = reduce(&s1, Action::CloseDetail);
        assert!(s3.route.selected.is_none());
    }

    #[test]
    fn acceptances_apply_to_every_analysis_survive_clear_and_stop_when_expired() {
        use stratoscope::accept::Scope;
        let (demo, _) = crate::tests::demo_report();
        let f = demo.findings[0].clone();
        let risk = |id: &str, expires: Option<&str>| Acceptance {
            id: id.into(),
            scope: Scope::Finding {
                rule_id: f.rule_id().to_string(),
                resource_id: f.resource.id.clone(),
            },
            reason: "known".into(),
            owner: None,
            expires: expires.map(str::to_string),
            created: None,
        };
        let mut s = read(&AppState::default(), vec![file("a.json", "{}")]);
        s.records.today = "2026-01-31".into();
        let s = reduce(&s, Action::AddAcceptance(risk("risk-1", None)));
        assert!(s.report.is_none(), "nothing to apply to yet");
        let s = done(&s, demo.clone());
        let shown = s.report.clone().expect("a report");
        assert!(shown.findings[0].accepted.is_some());
        assert_eq!(shown.summary.accepted, 1);
        assert!(
            s.raw
                .as_ref()
                .is_some_and(|r| r.findings[0].accepted.is_none()),
            "the engine's report is kept as it was"
        );
        assert_eq!(s.accept_outcome.applied, vec![("risk-1".to_string(), 1)]);
        let cleared = reduce(&s, Action::Clear);
        assert_eq!(
            cleared.records.acceptances.len(),
            1,
            "records outlive Clear"
        );
        let s = reduce(
            &s,
            Action::SetAcceptances(vec![risk("old", Some("2026-01-30"))]),
        );
        assert_eq!(s.accept_outcome.expired, vec!["old".to_string()]);
        assert!(s.report.as_ref().is_some_and(|r| r.summary.accepted == 0));
        let s = reduce(&s, Action::RemoveAcceptance("old".into()));
        assert!(s.records.acceptances.is_empty());
        assert!(
            s.report.as_ref().is_some_and(|r| Rc::ptr_eq(&r.0, &demo.0)),
            "no copy without acceptances"
        );
    }

    #[test]
    fn new_settings_analyse_the_loaded_files_again() {
        let mut parameters = crate::analysis::Parameters::new();
        parameters
            .entry("R".into())
            .or_default()
            .insert("p".into(), serde_json::json!(1));
        let idle = reduce(
            &AppState::default(),
            Action::SetParameters(parameters.clone()),
        );
        assert_eq!(*idle.records.parameters, parameters);
        assert!(!idle.needs_analysis(), "nothing loaded, nothing to analyse");
        let s = done(
            &read(&AppState::default(), vec![file("a.json", "{}")]),
            empty_report(),
        );
        let again = reduce(&s, Action::SetParameters(parameters));
        assert!(again.needs_analysis());
        assert_eq!(
            reduce(&again, Action::Clear).records.parameters,
            again.records.parameters,
            "settings outlive Clear"
        );
    }
}
