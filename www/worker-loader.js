// Starts the analysis worker (crates/web/src/worker.rs) inside a dedicated Web Worker. The page
// creates this worker with `new Worker('worker-loader.js?v=<version>')`; Trunk builds the worker
// binary with wasm-bindgen's no-modules glue under fixed names (workers' files are not hashed),
// so the version query is passed on to keep caches from mixing releases. The worker says
// `ready` itself once it listens; if it cannot start, this tells the page, which then analyses
// on its own thread instead.
function failed(err) {
    self.postMessage({ kind: 'failed', message: err && err.message ? err.message : String(err) });
}

try {
    const version = self.location.search;
    importScripts('./stratoscope-worker.js' + version);
    // `wasm_bindgen` is the global the no-modules glue defines.
    wasm_bindgen({ module_or_path: './stratoscope-worker_bg.wasm' + version }).catch(failed);
} catch (err) {
    failed(err);
}
