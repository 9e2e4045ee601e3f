//! The Export view: one button per file format, each a download made in the page (a Blob URL;
//! nothing is sent anywhere). The CSV follows the Findings view's current filters and search.

use crate::analysis::PackLoad;
use crate::components::Prose;
use crate::download::{now_ms, save, today};
use crate::exports::{file_name, render, ExportInput, ExportKind};
use crate::state::Shared;
use std::rc::Rc;
use stratoscope::Report;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ExportProps {
    pub report: Shared<Report>,
    pub pack: Shared<PackLoad>,
    /// The findings the Findings view shows, in its order.
    pub shown: Rc<Vec<usize>>,
    /// The Findings view's active filters, as chip texts, to say what the CSV holds.
    pub scope: Vec<String>,
}

#[function_component]
pub fn Export(props: &ExportProps) -> Html {
    // The outcome of the latest click: (kind, Ok(file name) or Err(why)).
    let status = use_state(|| None::<(ExportKind, Result<String, String>)>);
    let date = today();
    let total = props.report.findings.len();
    html! {
        <section class="exports stack" data-testid="exports" aria-label="Export">
            <p class="muted">{ "Every file is made here, in this browser, from the analysis on screen: nothing is uploaded. The file names carry today's date." }</p>
            <ul class="export-list">
                { for ExportKind::ALL.into_iter().map(|kind| {
                    let name = file_name(kind, &date);
                    let onclick = {
                        let (report, pack, shown, status, date) = (props.report.clone(), props.pack.clone(), props.shown.clone(), status.clone(), date.clone());
                        Callback::from(move |_: MouseEvent| {
                            let input = ExportInput { report: &report, pack: &pack.pack, shown: &shown, date: &date, now_ms: now_ms() };
                            let name = file_name(kind, &date);
                            let result = save(&name, kind.mime(), &render(kind, &input)).map(|()| name);
                            status.set(Some((kind, result)));
                        })
                    };
                    let result = status.as_ref().filter(|(k, _)| *k == kind).map(|(_, r)| r.clone());
                    html! {
                        <li class="panel export-item" data-kind={kind.value()}>
                            <div class="export-text">
                                <h2>{ kind.label() }</h2>
                                <Prose text={AttrValue::from(kind.description())} />
                                if kind == ExportKind::Csv {
                                    <p class="muted" data-testid="csv-scope">
                                        { format!("{} of {total} findings", props.shown.len()) }
                                        { if props.scope.is_empty() { " (no filter)".to_string() } else { format!(" · {}", props.scope.join(" · ")) } }
                                    </p>
                                }
                            </div>
                            <div class="export-action">
                                <button type="button" class="button primary" data-testid={format!("export-{}", kind.value())} {onclick}>
                                    { format!("Download {name}") }
                                </button>
                                { match result {
                                    Some(Ok(file)) => html! { <p class="muted small" role="status">{ format!("Saved {file}.") }</p> },
                                    Some(Err(e)) => html! { <p class="notice error" role="alert">{ format!("The file could not be saved: {e}") }</p> },
                                    None => Html::default(),
                                } }
                            </div>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::{demo_report, render as render_html};

    #[test]
    fn one_button_per_format_with_dated_names() {
        let (report, pack) = demo_report();
        let shown = Rc::new((0..3).collect::<Vec<usize>>());
        let html = render_html::<Export>(ExportProps {
            report: report.clone(),
            pack,
            shown,
            scope: vec!["Severity: Critical only".into()],
        });
        for kind in ExportKind::ALL {
            assert!(html.contains(&format!("data-testid=\"export-{}\"", kind.value())));
            assert!(html.contains(&file_name(kind, &today())));
        }
        assert!(html.contains(&format!("3 of {} findings", report.findings.len())));
        assert!(html.contains("Severity: Critical only"));
    }
}
