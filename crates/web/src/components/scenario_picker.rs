//! The trainers' scenarios on the load screen, and the banner that keeps a loaded scenario's
//! brief in view while the class works through the findings.

use crate::scenarios::{Scenario, SCENARIOS};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ScenarioPickerProps {
    /// The chosen scenario's id.
    pub on_load: Callback<&'static str>,
}

#[function_component]
pub fn ScenarioPicker(props: &ScenarioPickerProps) -> Html {
    html! {
        <section class="scenarios" data-testid="scenario-picker" aria-labelledby="scenarios-title">
            <h2 class="section-title" id="scenarios-title">{ "Demo scenarios for training" }</h2>
            <ul class="scenario-list">
                { for SCENARIOS.iter().map(|s| {
                    let id = s.id;
                    let onclick = props.on_load.reform(move |_: MouseEvent| id);
                    let files: Vec<&str> = s.files.iter().map(|f| f.name).collect();
                    html! {
                        <li class="scenario-card" data-testid="scenario" data-scenario={s.id}>
                            <h3 class="scenario-title">{ s.title }</h3>
                            <p class="scenario-narrative">{ s.narrative }</p>
                            <p class="scenario-files mono">{ files.join(", ") }</p>
                            <button type="button" class="button" data-testid="scenario-load" data-scenario={s.id}
                                aria-label={format!("Load scenario: {}", s.title)} {onclick}>
                                { "Load this scenario" }
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ScenarioBannerProps {
    pub scenario: &'static Scenario,
}

#[function_component]
pub fn ScenarioBanner(props: &ScenarioBannerProps) -> Html {
    let s = props.scenario;
    html! {
        <section class="scenario-banner" data-testid="scenario-narrative" data-scenario={s.id} aria-label="Scenario">
            <p>
                <span class="scenario-tag">{ "Scenario" }</span>
                <strong>{ s.title }</strong>
                { " — " }
                { s.narrative }
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::render;

    #[test]
    fn every_scenario_has_a_card_with_its_narrative_and_a_button() {
        let html = render::<ScenarioPicker>(ScenarioPickerProps {
            on_load: Callback::noop(),
        });
        for s in SCENARIOS {
            assert!(html.contains(&format!("data-scenario=\"{}\"", s.id)));
            assert!(html.contains(s.title));
        }
        assert_eq!(
            html.matches("data-testid=\"scenario-load\"").count(),
            SCENARIOS.len()
        );
    }
}
