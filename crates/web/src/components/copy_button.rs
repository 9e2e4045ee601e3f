//! "Copy" for remediation snippets: the system clipboard through `navigator.clipboard` (no
//! network, no library), and a "Copied" (or "Copy failed") label for a few seconds after, in a
//! live region so screen readers hear it too.

use std::time::Duration;
use yew::platform::spawn_local;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CopyButtonProps {
    pub text: AttrValue,
    /// The button's accessible name ("Copy CLI").
    pub label: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Feedback {
    Idle,
    Copied,
    Failed,
}

/// How long "Copied" stays before the button reads "Copy" again.
const FEEDBACK: Duration = Duration::from_millis(2500);

#[cfg(target_arch = "wasm32")]
async fn write(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

#[cfg(not(target_arch = "wasm32"))]
async fn write(_: &str) -> bool {
    false
}

#[function_component]
pub fn CopyButton(props: &CopyButtonProps) -> Html {
    let feedback = use_state_eq(|| Feedback::Idle);
    let onclick = {
        let feedback = feedback.clone();
        let text = props.text.clone();
        Callback::from(move |_: MouseEvent| {
            let feedback = feedback.clone();
            let text = text.clone();
            spawn_local(async move {
                feedback.set(if write(&text).await {
                    Feedback::Copied
                } else {
                    Feedback::Failed
                });
                yew::platform::time::sleep(FEEDBACK).await;
                feedback.set(Feedback::Idle);
            });
        })
    };
    let (text, class) = match *feedback {
        Feedback::Idle => ("Copy", None),
        Feedback::Copied => ("Copied ✓", Some("copied")),
        Feedback::Failed => ("Copy failed: select the text instead", Some("failed")),
    };
    html! {
        <button type="button" class={classes!("button", "small", "copy", class)} data-testid="copy-button"
            aria-label={props.label.clone()} {onclick}>
            <span aria-live="polite" data-testid="copy-feedback">{ text }</span>
        </button>
    }
}
