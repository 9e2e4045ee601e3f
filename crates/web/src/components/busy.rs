//! The busy indicator shown while files are read or analysed: the current stage in words and a
//! progress bar. It is a live region so screen readers announce each stage, and it only exists
//! while work is in progress (the browser tests wait for it to disappear).

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BusyProps {
    pub label: AttrValue,
    /// `(value, max)` of the progress bar; `None` shows an indeterminate bar.
    #[prop_or_default]
    pub progress: Option<(u32, u32)>,
}

#[function_component]
pub fn Busy(props: &BusyProps) -> Html {
    let (value, max) = match props.progress {
        Some((value, max)) => (Some(value.to_string()), max.to_string()),
        None => (None, "1".to_string()),
    };
    html! {
        <div class="busy" data-testid="busy" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <div class="busy-body">
                <span class="busy-label" data-testid="busy-stage">{ props.label.clone() }</span>
                <progress class="busy-progress" data-testid="busy-progress" {max} {value}
                    aria-label={props.label.clone()}></progress>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::render;

    #[test]
    fn shows_the_stage_and_a_progress_bar() {
        let html = render::<Busy>(BusyProps {
            label: "Evaluating 40 rules…".into(),
            progress: Some((3, 4)),
        });
        assert!(html.contains("data-testid=\"busy\""));
        assert!(html.contains("Evaluating 40 rules…"));
        assert!(html.contains("<progress"), "{html}");
        assert!(html.contains("max=\"4\""), "{html}");
        assert!(html.contains("value=\"3\""), "{html}");
    }

    #[test]
    fn an_unknown_duration_gets_an_indeterminate_bar() {
        let html = render::<Busy>(BusyProps {
            label: "Reading files…".into(),
            progress: None,
        });
        assert!(html.contains("<progress"), "{html}");
        assert!(!html.contains("value="), "{html}");
    }
}
