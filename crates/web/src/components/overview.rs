//! The overview: bar charts drawn here as SVG (no chart library), each bar labelled with its
//! name and number in text, and each one a control: click, Enter or Space opens the Findings
//! view filtered to exactly that bar.

use crate::components::compliance::FrameworkScores;
use crate::findings::Filters;
use crate::overview::{by_account, by_framework, by_service, by_severity, Bar, Chart};
use crate::state::Shared;
use stratoscope::Report;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct OverviewProps {
    pub report: Shared<Report>,
    pub on_pick: Callback<Filters>,
    /// Opens the Compliance view on a framework.
    pub on_framework: Callback<String>,
}

/// Geometry of a chart, in the SVG's own units (it scales to its box).
const WIDTH: u32 = 520;
const LABEL_W: u32 = 150;
const COUNT_W: u32 = 56;
const BAR_H: u32 = 22;
const GAP: u32 = 10;

/// A label that fits the label column; the full text stays in the bar's `<title>`.
fn fit(label: &str) -> String {
    const MAX: usize = 20;
    if label.chars().count() <= MAX {
        label.to_string()
    } else {
        let cut: String = label.chars().take(MAX - 1).collect();
        format!("{cut}…")
    }
}

fn bar_view(chart: &Chart, bar: &Bar, i: usize, max: usize, on_pick: &Callback<Filters>) -> Html {
    let y = i as u32 * (BAR_H + GAP);
    let span = WIDTH - LABEL_W - COUNT_W;
    // A zero still gets a hairline, so "none" reads as a measured zero, not a missing bar.
    let w = if max == 0 {
        0
    } else {
        ((bar.count as u64 * span as u64) / max as u64) as u32
    };
    let w = w.max(2);
    let noun = if bar.count == 1 {
        "finding"
    } else {
        "findings"
    };
    let name = format!("{}: {} {noun}. Show them.", bar.label, bar.count);
    let onclick = {
        let filters = bar.filters.clone();
        on_pick.reform(move |_: MouseEvent| filters.clone())
    };
    let onkeydown = {
        let filters = bar.filters.clone();
        let on_pick = on_pick.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                on_pick.emit(filters.clone());
            }
        })
    };
    html! {
        <g class={classes!("bar", bar.tone.clone(), (bar.count == 0).then_some("zero"))}
            role="button" tabindex="0" aria-label={name.clone()}
            data-testid="chart-bar" data-chart={chart.id} data-value={bar.value.clone()} data-count={bar.count.to_string()}
            transform={format!("translate(0 {y})")} {onclick} {onkeydown}>
            <title>{ name }</title>
            <rect class="bar-hit" x="0" y="-4" width={WIDTH.to_string()} height={(BAR_H + 8).to_string()} rx="4" />
            <text class="bar-label" x={(LABEL_W - 10).to_string()} y={(BAR_H / 2).to_string()}
                text-anchor="end" dominant-baseline="central">{ fit(&bar.label) }</text>
            <rect class="bar-fill" x={LABEL_W.to_string()} y="0" width={w.to_string()} height={BAR_H.to_string()} rx="3" />
            <text class="bar-count" x={(LABEL_W + w + 8).to_string()} y={(BAR_H / 2).to_string()}
                dominant-baseline="central">{ bar.count }</text>
        </g>
    }
}

fn chart_view(chart: &Chart, on_pick: &Callback<Filters>, note: Html) -> Html {
    let max = chart.bars.iter().map(|b| b.count).max().unwrap_or(0);
    let n = chart.bars.len().max(1) as u32;
    let height = n * (BAR_H + GAP);
    let title_id = format!("chart-{}-title", chart.id);
    html! {
        <section class="chart-card" data-testid="chart" data-chart={chart.id} aria-labelledby={title_id.clone()}>
            <h2 class="chart-title" id={title_id}>{ chart.title }</h2>
            if chart.bars.is_empty() {
                <p class="muted">{ "No failing findings." }</p>
            } else {
                <svg class="chart" viewBox={format!("0 -4 {WIDTH} {height}")} role="group"
                    aria-label={chart.title} preserveAspectRatio="xMinYMin meet">
                    { for chart.bars.iter().enumerate().map(|(i, b)| bar_view(chart, b, i, max, on_pick)) }
                </svg>
            }
            { note }
        </section>
    }
}

#[function_component]
pub fn Overview(props: &OverviewProps) -> Html {
    let r = &props.report;
    html! {
        <section class="overview" data-testid="overview" aria-label="Overview">
            <div class="chart-grid">
                { chart_view(&by_severity(r), &props.on_pick, html! {
                    <p class="chart-note muted">{ "UNKNOWN: the export lacks a fact a rule needs; neither a pass nor a fail." }</p>
                }) }
                { chart_view(&by_service(r), &props.on_pick, Html::default()) }
                { chart_view(&by_account(r), &props.on_pick, Html::default()) }
                <FrameworkScores report={r.clone()} on_open={props.on_framework.clone()} />
                { chart_view(&by_framework(r), &props.on_pick, Html::default()) }
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::{demo_report, render};

    #[test]
    fn charts_have_text_labels_numbers_and_keyboard_reachable_bars() {
        let (report, _) = demo_report();
        let html = render::<Overview>(OverviewProps {
            report: report.clone(),
            on_pick: Callback::noop(),
            on_framework: Callback::noop(),
        });
        for chart in ["severity", "service", "account", "framework"] {
            assert!(html.contains(&format!("data-chart=\"{chart}\"")), "{chart}");
        }
        assert!(html.contains("<svg"));
        assert!(html.contains(">CRITICAL<"), "severity written out");
        assert!(html.contains(">123456789012<"), "account label");
        assert!(html.contains("role=\"button\""));
        assert!(html.contains("tabindex=\"0\""));
        assert!(html.contains("data-testid=\"framework-scores\""));
        let critical = report
            .findings
            .iter()
            .filter(|f| {
                f.severity == stratoscope::Severity::Critical
                    && f.outcome == stratoscope::Outcome::Fail
            })
            .count();
        assert!(
            html.contains(&format!(
                "data-value=\"critical\" data-count=\"{critical}\""
            )),
            "{html}"
        );
    }

    #[test]
    fn long_labels_are_shortened_for_the_column() {
        assert_eq!(fit("iam"), "iam");
        assert_eq!(fit("a-very-long-framework-name-v9").chars().count(), 20);
        assert!(fit("a-very-long-framework-name-v9").ends_with('…'));
    }
}
