//! The page header: product name, the promise that matters most to an auditor handling a
//! client's export, and the display preferences (theme, large type).

use crate::prefs::{Prefs, Theme};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    pub prefs: Prefs,
    pub on_theme: Callback<Theme>,
    pub on_large_text: Callback<bool>,
}

#[function_component]
pub fn Header(props: &HeaderProps) -> Html {
    let next = props.prefs.theme.other();
    let theme_label = match next {
        Theme::Dark => "Dark theme",
        Theme::Light => "Light theme",
    };
    let on_theme = props.on_theme.reform(move |_: MouseEvent| next);
    let large = props.prefs.large_text;
    let on_text = props.on_large_text.reform(move |_: MouseEvent| !large);
    html! {
        <header class="app-header">
            <div class="brand">
                <img class="logo" src="favicon.svg" alt="" width="28" height="28" />
                <div>
                    <h1 class="product">{ "Stratoscope" }</h1>
                    <p class="tagline">{ "Cloud security posture audit of exported configuration" }</p>
                </div>
            </div>
            <div class="header-tools">
                <p class="privacy">
                    <span class="privacy-dot" aria-hidden="true"></span>
                    { "Runs entirely in your browser — nothing is uploaded." }
                </p>
                <button type="button" class="button subtle small" data-testid="text-size"
                    aria-pressed={large.to_string()} onclick={on_text} title="Larger text for projectors and reading at a distance">
                    { "Large text" }
                </button>
                <button type="button" class="button subtle small" data-testid="theme-toggle"
                    data-theme-now={props.prefs.theme.value()} onclick={on_theme}
                    title={format!("Switch to the {} (remembered on this computer)", theme_label.to_lowercase())}>
                    <span class="theme-icon" aria-hidden="true">{ if next == Theme::Dark { "☾" } else { "☀" } }</span>
                    { theme_label }
                </button>
            </div>
        </header>
    }
}
