// Starts the WebAssembly app. Trunk's own loader is an inline script, which the page's
// Content-Security-Policy forbids; Trunk.toml's pattern_script points here instead and passes
// the hashed file names as data attributes on this script's tag.
const tag = document.querySelector('script[data-js][data-wasm]');
const boot = document.getElementById('boot');

function fail(message) {
    // textContent, never innerHTML: the page allows no HTML sinks (Trusted Types 'none').
    if (boot) {
        boot.textContent = 'Stratoscope could not start: ' + message;
        boot.classList.add('boot-error');
    }
}

if (!tag) {
    fail('the loader tag is missing its data-js / data-wasm attributes.');
} else {
    try {
        const glue = new URL(tag.dataset.js, document.baseURI);
        const wasm = new URL(tag.dataset.wasm, document.baseURI);
        const { default: init } = await import(glue.href);
        await init({ module_or_path: wasm });
        if (boot) {
            boot.remove();
        }
    } catch (err) {
        fail(err && err.message ? err.message : String(err));
    }
}
