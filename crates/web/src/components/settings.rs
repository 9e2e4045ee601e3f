//! The Settings view: rule parameter overrides, edited per parameter (JSON values) or as the
//! settings TOML the CLI reads with `--settings`; kept in the browser, applied by analysing the
//! loaded files again, and imported or exported as that file.

use crate::app::AppContext;
use crate::download::{read_chosen_text, save};
use crate::settings_view::{
    parse, rules_with_parameters, to_toml, value_text, with_value, without,
};
use crate::state::Action;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[function_component]
pub fn Settings() -> Html {
    let ctx = use_context::<AppContext>();
    // (rule, parameter) → message of the latest refused edit; and the TOML editor's state.
    let field_error = use_state(|| None::<(String, String, String)>);
    let toml_text = use_state(|| None::<String>);
    let toml_message = use_state(|| None::<Result<String, String>>);
    let Some(ctx) = ctx else {
        return Html::default();
    };
    let state = ctx.state.clone();
    let pack = ctx.pack.clone();
    let current = state.records.parameters.clone();
    let file_text = to_toml(&current);
    let shown_text = (*toml_text).clone().unwrap_or_else(|| file_text.clone());

    let apply_text = {
        let (state, pack, toml_text, toml_message) = (
            state.clone(),
            pack.clone(),
            toml_text.clone(),
            toml_message.clone(),
        );
        move |origin: String, text: String| match parse(&origin, &text, &pack.pack) {
            Ok(p) => {
                state.dispatch(Action::SetParameters(p));
                toml_text.set(None);
                toml_message.set(Some(Ok(format!("Applied {origin}."))));
            }
            Err(e) => toml_message.set(Some(Err(e))),
        }
    };
    let on_toml_input = {
        let toml_text = toml_text.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            toml_text.set(Some(area.value()));
        })
    };
    let on_apply = {
        let (apply_text, shown) = (apply_text.clone(), shown_text.clone());
        Callback::from(move |_: MouseEvent| apply_text("the settings".to_string(), shown.clone()))
    };
    let on_export = {
        let text = file_text.clone();
        let toml_message = toml_message.clone();
        Callback::from(move |_: MouseEvent| {
            let name = "stratoscope-settings.toml";
            toml_message.set(Some(
                save(name, "application/toml", &text).map(|()| format!("Saved {name}.")),
            ));
        })
    };
    let on_import = {
        let (apply_text, toml_message) = (apply_text.clone(), toml_message.clone());
        Callback::from(move |e: Event| {
            let (apply_text, toml_message) = (apply_text.clone(), toml_message.clone());
            read_chosen_text(&e, move |name, text| match text {
                Ok(text) => apply_text(name, text),
                Err(e) => toml_message.set(Some(Err(e))),
            });
        })
    };
    let overrides = current.values().map(|p| p.len()).sum::<usize>();
    html! {
        <section class="settings stack" data-testid="settings" aria-label="Settings">
            <p class="muted">{ "Rule parameters tune what a rule reports (which ports count as administrative, which services are sensitive). Overrides are kept in this browser and applied to every analysis; the loaded files are analysed again when they change. The same file works with the CLI: stratoscope scan --settings stratoscope-settings.toml." }</p>
            if let Some(e) = &state.records.settings_error {
                <p class="notice error" role="alert">{ format!("The settings kept in this browser could not be read, so none apply: {e}") }</p>
            }
            <div class="table-wrap">
                <table class="data" data-testid="parameters-table">
                    <thead><tr>
                        <th scope="col">{ "Rule" }</th><th scope="col">{ "Parameter" }</th>
                        <th scope="col">{ "Default" }</th><th scope="col">{ "Value (JSON)" }</th><th scope="col"></th>
                    </tr></thead>
                    <tbody>
                        { for rules_with_parameters(&pack.pack).into_iter().flat_map(|rule| rule.parameters.iter().map(move |(name, default)| (rule, name, default))).map(|(rule, name, default)| {
                            let set = current.get(&rule.id).and_then(|p| p.get(name));
                            let key = (rule.id.clone(), name.clone());
                            let onchange = {
                                let (state, pack, current, field_error, key) = (state.clone(), pack.clone(), current.clone(), field_error.clone(), key.clone());
                                Callback::from(move |e: Event| {
                                    let input: HtmlInputElement = e.target_unchecked_into();
                                    let text = input.value();
                                    let next = if text.trim().is_empty() { Ok(without(&current, &key.0, &key.1)) } else { with_value(&current, &key.0, &key.1, &text, &pack.pack) };
                                    match next {
                                        Ok(p) => { field_error.set(None); state.dispatch(Action::SetParameters(p)); }
                                        Err(e) => field_error.set(Some((key.0.clone(), key.1.clone(), e))),
                                    }
                                })
                            };
                            let on_reset = {
                                let (state, current, key) = (state.clone(), current.clone(), key.clone());
                                Callback::from(move |_: MouseEvent| state.dispatch(Action::SetParameters(without(&current, &key.0, &key.1))))
                            };
                            let error = field_error.as_ref().filter(|(r, n, _)| *r == key.0 && *n == key.1).map(|(_, _, e)| e.clone());
                            html! {
                                <tr data-testid="parameter-row" data-rule={rule.id.clone()} data-parameter={name.clone()} data-overridden={set.is_some().to_string()}>
                                    <td><span class="mono small">{ rule.id.clone() }</span><span class="ctl-section">{ rule.title.clone() }</span></td>
                                    <td class="mono small">{ name.clone() }</td>
                                    <td class="mono small">{ value_text(default) }</td>
                                    <td>
                                        <input type="text" class="mono" data-testid="parameter-input" aria-label={format!("{} {name}", rule.id)}
                                            placeholder={value_text(default)} value={set.map(value_text).unwrap_or_default()} {onchange} spellcheck="false" />
                                        if let Some(e) = error { <p class="field-error" role="alert" data-testid="parameter-error">{ e }</p> }
                                    </td>
                                    <td>
                                        if set.is_some() {
                                            <button type="button" class="button small subtle" data-testid="parameter-reset" onclick={on_reset}>{ "Reset" }</button>
                                        }
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
            <section class="panel" aria-label="Settings file">
                <h2>{ format!("Settings file ({} override{})", overrides, if overrides == 1 { "" } else { "s" }) }</h2>
                <textarea class="mono settings-toml" data-testid="settings-toml" rows="8" value={shown_text} oninput={on_toml_input} spellcheck="false" aria-label="Settings TOML" />
                <div class="row-wrap">
                    <button type="button" class="button primary" data-testid="settings-apply" onclick={on_apply}>{ "Apply" }</button>
                    <button type="button" class="button" data-testid="settings-export" onclick={on_export}>{ "Export…" }</button>
                    <label class="button file-button">
                        { "Import…" }
                        <input type="file" class="visually-hidden" accept=".toml,text/plain" data-testid="settings-import" onchange={on_import} />
                    </label>
                </div>
                { match &*toml_message {
                    Some(Ok(m)) => html! { <p class="notice ok" role="status" data-testid="settings-message">{ m.clone() }</p> },
                    Some(Err(e)) => html! { <p class="notice error mono small" role="alert" data-testid="settings-error">{ e.clone() }</p> },
                    None => Html::default(),
                } }
            </section>
        </section>
    }
}
