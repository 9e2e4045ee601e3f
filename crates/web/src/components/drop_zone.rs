//! Where files come in: drag and drop, a file picker, the demo export, and Clear.
//!
//! The component only collects `File` handles; reading them is the app's job, so this stays a
//! plain view with callbacks.

use web_sys::{DragEvent, FileList, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DropZoneProps {
    /// Files are loaded: the zone shrinks to a strip so the findings get the room.
    pub compact: bool,
    pub can_clear: bool,
    pub on_files: Callback<Vec<web_sys::File>>,
    pub on_demo: Callback<()>,
    pub on_clear: Callback<()>,
}

/// Copies a FileList into owned handles before the input is reset (which empties it).
pub fn files_of(list: &FileList) -> Vec<web_sys::File> {
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

#[function_component]
pub fn DropZone(props: &DropZoneProps) -> Html {
    let dragging = use_state(|| false);

    // Without preventDefault on dragenter/dragover the browser refuses the drop (and would
    // navigate to the file instead).
    let ondragenter = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(true);
        })
    };
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            e.stop_propagation();
            if let Some(dt) = e.data_transfer() {
                dt.set_drop_effect("copy");
            }
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let ondrop = {
        let dragging = dragging.clone();
        let on_files = props.on_files.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            // The page also accepts drops as a fallback; stop here so files load once.
            e.stop_propagation();
            dragging.set(false);
            let files = e
                .data_transfer()
                .and_then(|dt| dt.files())
                .map(|list| files_of(&list))
                .unwrap_or_default();
            if !files.is_empty() {
                on_files.emit(files);
            }
        })
    };
    let onchange = {
        let on_files = props.on_files.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let files = input
                .files()
                .map(|list| files_of(&list))
                .unwrap_or_default();
            // Reset so choosing the same file again still fires `change`.
            input.set_value("");
            if !files.is_empty() {
                on_files.emit(files);
            }
        })
    };
    let on_demo = props.on_demo.reform(|_: MouseEvent| ());
    let on_clear = props.on_clear.reform(|_: MouseEvent| ());

    let class = classes!(
        "drop-zone",
        props.compact.then_some("compact"),
        dragging.then_some("dragging")
    );
    html! {
        <section {class} data-testid="drop-zone" aria-label="Load export files"
            {ondragenter} {ondragover} {ondragleave} {ondrop}>
            <div class="drop-text">
                <p class="drop-title">
                    { if props.compact { "Add files: drop them here, or" } else { "Drop export files here" } }
                </p>
                if !props.compact {
                    <p class="drop-hint">
                        { "Several files at once. Files accumulate; every addition re-analyses all of them together." }
                    </p>
                }
            </div>
            <div class="drop-actions">
                <label class="button primary file-button">
                    <input class="visually-hidden" type="file" multiple=true data-testid="file-input" {onchange} />
                    { "Choose files…" }
                </label>
                <button type="button" class="button" data-testid="demo-button" onclick={on_demo}>
                    { "Load demo" }
                </button>
                <button type="button" class="button subtle" data-testid="clear-button" onclick={on_clear}
                    disabled={!props.can_clear}>
                    { "Clear" }
                </button>
            </div>
        </section>
    }
}
