//! Stratoscope's browser app: a Yew front end over the engine, compiled to WebAssembly.
//!
//! Layout follows DESIGN §7: one reducer ([`state`]) holds the app state and is provided by
//! context from [`app`]; what the page shows is computed by plain functions in [`view`]; the
//! components in [`components`] are small and take props. Only mounting is wasm-specific, so
//! the rest is tested natively.
//!
//! The analysis itself runs in a Web Worker built from this same crate (the `stratoscope-worker`
//! binary, [`worker`]); [`offload`] is the page's side of it.
//!
//! Everything that comes from an input file (names, policy JSON, messages) is rendered as text
//! nodes through `html!`, which escapes it; nothing is ever inserted as HTML.

pub mod accepted;
pub mod access;
mod alloc;
// Linked for its `memcmp`, which nothing names (see the crate's docs).
#[cfg(target_arch = "wasm32")]
use stratoscope_wasm_mem as _;
pub mod analysis;
pub mod app;
pub mod compact;
pub mod compliance;
pub mod components;
pub mod download;
pub mod drift_view;
pub mod exports;
pub mod findings;
pub mod highlight;
pub mod inventory;
pub mod offload;
pub mod overview;
pub mod prefs;
pub mod route;
pub mod scenarios;
pub mod settings_view;
pub mod state;
pub mod storage;
pub mod transfer;
pub mod view;
pub mod warm_up;
pub mod worker;

/// Mounts the app on `<body>`, with the stored theme applied first so a dark-theme user never
/// sees a light page flash by.
#[cfg(target_arch = "wasm32")]
pub fn start() {
    prefs::apply(prefs::load());
    yew::Renderer::<app::App>::new().render();
}

/// Test helpers shared by the component render tests.
#[cfg(test)]
pub(crate) mod tests {
    use yew::{BaseComponent, LocalServerRenderer};

    /// Renders a component to an HTML string with yew's server renderer, on a single-threaded
    /// runtime, so components are tested natively without a browser.
    pub fn render<C: BaseComponent>(props: C::Properties) -> String {
        let runtime = match tokio::runtime::Builder::new_current_thread().build() {
            Ok(rt) => rt,
            Err(e) => panic!("cannot start a test runtime: {e}"),
        };
        let local = tokio::task::LocalSet::new();
        local.block_on(
            &runtime,
            LocalServerRenderer::<C>::with_props(props).render(),
        )
    }

    /// The demo export analysed with the built-in pack.
    pub fn demo_report() -> (
        crate::state::Shared<stratoscope::Report>,
        crate::state::Shared<crate::analysis::PackLoad>,
    ) {
        use crate::analysis::{analyze_files, load_builtin, DEMO_BYTES, DEMO_NAME};
        let pack = load_builtin();
        let report = analyze_files(
            &[crate::state::LoadedFile::new(
                DEMO_NAME,
                DEMO_BYTES.to_vec(),
            )],
            &pack.pack,
        );
        (
            crate::state::Shared::new(report),
            crate::state::Shared::new(pack),
        )
    }
}
