//! Virtualised scrolling for long lists: only the rows inside the scrolled viewport (plus some
//! overscan) exist in the DOM; two spacer rows stand in for the rest. Rows have one fixed
//! height, set by the stylesheet and measured from the first rendered row, so large type and
//! any later style change keep the arithmetic right ([`crate::view::window`] does it).
//!
//! The page's CSP forbids inline `style` attributes, so the spacers' heights are set through
//! the CSSOM after each render rather than written into the markup.

use crate::view::{scroll_into_view, window, Window};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

/// Rows rendered beyond each edge of the viewport, so a quick scroll does not show blanks.
pub const OVERSCAN: usize = 8;

/// A first guess at the viewport before it is measured: taller than any real one, so the
/// first render fills the screen.
const VIEWPORT_GUESS: u32 = 1200;

pub struct Virtual {
    /// The scrolling element (`overflow: auto`).
    pub container: NodeRef,
    pub top_spacer: NodeRef,
    pub bottom_spacer: NodeRef,
    pub window: Window,
    pub onscroll: Callback<Event>,
    /// Scrolls so the row at a position is visible (keyboard navigation).
    pub reveal: Callback<usize>,
}

fn set_height(node: &NodeRef, px: u32) {
    if let Some(el) = node.cast::<HtmlElement>() {
        let _ = el.style().set_property("height", &format!("{px}px"));
        // An empty spacer would still take a border's or a padding's height.
        let _ = el
            .style()
            .set_property("display", if px == 0 { "none" } else { "" });
    }
}

fn measure(container: &NodeRef) -> Option<(u32, u32)> {
    let el = container.cast::<Element>()?;
    Some((
        u32::try_from(el.scroll_top()).unwrap_or(0),
        u32::try_from(el.client_height()).unwrap_or(0),
    ))
}

/// `reset` changes when the list is a different list (new filters, new report): the view
/// then goes back to its top.
#[hook]
pub fn use_virtual<R: PartialEq + Clone + 'static>(
    total: usize,
    default_row_height: u32,
    reset: R,
) -> Virtual {
    let container = use_node_ref();
    let top_spacer = use_node_ref();
    let bottom_spacer = use_node_ref();
    let scroll = use_state_eq(|| (0u32, VIEWPORT_GUESS));
    let row_height = use_state_eq(|| default_row_height);

    let onscroll = {
        let container = container.clone();
        let scroll = scroll.clone();
        Callback::from(move |_: Event| {
            if let Some(m) = measure(&container) {
                scroll.set(m);
            }
        })
    };

    // Measure once mounted, and again whenever the scrolling box changes size: not only with
    // the window, but when the layout around it moves (a toolbar row wrapping, the filter
    // chips appearing, the detail pane opening), which a window `resize` never reports.
    {
        let container = container.clone();
        let scroll = scroll.clone();
        use_effect_with((), move |_| {
            let remeasure = {
                let container = container.clone();
                let scroll = scroll.clone();
                move || {
                    if let Some(m) = measure(&container) {
                        if m.1 > 0 {
                            scroll.set(m);
                        }
                    }
                }
            };
            remeasure();
            let resized = container
                .cast::<Element>()
                .and_then(|el| on_resize(&el, remeasure.clone()));
            // Without ResizeObserver (an old browser), the window's resizes are the next best.
            let listener = resized
                .is_none()
                .then(|| web_sys::window().map(|w| listen(&w, "resize", remeasure)))
                .flatten();
            move || drop((resized, listener))
        });
    }

    // A different list starts at its top.
    {
        let container = container.clone();
        let scroll = scroll.clone();
        use_effect_with(reset, move |_| {
            if let Some(el) = container.cast::<Element>() {
                el.set_scroll_top(0);
            }
            scroll.set((0, scroll.1));
        });
    }

    let w = window(total, *row_height, scroll.0, scroll.1, OVERSCAN);

    // After every render: spacer heights, and the real row height once a row exists.
    {
        let container = container.clone();
        let top_spacer = top_spacer.clone();
        let bottom_spacer = bottom_spacer.clone();
        let row_height = row_height.clone();
        use_effect(move || {
            set_height(&top_spacer, w.above);
            set_height(&bottom_spacer, w.below);
            let measured = container
                .cast::<Element>()
                .and_then(|c| c.query_selector("[data-vrow]").ok().flatten())
                .and_then(|r| r.dyn_into::<HtmlElement>().ok())
                .map(|r| r.offset_height())
                .and_then(|h| u32::try_from(h).ok())
                .filter(|&h| h > 0);
            if let Some(h) = measured {
                row_height.set(h);
            }
        });
    }

    let reveal = {
        let container = container.clone();
        let scroll = scroll.clone();
        let h = *row_height;
        Callback::from(move |pos: usize| {
            let Some(el) = container.cast::<Element>() else {
                return;
            };
            // The sticky header covers the first row's height of the viewport.
            let (top, viewport) = (scroll.0, scroll.1.saturating_sub(h));
            if let Some(to) = scroll_into_view(pos, h, top, viewport) {
                el.set_scroll_top(i32::try_from(to).unwrap_or(i32::MAX));
                scroll.set((to, scroll.1));
            }
        })
    };

    Virtual {
        container,
        top_spacer,
        bottom_spacer,
        window: w,
        onscroll,
        reveal,
    }
}

/// A virtualised table: the scrolling box, a sticky header, an optional "nothing here" row,
/// the spacers and the rendered rows.
pub struct TableShape<'a> {
    pub class: &'static str,
    /// `data-testid` of the scrolling box and of the table.
    pub ids: (&'static str, &'static str),
    pub caption: &'static str,
    /// (class, heading) per column.
    pub columns: &'a [(&'static str, &'static str)],
    pub empty: Option<&'static str>,
    pub total_rows: usize,
}

pub fn virtual_table(v: &Virtual, shape: TableShape<'_>, rows: Html) -> Html {
    let span = shape.columns.len().to_string();
    html! {
        <div class="table-scroll" ref={v.container.clone()} onscroll={v.onscroll.clone()}
            data-testid={shape.ids.0} data-total-rows={shape.total_rows.to_string()}>
            <table class={shape.class} data-testid={shape.ids.1}>
                <caption class="visually-hidden">{ shape.caption }</caption>
                <thead>
                    <tr>
                        { for shape.columns.iter().map(|(class, label)| html! {
                            <th scope="col" class={*class}>{ *label }</th>
                        }) }
                    </tr>
                </thead>
                <tbody>
                    if let Some(message) = shape.empty {
                        <tr class="empty-row"><td colspan={span.clone()}>{ message }</td></tr>
                    }
                    <tr class="spacer" aria-hidden="true" ref={v.top_spacer.clone()}><td colspan={span.clone()}></td></tr>
                    { rows }
                    <tr class="spacer" aria-hidden="true" ref={v.bottom_spacer.clone()}><td colspan={span}></td></tr>
                </tbody>
            </table>
        </div>
    }
}

/// Calls `f` whenever `el`'s box changes size (and once when observation starts), for as long
/// as the returned guard lives; `None` when the browser has no `ResizeObserver`.
fn on_resize(el: &Element, f: impl FnMut() + 'static) -> Option<Resized> {
    let closure = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(f);
    let observer = web_sys::ResizeObserver::new(closure.as_ref().unchecked_ref()).ok()?;
    observer.observe(el);
    Some(Resized {
        observer,
        _closure: closure,
    })
}

struct Resized {
    observer: web_sys::ResizeObserver,
    _closure: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

impl Drop for Resized {
    fn drop(&mut self) {
        self.observer.disconnect();
    }
}

/// Adds an event listener to the window for as long as the returned guard lives.
pub fn listen(
    target: &web_sys::Window,
    event: &'static str,
    f: impl FnMut() + 'static,
) -> Listener {
    let closure = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(f);
    let _ = target.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
    Listener {
        target: target.clone(),
        event,
        closure,
    }
}

pub struct Listener {
    target: web_sys::Window,
    event: &'static str,
    closure: wasm_bindgen::closure::Closure<dyn FnMut()>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self
            .target
            .remove_event_listener_with_callback(self.event, self.closure.as_ref().unchecked_ref());
    }
}
