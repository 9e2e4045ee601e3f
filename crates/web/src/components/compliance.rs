//! The Compliance view (one framework at a time: its score, its controls by status, each
//! control a link to its findings) and the overview's framework score cards.

use crate::compliance::{
    controls, count, current, framework_title, parse_status, score_caption, score_text,
    status_hint, status_label, STATUSES,
};
use crate::route::ComplianceFilters;
use crate::state::Shared;
use stratoscope::frameworks::{ControlStatus, FrameworkSummary};
use stratoscope::Report;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ComplianceProps {
    pub report: Shared<Report>,
    pub filters: ComplianceFilters,
    pub on_filters: Callback<ComplianceFilters>,
    /// (framework, control): open the Findings view on that control.
    pub on_control: Callback<(String, String)>,
}

/// A status as a pill: the word, with its colour as a second cue.
pub fn status_pill(status: ControlStatus) -> Html {
    html! {
        <span class={classes!("cstatus", format!("cstatus-{}", status.as_str()))} title={status_hint(status)}>
            { status_label(status) }
        </span>
    }
}

#[function_component]
pub fn Compliance(props: &ComplianceProps) -> Html {
    let report = &props.report;
    let Some(summary) = current(report, &props.filters) else {
        return html! {
            <section class="compliance" data-testid="compliance">
                <p class="muted">{ "No compliance framework is loaded." }</p>
            </section>
        };
    };
    let status = props.filters.status.as_deref().and_then(parse_status);
    let with =
        |framework: Option<String>, status: Option<String>| ComplianceFilters { framework, status };
    let fw_id = summary.framework.clone();
    let on_status = {
        let fw = fw_id.clone();
        props.on_filters.reform(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            with(
                Some(fw.clone()),
                Some(select.value()).filter(|v| !v.is_empty()),
            )
        })
    };
    let listed = controls(summary, status);
    html! {
        <section class="compliance" data-testid="compliance" aria-label="Compliance">
            <div class="fw-tabs" role="tablist" aria-label="Frameworks">
                { for report.compliance.iter().map(|s| {
                    let chosen = s.framework == summary.framework;
                    let id = s.framework.clone();
                    let onclick = props.on_filters.reform(move |_: MouseEvent| with(Some(id.clone()), None));
                    html! {
                        <button type="button" role="tab" aria-selected={chosen.to_string()}
                            class={classes!("fw-tab", chosen.then_some("current"))}
                            data-testid="framework-tab" data-framework={s.framework.clone()} {onclick}>
                            <span class="fw-tab-name">{ framework_title(s) }</span>
                            <span class="fw-tab-score">{ score_text(s.score) }</span>
                        </button>
                    }
                }) }
            </div>
            <div class="fw-head">
                <div class="fw-score" data-testid="framework-score" data-framework={fw_id.clone()}
                    data-score={summary.score.map(|s| s.to_string()).unwrap_or_default()}>
                    <span class="fw-score-number">{ score_text(summary.score) }</span>
                    <span class="fw-score-label">{ "score" }</span>
                </div>
                <div class="fw-caption">
                    <h2 class="section-title">{ framework_title(summary) }</h2>
                    <p class="muted">{ score_caption(summary) }</p>
                    <ul class="status-counts">
                        { for STATUSES.into_iter().map(|s| {
                            let fw = fw_id.clone();
                            let chosen = status == Some(s);
                            let onclick = props.on_filters.reform(move |_: MouseEvent| {
                                with(Some(fw.clone()), (!chosen).then(|| s.as_str().to_string()))
                            });
                            html! {
                                <li>
                                    <button type="button" class={classes!("status-count", chosen.then_some("current"))}
                                        aria-pressed={chosen.to_string()} data-testid="status-count" data-status={s.as_str()} {onclick}>
                                        { status_pill(s) }
                                        <span class="sev-number">{ count(summary, s) }</span>
                                    </button>
                                </li>
                            }
                        }) }
                    </ul>
                </div>
            </div>
            <div class="toolbar-row">
                <label class="inline-field">
                    <span class="field-label">{ "Status" }</span>
                    <select data-testid="control-status" onchange={on_status}>
                        <option value="" selected={status.is_none()}>{ format!("Every status ({})", summary.controls.len()) }</option>
                        { for STATUSES.into_iter().map(|s| html! {
                            <option value={s.as_str()} selected={status == Some(s)}>
                                { format!("{} ({})", status_label(s), summary.controls.iter().filter(|c| c.status == s).count()) }
                            </option>
                        }) }
                    </select>
                </label>
                <p class="count" data-testid="control-count">{ format!("{} of {} controls", listed.len(), summary.controls.len()) }</p>
            </div>
            <div class="table-wrap">
                <table class="data controls-table" data-testid="controls-table">
                    <thead>
                        <tr>
                            <th scope="col" class="col-ctl">{ "Control" }</th>
                            <th scope="col">{ "Requirement (our wording)" }</th>
                            <th scope="col" class="col-status">{ "Status" }</th>
                            <th scope="col">{ "Rules" }</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for listed.into_iter().map(|c| control_row(summary, c, &props.on_control)) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}

fn control_row(
    summary: &FrameworkSummary,
    c: &stratoscope::frameworks::ControlResult,
    on_control: &Callback<(String, String)>,
) -> Html {
    let linked = !c.rules.is_empty();
    let onclick = {
        let key = (summary.framework.clone(), c.id.clone());
        on_control.reform(move |_: MouseEvent| key.clone())
    };
    let note = c.check.clone().or_else(|| c.reason.clone());
    let findings = c.failing + c.unknown;
    html! {
        <tr class={classes!("control-row", (!c.in_standard).then_some("outside"))}
            data-testid="control-row" data-control={c.id.clone()} data-status={c.status.as_str()}>
            <td class="col-ctl mono">
                if linked {
                    <button type="button" class="link" data-testid="control-link"
                        aria-label={format!("Show the findings of control {}", c.id)} {onclick}>{ c.id.clone() }</button>
                } else {
                    { c.id.clone() }
                }
            </td>
            <td>
                <span class="ctl-title">{ c.title.clone() }</span>
                <span class="ctl-section muted">
                    { c.section.clone() }
                    if !c.in_standard { { " · listed for reference, not scored" } }
                </span>
                if let Some(note) = note {
                    <span class="ctl-note muted">{ note }</span>
                }
            </td>
            <td class="col-status">
                { status_pill(c.status) }
                if findings > 0 {
                    <span class="ctl-findings muted">{ format!("{} failing, {} unknown", c.failing, c.unknown) }</span>
                }
            </td>
            <td class="ctl-rules mono">
                { for c.rules.iter().map(|r| html! { <span class="ctl-rule">{ r.clone() }</span> }) }
            </td>
        </tr>
    }
}

#[derive(Properties, PartialEq)]
pub struct FrameworkScoresProps {
    pub report: Shared<Report>,
    /// Opens the Compliance view on a framework.
    pub on_open: Callback<String>,
}

/// The overview's score per framework, from the report's compliance section.
#[function_component]
pub fn FrameworkScores(props: &FrameworkScoresProps) -> Html {
    html! {
        <section class="chart-card framework-scores" data-testid="framework-scores" aria-labelledby="fw-scores-title">
            <h2 class="chart-title" id="fw-scores-title">{ "Score per framework" }</h2>
            if props.report.compliance.is_empty() {
                <p class="muted">{ "No compliance framework is loaded." }</p>
            }
            <ul class="fw-cards">
                { for props.report.compliance.iter().map(|s| {
                    let id = s.framework.clone();
                    let onclick = props.on_open.reform(move |_: MouseEvent| id.clone());
                    html! {
                        <li>
                            <button type="button" class="fw-card" data-testid="framework-card" data-framework={s.framework.clone()}
                                data-score={s.score.map(|v| v.to_string()).unwrap_or_default()} {onclick}
                                aria-label={format!("{}: score {}. Open its controls.", framework_title(s), score_text(s.score))}>
                                <span class="fw-card-score">{ score_text(s.score) }</span>
                                <span class="fw-card-name">{ framework_title(s) }</span>
                                <span class="fw-card-counts">
                                    { for [ControlStatus::Pass, ControlStatus::Fail, ControlStatus::Unknown].into_iter().map(|st| html! {
                                        <span class={classes!("fw-card-count", format!("cstatus-text-{}", st.as_str()))}>
                                            { format!("{} {}", count(s, st), status_label(st).to_lowercase()) }
                                        </span>
                                    }) }
                                </span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
            <p class="chart-note muted">{ "Score: passed controls over those the exports could decide (pass, fail, unknown). Manual and not-evaluable controls are listed in Compliance but not scored." }</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::{demo_report, render};

    #[test]
    fn the_view_lists_controls_with_status_words_and_links_for_automated_ones() {
        let (report, _) = demo_report();
        let html = render::<Compliance>(ComplianceProps {
            report: report.clone(),
            filters: ComplianceFilters::default(),
            on_filters: Callback::noop(),
            on_control: Callback::noop(),
        });
        let first = &report.compliance[0];
        assert_eq!(
            html.matches("data-testid=\"control-row\"").count(),
            first.controls.len()
        );
        assert_eq!(
            html.matches("data-testid=\"framework-tab\"").count(),
            report.compliance.len()
        );
        assert!(html.contains(">Manual check<") || first.counts.manual == 0);
        let automated = first
            .controls
            .iter()
            .filter(|c| !c.rules.is_empty())
            .count();
        assert_eq!(
            html.matches("data-testid=\"control-link\"").count(),
            automated
        );

        let failing = render::<Compliance>(ComplianceProps {
            report: report.clone(),
            filters: ComplianceFilters {
                framework: Some("fsbp".into()),
                status: Some("fail".into()),
            },
            on_filters: Callback::noop(),
            on_control: Callback::noop(),
        });
        let fsbp = report
            .compliance
            .iter()
            .find(|s| s.framework == "fsbp")
            .expect("fsbp");
        assert_eq!(
            failing.matches("data-testid=\"control-row\"").count(),
            fsbp.controls
                .iter()
                .filter(|c| c.status == ControlStatus::Fail)
                .count(),
            "only failing rows"
        );
        assert!(failing.contains("data-framework=\"fsbp\""));
    }

    #[test]
    fn the_overview_cards_show_each_score() {
        let (report, _) = demo_report();
        let html = render::<FrameworkScores>(FrameworkScoresProps {
            report: report.clone(),
            on_open: Callback::noop(),
        });
        assert!(html.contains("data-testid=\"framework-scores\""));
        for s in &report.compliance {
            assert!(html.contains(&score_text(s.score)), "{}", s.framework);
            assert!(html.contains(&format!("data-framework=\"{}\"", s.framework)));
        }
    }
}
