//! Entry point of the analysis worker's bundle. Trunk builds this binary for wasm32 as a Web
//! Worker (`data-type="worker"` in index.html); it links the same library as the page, and so
//! the same engine, rule pack and allocator. Natively it does nothing, so `cargo test` and
//! `cargo clippy` over the workspace still build it.

fn main() {
    #[cfg(target_arch = "wasm32")]
    stratoscope_web::worker::serve();
}
