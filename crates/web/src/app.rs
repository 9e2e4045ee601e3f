//! The root component: owns the reducer and the rule pack, provides both by context, runs the
//! asynchronous work (reading files; analysing, in a Web Worker through [`crate::offload`];
//! asking that worker about the inventory), keeps the address in step with the state, and lays
//! out the page.

use crate::analysis::{load_builtin, PackLoad};
use crate::components::virtual_scroll::listen;
use crate::components::{
    AcceptedRisks, Access, Busy, Compliance, CoverageNote, Drift, DropZone, ExpiredNotice, Export,
    FindingDetail, FindingsTable, FindingsToolbar, Header, Intro, Overview, Resources,
    ScenarioBanner, ScenarioPicker, ScopeLine, Settings, SummaryStrip, VerdictList, ViewNav,
};
use crate::findings::{rows, visible, Row};
use crate::offload::{Job, Offload, Question};
use crate::prefs::{self, Prefs};
use crate::route::{Route, View};
use crate::scenarios;
use crate::state::{navigate, Action, AppState, LoadedFile, ReadFailure, Shared};
use crate::view::{busy_status, find, totals};
use std::rc::Rc;
use stratoscope::Report;
use web_sys::DragEvent;
use yew::platform::spawn_local;
use yew::prelude::*;

/// What every component may reach without prop drilling: the state (with its dispatcher) and
/// the rule pack.
#[derive(Clone, PartialEq)]
pub struct AppContext {
    pub state: UseReducerHandle<AppState>,
    pub pack: Shared<PackLoad>,
}

/// Hands the files to the reducer in one action, without reading them (the worker does, see
/// [`Content::Disk`](crate::state::Content::Disk)). Each file's first byte is read, so a file
/// the browser cannot read at all (a dropped directory) is a read failure here, as before, and
/// never a panic.
fn read_files(files: Vec<web_sys::File>, epoch: u64, dispatcher: UseReducerDispatcher<AppState>) {
    dispatcher.dispatch(Action::ReadStarted);
    spawn_local(async move {
        let mut loaded = Vec::new();
        let mut failures = Vec::new();
        for file in files {
            let head = gloo_file::Blob::from(web_sys::Blob::from(file.clone())).slice(0, 1);
            match gloo_file::futures::read_as_bytes(&head).await {
                Ok(_) => loaded.push(LoadedFile::from_disk(&file)),
                Err(e) => failures.push(ReadFailure {
                    name: file.name(),
                    message: e.to_string(),
                }),
            }
        }
        dispatcher.dispatch(Action::FilesRead {
            epoch,
            files: loaded,
            failures,
        });
    });
}

/// Every file's bytes, and the files the browser could not read.
async fn read_all(files: Vec<web_sys::File>) -> (Vec<LoadedFile>, Vec<ReadFailure>) {
    let mut loaded = Vec::new();
    let mut failures = Vec::new();
    for file in files {
        let file = gloo_file::File::from(file);
        let name = file.name();
        match gloo_file::futures::read_as_bytes(&file).await {
            Ok(bytes) => loaded.push(LoadedFile::new(name, bytes)),
            Err(e) => failures.push(ReadFailure {
                name,
                message: e.to_string(),
            }),
        }
    }
    (loaded, failures)
}

/// Reads a baseline export set for the Drift view. A file the browser cannot read is left out;
/// the comparison lists the files it did analyse.
fn read_baseline(files: Vec<web_sys::File>, dispatcher: UseReducerDispatcher<AppState>) {
    spawn_local(async move {
        let (loaded, _) = read_all(files).await;
        if !loaded.is_empty() {
            dispatcher.dispatch(Action::SetBaseline(loaded));
        }
    });
}

/// Loads a built-in scenario (`""` is the default one) in place of whatever was loaded. An
/// unknown id loads nothing.
fn load_scenario(dispatcher: &UseReducerDispatcher<AppState>, id: &str) {
    if let Some(s) = scenarios::find(id) {
        dispatcher.dispatch(Action::LoadScenario {
            id: id.to_string(),
            files: s.loaded_files(),
        });
    }
}

/// The address's hash; natively (the render tests) there is none.
fn current_hash() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    String::new()
}

/// Writes the route into the address without adding a history entry per keystroke.
fn write_hash(route: &Route) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let hash = route.encode();
    if current_hash().trim_start_matches('#') == hash {
        return;
    }
    let location = window.location();
    let base = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    let url = if hash.is_empty() {
        base
    } else {
        format!("{base}#{hash}")
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

#[function_component]
pub fn App() -> Html {
    // The address is read before the first render, so the page opens in the state it names.
    let pack = use_memo((), |_| Shared::new(load_builtin()));
    let pack: Shared<PackLoad> = (*pack).clone();
    let state = {
        let pack = pack.clone();
        use_reducer(move || {
            let (acceptances, load_error) = crate::accepted::load();
            let (parameters, settings_error) = crate::settings_view::load(&pack.pack);
            AppState {
                route: Route::decode(&current_hash()),
                records: crate::state::Records {
                    today: crate::download::today(),
                    acceptances,
                    load_error,
                    parameters: Rc::new(parameters),
                    settings_error,
                },
                ..AppState::default()
            }
        })
    };
    // Accepted risks and settings are kept in the browser whenever they change.
    use_kept(state.records.acceptances.clone(), |list| {
        crate::accepted::store(list)
    });
    use_kept(state.records.parameters.clone(), |p| {
        crate::settings_view::store(p)
    });

    // The worker that analyses, created once; it starts loading as soon as the page is up.
    let offload = {
        let dispatcher = state.dispatcher();
        let pack = pack.clone();
        use_memo((), move |_| Offload::new(dispatcher, pack))
    };
    {
        let offload = offload.clone();
        use_effect_with((), move |_| offload.warm_up());
    }

    // Whenever the files change, analyse all of them (off the page's thread). Clear also
    // changes the generation, without needing an analysis: a run still going is stopped.
    {
        let files = state.files.clone();
        let needed = state.needs_analysis();
        let parameters = state.records.parameters.clone();
        let offload = offload.clone();
        use_effect_with(state.requested, move |&generation| {
            if needed {
                offload.analyse(Job {
                    generation,
                    files,
                    parameters,
                });
            } else {
                offload.cancel();
            }
        });
    }

    // `#demo` (or `#demo=<scenario>`) in the address opens that scenario straight away:
    // `scripts/dev.sh` points trainers there, and a bookmark brings a class back to it. An
    // address edited while the page is open is followed too.
    {
        let dispatcher = state.dispatcher();
        let scenario = state.route.scenario.clone();
        use_effect_with((), move |_| {
            if let Some(id) = scenario {
                load_scenario(&dispatcher, &id);
            }
            let on_hash = move || {
                let route = Route::decode(&current_hash());
                let scenario = route.scenario.clone();
                dispatcher.dispatch(navigate(route));
                if let Some(id) = scenario {
                    load_scenario(&dispatcher, &id);
                }
            };
            let listener = web_sys::window().map(|w| listen(&w, "hashchange", on_hash));
            move || drop(listener)
        });
    }

    // The address follows the state.
    use_effect_with(state.route.clone(), write_hash);

    // The Resources and Access views ask whoever holds the inventory, once per analysis.
    {
        let offload = offload.clone();
        let wanted = matches!(state.route.view, View::Resources | View::Access)
            && state.report.is_some()
            && state.resources.is_none();
        use_effect_with((wanted, state.analysed), move |&(wanted, generation)| {
            if wanted {
                offload.ask(Question::Resources { generation });
            }
        });
    }
    use_ask(
        &offload,
        (state.route.view == View::Resources && state.report.is_some())
            .then(|| state.route.resource.clone())
            .flatten()
            .filter(|id| state.resource_detail.as_ref().map(|(d, _)| d) != Some(id)),
        state.analysed,
        |generation, id| Question::Resource { generation, id },
    );

    // The Access view asks about its principal and its resource, and the Drift view for its
    // comparison, once each per analysis.
    let access = state.route.view == View::Access && state.report.is_some();
    let missing = |have: Option<&String>, want: &Option<String>| {
        want.clone().filter(|w| access && have != Some(w))
    };
    use_ask(
        &offload,
        missing(
            state.principal_access.as_ref().map(|(id, _)| id),
            &state.route.principal,
        ),
        state.analysed,
        |generation, id| Question::Principal { generation, id },
    );
    use_ask(
        &offload,
        missing(
            state.resource_access.as_ref().map(|(arn, _)| arn),
            &state.route.arn,
        ),
        state.analysed,
        |generation, arn| Question::Who { generation, arn },
    );
    use_ask(
        &offload,
        (state.route.view == View::Drift
            && state.report.is_some()
            && state.drift.is_none()
            && !state.baseline.is_empty())
        .then(|| state.baseline.clone()),
        state.analysed,
        |generation, files| Question::Drift { generation, files },
    );

    let context = AppContext { state, pack };
    html! {
        <ContextProvider<AppContext> {context}>
            <Shell />
        </ContextProvider<AppContext>>
    }
}

/// Stores `value` whenever it changes, but not on the first render: what the page could not
/// read back stays stored until the auditor changes it.
#[hook]
fn use_kept<T: PartialEq + Clone + 'static>(value: T, store: fn(&T)) {
    let first = use_mut_ref(|| true);
    use_effect_with(value, move |v| {
        if !std::mem::replace(&mut *first.borrow_mut(), false) {
            store(v);
        }
    });
}

/// Asks the worker `question(generation, wanted)` whenever `wanted` is something new (or the
/// analysis is), so each question is asked once per analysis.
#[hook]
fn use_ask<T: PartialEq + Clone + 'static>(
    offload: &Rc<Offload>,
    wanted: Option<T>,
    generation: u64,
    question: fn(u64, T) -> Question,
) {
    let offload = offload.clone();
    use_effect_with((wanted, generation), move |(wanted, generation)| {
        if let Some(w) = wanted.clone() {
            offload.ask(question(*generation, w));
        }
    });
}

/// A stable element key for the detail pane of one finding.
fn detail_key(report: &Report, index: usize) -> String {
    report
        .findings
        .get(index)
        .map(|f| format!("{}|{}", f.rule_id(), f.resource.id))
        .unwrap_or_default()
}

/// Display preferences: loaded once, applied to `<html>` on every change, stored when the
/// auditor changes them.
#[hook]
fn use_prefs() -> (Prefs, Callback<Prefs>) {
    let prefs = use_state_eq(prefs::load);
    use_effect_with(*prefs, |p| prefs::apply(*p));
    let set = {
        let prefs = prefs.clone();
        Callback::from(move |p: Prefs| {
            prefs::store(p);
            prefs.set(p);
        })
    };
    (*prefs, set)
}

/// The page layout, driven by the context.
#[function_component]
fn Shell() -> Html {
    let Some(AppContext { state, pack }) = use_context::<AppContext>() else {
        return Html::default();
    };
    let dispatcher = state.dispatcher();
    let (prefs, set_prefs) = use_prefs();
    let on_theme = set_prefs.reform(move |theme| Prefs { theme, ..prefs });
    let on_large_text = set_prefs.reform(move |large_text| Prefs {
        large_text,
        ..prefs
    });

    let on_files = {
        let dispatcher = dispatcher.clone();
        let epoch = state.epoch;
        Callback::from(move |files: Vec<web_sys::File>| {
            read_files(files, epoch, dispatcher.clone())
        })
    };
    let on_scenario = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |id: &'static str| load_scenario(&dispatcher, id))
    };
    let on_demo = on_scenario.reform(|_: ()| "");
    let on_clear = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |_| dispatcher.dispatch(Action::Clear))
    };
    // Files dropped anywhere on the page load too; without this the browser would open a file
    // dropped just outside the zone and the auditor would lose the page.
    let page_dragover = Callback::from(|e: DragEvent| e.prevent_default());
    let page_drop = {
        let on_files = on_files.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            let files = e
                .data_transfer()
                .and_then(|dt| dt.files())
                .map(|l| crate::components::drop_zone::files_of(&l))
                .unwrap_or_default();
            if !files.is_empty() {
                on_files.emit(files);
            }
        })
    };

    // Stable callbacks for the rows: new ones on every render would make every rendered row
    // render again on each scroll step.
    let on_select = {
        let dispatcher = dispatcher.clone();
        use_callback((), move |key, _| dispatcher.dispatch(Action::Select(key)))
    };
    let on_close = {
        let dispatcher = dispatcher.clone();
        use_callback((), move |_: (), _| dispatcher.dispatch(Action::CloseDetail))
    };
    let on_toggle_group = {
        let dispatcher = dispatcher.clone();
        use_callback((), move |key, _| {
            dispatcher.dispatch(Action::ToggleGroup(key))
        })
    };

    // The findings list, recomputed only when the report or the list's settings change (not
    // on scrolling, selecting or anything else).
    let route = &state.route;
    let list = use_memo(
        (
            state.report.clone(),
            route.filters.clone(),
            route.query.clone(),
            route.sort,
            route.group,
            state.collapsed.clone(),
        ),
        |(report, filters, query, sort, group, collapsed)| match report {
            Some(report) => {
                let shown = visible(report, filters, query, *sort);
                let rows = rows(report, &shown, *group, collapsed);
                (Rc::new(rows), Rc::new(shown))
            }
            None => (Rc::new(Vec::<Row>::new()), Rc::new(Vec::new())),
        },
    );
    let (rows_list, shown) = (*list).clone();
    let matching = shown.len();

    let busy = busy_status(&state);
    let busy_label = AttrValue::from(busy.label);

    // Six passes over every finding: once per report, not on every render of the shell.
    let totals = use_memo(state.report.clone(), |report| {
        report.as_ref().map(|r| totals(r)).unwrap_or_default()
    });
    let workspace = state.report.as_ref().map(|report| {
        let d = dispatcher.clone();
        let on_view = Callback::from(move |v| d.dispatch(Action::SetView(v)));
        let resources_count = report.summary.resources;
        let d = dispatcher.clone();
        let on_review = Callback::from(move |_| d.dispatch(Action::SetView(View::Accepted)));
        let body = match route.view {
            View::Overview => {
                let d = dispatcher.clone();
                let base = route.clone();
                let on_pick = Callback::from(move |filters| {
                    d.dispatch(navigate(Route {
                        view: View::Findings,
                        filters,
                        query: String::new(),
                        selected: None,
                        ..base.clone()
                    }))
                });
                let d = dispatcher.clone();
                let base = route.clone();
                let on_framework = Callback::from(move |framework: String| {
                    d.dispatch(navigate(Route {
                        view: View::Compliance,
                        compliance: crate::route::ComplianceFilters { framework: Some(framework), status: None },
                        ..base.clone()
                    }))
                });
                html! { <Overview report={report.clone()} {on_pick} {on_framework} /> }
            }
            View::Compliance => {
                let d = dispatcher.clone();
                let base = route.clone();
                let on_filters = Callback::from(move |compliance| {
                    d.dispatch(navigate(Route { compliance, ..base.clone() }))
                });
                let d = dispatcher.clone();
                let base = route.clone();
                let on_control = Callback::from(move |(framework, control): (String, String)| {
                    d.dispatch(navigate(Route {
                        view: View::Findings,
                        filters: crate::compliance::findings_filter(&framework, &control),
                        query: String::new(),
                        selected: None,
                        ..base.clone()
                    }))
                });
                html! { <Compliance report={report.clone()} filters={route.compliance.clone()} {on_filters} {on_control} /> }
            }
            View::Accepted => html! { <AcceptedRisks /> },
            View::Settings => html! { <Settings /> },
            View::Access => {
                let d = dispatcher.clone();
                let on_principal = Callback::from(move |id| d.dispatch(Action::SelectPrincipal(id)));
                let d = dispatcher.clone();
                let on_arn = Callback::from(move |arn| d.dispatch(Action::SelectArn(arn)));
                let principal_access = state.principal_access.as_ref().filter(|(id, _)| Some(id) == route.principal.as_ref()).map(|(_, a)| a.clone());
                let resource_access = state.resource_access.as_ref().filter(|(arn, _)| Some(arn) == route.arn.as_ref()).map(|(_, a)| a.clone());
                html! { <Access list={state.resources.clone()} principal={route.principal.clone().map(AttrValue::from)} arn={route.arn.clone().map(AttrValue::from)}
                    {principal_access} {resource_access} {on_principal} {on_arn} /> }
            }
            View::Drift => {
                let d = dispatcher.clone();
                let on_baseline = Callback::from(move |files| read_baseline(files, d.clone()));
                html! { <Drift report={report.clone()} baseline={state.baseline.clone()} drift={state.drift.clone()}
                    {on_baseline} on_open_finding={on_select.clone()} /> }
            }
            View::Export => {
                let mut scope: Vec<String> = route.filters.chips(report).into_iter().map(|(_, t)| t).collect();
                if !route.query.is_empty() {
                    scope.push(format!("Search: “{}”", route.query));
                }
                html! { <Export report={report.clone()} pack={pack.clone()} shown={shown.clone()} {scope} /> }
            }
            View::Findings => findings_view(&state, report, &pack, &rows_list, matching, FindingsCallbacks {
                on_select: on_select.clone(),
                on_close: on_close.clone(),
                on_toggle_group: on_toggle_group.clone(),
            }),
            View::Resources => {
                let d = dispatcher.clone();
                let on_filter = Callback::from(move |(dim, v)| d.dispatch(Action::SetResourceFilter(dim, v)));
                let d = dispatcher.clone();
                let on_query = Callback::from(move |q| d.dispatch(Action::SetResourceQuery(q)));
                let d = dispatcher.clone();
                let on_res = Callback::from(move |id| d.dispatch(Action::SelectResource(id)));
                let detail = state.resource_detail.as_ref().filter(|(id, _)| Some(id) == route.resource.as_ref()).map(|(_, d)| d.clone());
                html! {
                    <Resources report={report.clone()} list={state.resources.clone()}
                        filters={route.resource_filters.clone()} selected={route.resource.clone().map(AttrValue::from)}
                        {detail} {on_filter} {on_query} on_select={on_res} on_open_finding={on_select.clone()} />
                }
            }
        };
        let scenario = route.scenario.as_deref().and_then(scenarios::find);
        html! {
            <>
                if let Some(scenario) = scenario {
                    <ScenarioBanner {scenario} />
                }
                <div class="nav-row">
                    <ViewNav current={route.view} findings={report.findings.len()} resources={resources_count}
                        accepted={state.records.acceptances.len()} {on_view} />
                    <SummaryStrip totals={(*totals).clone()} />
                </div>
                <CoverageNote totals={(*totals).clone()} />
                <ExpiredNotice outcome={state.accept_outcome.clone()} on_review={on_review} />
                <div class={classes!("view", format!("view-{}", route.view.value()))} data-testid="view" data-view={route.view.value()}>
                    { body }
                </div>
            </>
        }
    });

    let has_files = state.has_content();
    html! {
        <div class="app" ondragover={page_dragover} ondrop={page_drop}>
            <Header {prefs} {on_theme} {on_large_text} />
            <main class="main">
                if !pack.errors.is_empty() {
                    <div class="notice error" role="alert">
                        <p>{ "Some built-in rules failed to load; findings from them are missing:" }</p>
                        <ul>{ for pack.errors.iter().map(|e| html! { <li class="mono">{ e.clone() }</li> }) }</ul>
                    </div>
                }
                <div class={classes!("load-band", has_files.then_some("loaded"))}>
                    <DropZone compact={has_files} can_clear={has_files || state.busy()}
                        {on_files} {on_demo} {on_clear} />
                    if has_files {
                        <section class="files" aria-label="Files">
                            <h2 class="section-title">{ "Files" }</h2>
                            <VerdictList
                                verdicts={state.report.as_ref().map(|r| r.inputs.clone()).unwrap_or_default()}
                                unreadable={state.unreadable.clone()} />
                            if state.report.is_some() {
                                <ScopeLine totals={(*totals).clone()} timing={state.timing} />
                            }
                            if state.busy() {
                                <Busy label={busy_label.clone()} progress={busy.progress} />
                            }
                        </section>
                    }
                </div>
                if state.busy() && !has_files {
                    <Busy label={busy_label} progress={busy.progress} />
                }
                if let Some(failure) = &state.failure {
                    <div class="notice error" role="alert" data-testid="analysis-error">
                        <p>{ failure.clone() }</p>
                    </div>
                }
                { workspace.unwrap_or_default() }
                if !has_files && !state.busy() {
                    <ScenarioPicker on_load={on_scenario} />
                    <Intro rules={pack.pack.rules.len()} />
                }
            </main>
            <footer class="app-footer">
                { format!("Stratoscope {} · {} built-in rules · analysis runs locally in WebAssembly", env!("CARGO_PKG_VERSION"), pack.pack.rules.len()) }
            </footer>
        </div>
    }
}

struct FindingsCallbacks {
    on_select: Callback<crate::view::FindingKey>,
    on_close: Callback<()>,
    on_toggle_group: Callback<String>,
}

/// The Findings view: toolbar, the virtualised table and the open finding's detail.
fn findings_view(
    state: &UseReducerHandle<AppState>,
    report: &Shared<Report>,
    pack: &Shared<PackLoad>,
    rows: &Rc<Vec<Row>>,
    matching: usize,
    cb: FindingsCallbacks,
) -> Html {
    let route = &state.route;
    let selected = route.selected.as_ref().and_then(|key| find(report, key));
    let d = state.dispatcher();
    let on_severity = Callback::from(move |s| d.dispatch(Action::SetSeverity(s)));
    let d = state.dispatcher();
    let on_filter = Callback::from(move |(dim, v)| d.dispatch(Action::SetFilter(dim, v)));
    let d = state.dispatcher();
    let on_clear = Callback::from(move |_| d.dispatch(Action::ClearFilters));
    let d = state.dispatcher();
    let on_query = Callback::from(move |q| d.dispatch(Action::SetQuery(q)));
    let d = state.dispatcher();
    let on_sort = Callback::from(move |s| d.dispatch(Action::SetSort(s)));
    let d = state.dispatcher();
    let on_group = Callback::from(move |g| d.dispatch(Action::SetGroup(g)));
    html! {
        <section class="findings-area" aria-label="Findings">
            <FindingsToolbar report={report.clone()} filters={route.filters.clone()}
                query={AttrValue::from(route.query.clone())} sort={route.sort} group={route.group}
                shown={matching} total={report.findings.len()}
                {on_severity} {on_filter} {on_clear} {on_query} {on_sort} {on_group} />
            <div class={classes!("workspace", selected.is_some().then_some("with-detail"))}>
                <FindingsTable report={report.clone()} rows={rows.clone()} {matching} {selected}
                    on_select={cb.on_select} on_close={cb.on_close.clone()} on_toggle_group={cb.on_toggle_group} />
                if let Some(index) = selected {
                    // Keyed by finding so a newly selected one opens scrolled to its top.
                    <FindingDetail key={detail_key(report, index)} report={report.clone()} {index} pack={pack.clone()} on_close={cb.on_close} />
                }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_page_renders_the_load_controls() {
        let html = crate::tests::render::<App>(());
        for id in [
            "drop-zone",
            "file-input",
            "demo-button",
            "clear-button",
            "scenario-picker",
            "theme-toggle",
            "text-size",
        ] {
            assert!(
                html.contains(&format!("data-testid=\"{id}\"")),
                "{id} missing"
            );
        }
        assert!(html.contains("Runs entirely in your browser"));
        assert!(!html.contains("data-testid=\"findings-table\""));
    }
}
