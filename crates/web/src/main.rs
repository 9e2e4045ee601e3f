//! Entry point of the browser bundle. Trunk builds this binary for wasm32; natively it does
//! nothing, so `cargo test` and `cargo clippy` over the workspace still build it.

fn main() {
    #[cfg(target_arch = "wasm32")]
    stratoscope_web::start();
}
