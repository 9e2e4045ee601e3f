//! The root component: owns the reducer and the rule pack, provides both by context, runs the
//! asynchronous work (reading files; analysing, in a Web Worker through [`crate::offload`]) and
//! lays out the page.

use crate::analysis::{load_builtin, PackLoad, DEMO_BYTES, DEMO_NAME};
use crate::components::{
    Busy, DropZone, FindingDetail, FindingsTable, FindingsToolbar, Header, Intro, SummaryStrip,
    VerdictList,
};
use crate::offload::{Job, Offload};
use crate::state::{Action, AppState, LoadedFile, ReadFailure, Shared};
use crate::view::{busy_status, filling_status, find, totals, visible_findings};
use std::time::Duration;
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

/// Reads the files' bytes in the browser, then hands them to the reducer in one action. A file
/// that cannot be read becomes a read failure, never a panic.
fn read_files(files: Vec<web_sys::File>, epoch: u64, dispatcher: UseReducerDispatcher<AppState>) {
    dispatcher.dispatch(Action::ReadStarted);
    spawn_local(async move {
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
        dispatcher.dispatch(Action::FilesRead {
            epoch,
            files: loaded,
            failures,
        });
    });
}

/// Loads the built-in demo export as if the user had dropped it.
fn load_demo(dispatcher: &UseReducerDispatcher<AppState>, epoch: u64) {
    dispatcher.dispatch(Action::ReadStarted);
    dispatcher.dispatch(Action::FilesRead {
        epoch,
        files: vec![LoadedFile::new(DEMO_NAME, DEMO_BYTES.to_vec())],
        failures: Vec::new(),
    });
}

/// True when the page was opened at `…#demo`.
fn demo_requested() -> bool {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .is_some_and(|h| h == "#demo")
}

#[function_component]
pub fn App() -> Html {
    let state = use_reducer(AppState::default);
    let pack = use_memo((), |_| Shared::new(load_builtin()));
    let pack: Shared<PackLoad> = (*pack).clone();

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
        let offload = offload.clone();
        use_effect_with(state.requested, move |&generation| {
            if needed {
                offload.analyse(Job { generation, files });
            } else {
                offload.cancel();
            }
        });
    }

    // `#demo` in the address opens the demo scenario straight away: `scripts/dev.sh` points
    // trainers there, and a bookmark brings a class back to it.
    {
        let dispatcher = state.dispatcher();
        let epoch = state.epoch;
        use_effect_with((), move |_| {
            if demo_requested() {
                load_demo(&dispatcher, epoch);
            }
        });
    }

    let context = AppContext { state, pack };
    html! {
        <ContextProvider<AppContext> {context}>
            <Shell />
        </ContextProvider<AppContext>>
    }
}

/// A stable element key for the detail pane of one finding.
fn detail_key(report: &Report, index: usize) -> String {
    report
        .findings
        .get(index)
        .map(|f| format!("{}|{}", f.rule_id, f.resource.id))
        .unwrap_or_default()
}

/// The page layout, driven by the context.
#[function_component]
fn Shell() -> Html {
    let Some(AppContext { state, pack }) = use_context::<AppContext>() else {
        return Html::default();
    };
    let dispatcher = state.dispatcher();

    let on_files = {
        let dispatcher = dispatcher.clone();
        let epoch = state.epoch;
        Callback::from(move |files: Vec<web_sys::File>| {
            read_files(files, epoch, dispatcher.clone())
        })
    };
    let on_demo = {
        let dispatcher = dispatcher.clone();
        let epoch = state.epoch;
        Callback::from(move |_| load_demo(&dispatcher, epoch))
    };
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
    // render again each time the table grows by a step.
    let on_select = {
        let dispatcher = dispatcher.clone();
        use_callback((), move |key, _| dispatcher.dispatch(Action::Select(key)))
    };
    let on_close = {
        let dispatcher = dispatcher.clone();
        use_callback((), move |_: (), _| dispatcher.dispatch(Action::CloseDetail))
    };

    // Once a report is in, the findings table fills a step of rows at a time, each step its own
    // task, so the page stays responsive however many findings there are.
    let rows = state
        .report
        .as_ref()
        .map(|report| visible_findings(report, state.severity, &state.query));
    let matching = rows.as_ref().map_or(0, Vec::len);
    let filling = !state.busy() && rows.is_some() && state.filling(matching);
    {
        let dispatcher = dispatcher.clone();
        use_effect_with((filling, state.row_limit), move |&(filling, from)| {
            if filling {
                spawn_local(async move {
                    // A turn for the browser (input, painting) before the next step.
                    yew::platform::time::sleep(Duration::ZERO).await;
                    dispatcher.dispatch(Action::GrowRows { from });
                });
            }
        });
    }

    let show_busy = state.busy() || filling;
    let busy = if state.busy() {
        busy_status(&state)
    } else {
        filling_status(state.row_limit, matching.min(state.row_target))
    };
    let busy_label = AttrValue::from(busy.label);

    let findings = state.report.as_ref().zip(rows).map(|(report, rows)| {
        let selected = state.selected.as_ref().and_then(|key| find(report, key));
        let on_severity = {
            let dispatcher = dispatcher.clone();
            Callback::from(move |s| dispatcher.dispatch(Action::SetSeverity(s)))
        };
        let on_query = {
            let dispatcher = dispatcher.clone();
            Callback::from(move |q| dispatcher.dispatch(Action::SetQuery(q)))
        };
        let on_more = {
            let dispatcher = dispatcher.clone();
            Callback::from(move |_| dispatcher.dispatch(Action::ShowMoreRows))
        };
        html! {
            <>
                <SummaryStrip totals={totals(report)} timing={state.timing} />
                <section class="findings-area" aria-label="Findings">
                    <FindingsToolbar severity={state.severity} query={AttrValue::from(state.query.clone())}
                        shown={rows.len()} total={report.findings.len()} {on_severity} {on_query} />
                    <div class={classes!("workspace", selected.is_some().then_some("with-detail"))}>
                        <div class="table-wrap">
                            <FindingsTable report={report.clone()} {rows} {selected}
                                on_select={on_select.clone()} on_close={on_close.clone()}
                                limit={state.row_limit} {filling} {on_more} />
                        </div>
                        if let Some(index) = selected {
                            // Keyed by finding so a newly selected one opens scrolled to its top.
                            <FindingDetail key={detail_key(report, index)} report={report.clone()} {index} pack={pack.clone()} on_close={on_close.clone()} />
                        }
                    </div>
                </section>
            </>
        }
    });

    let has_files = state.has_content();
    html! {
        <div class="app" ondragover={page_dragover} ondrop={page_drop}>
            <Header />
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
                            if show_busy {
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
                { findings.unwrap_or_default() }
                if !has_files && !state.busy() {
                    <Intro rules={pack.pack.rules.len()} />
                }
            </main>
            <footer class="app-footer">
                { format!("Stratoscope {} · {} built-in rules · analysis runs locally in WebAssembly", env!("CARGO_PKG_VERSION"), pack.pack.rules.len()) }
            </footer>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_page_renders_the_load_controls() {
        let html = crate::tests::render::<App>(());
        for id in ["drop-zone", "file-input", "demo-button", "clear-button"] {
            assert!(
                html.contains(&format!("data-testid=\"{id}\"")),
                "{id} missing"
            );
        }
        assert!(html.contains("Runs entirely in your browser"));
        assert!(!html.contains("data-testid=\"findings-table\""));
    }
}
