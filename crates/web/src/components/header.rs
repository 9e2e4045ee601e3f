//! The page header: product name and the promise that matters most to an auditor handling a
//! client's export.

use yew::prelude::*;

#[function_component]
pub fn Header() -> Html {
    html! {
        <header class="app-header">
            <div class="brand">
                <img class="logo" src="favicon.svg" alt="" width="28" height="28" />
                <div>
                    <h1 class="product">{ "Stratoscope" }</h1>
                    <p class="tagline">{ "Cloud security posture audit of exported configuration" }</p>
                </div>
            </div>
            <p class="privacy">
                <span class="privacy-dot" aria-hidden="true"></span>
                { "Runs entirely in your browser — nothing is uploaded." }
            </p>
        </header>
    }
}
