//! The analysis worker: the second binary (`stratoscope-worker`) runs [`serve`] in a dedicated
//! Web Worker, so decoding, normalising and evaluating a large export never blocks the page.
//!
//! It is the same crate as the page, so it links the same engine, rule pack and allocator
//! ([`crate::alloc`]); Trunk builds it with `data-type="worker"` (wasm-bindgen's `no-modules`
//! glue, file names without a hash) and `www/worker-loader.js` starts it.
//!
//! The conversation, all plain objects with a `kind` (see [`protocol`]):
//!
//! | from | kind | fields |
//! |---|---|---|
//! | loader | `failed` | `message`: the worker could not start; the page analyses in-page |
//! | worker | `ready` | listening (messages sent before this would be lost) |
//! | worker | `warm` | `rounds`, `ms`: the warm-up ([`crate::warm_up`]) is over, done or cut short by a message |
//! | page | `analyse` | `job` (the generation), `names`, `files` (Uint8Arrays, transferred), `parameters` (JSON of rule parameter overrides; optional) |
//! | worker | `progress` | `job`, `stage`, `count` (see [`crate::analysis::Stage`]) |
//! | worker | `slices` | `job`, `findings` (the next slices, transferred), `finding_count` (of the whole report) |
//! | worker | `done` | `job`, then `report`, `findings` (the last slices), `finding_count`, `normalise_ms`, `evaluate_ms`, `memory_bytes`, `normalised_memory_bytes`, `read_ms`, `split_ms`; or `error` |
//! | page | `resources` | `job`: which resources did that analysis find |
//! | worker | `resources` | `job`, `list` (JSON bytes of [`crate::inventory::ResourceEntry`]s, transferred); or `error` |
//! | page | `resource` | `job`, `id`: one resource's normalised attributes |
//! | worker | `resource` | `job`, `id`, `resource` (JSON bytes of a [`crate::inventory::ResourceDetail`]); or `error` |
//! | page | `drift` | `job`, `names`, `files`: a baseline export set to compare that analysis with |
//! | worker | `drift` | `job`, `drift` (JSON bytes of a `stratoscope::drift::DriftReport`); or `error` |
//! | page | `principal` | `job`, `id`: what that user, group or role can do |
//! | worker | `principal` | `job`, `id`, `principal` (JSON bytes of a [`crate::access::PrincipalAccess`]); or `error` |
//! | page | `who` | `job`, `id` (an ARN): who can act on that resource |
//! | worker | `who` | `job`, `id`, `who` (JSON bytes of a [`crate::access::ResourceAccess`]); or `error` |
//! | page | `forget` | drop the kept inventory (the page cleared its files) |
//!
//! The worker keeps the inventory of its latest `analyse` job (without the decoded documents),
//! its report and its options, so the Resources view can browse it and a baseline can be
//! compared with it without a second analysis or every attribute crossing over up front; a
//! question about another job gets an `error`.
//!
//! The report travels in transferred buffers, split by [`crate::transfer`]: `report` is
//! everything but the findings, as JSON, `findings` an array of slices of them in a compact
//! binary form, each with the rules and resources its findings are the first to refer to.
//! Parsing a 5 MB report in one go held the page's thread for over 100 ms; slice by slice, the
//! page yields in between. The slices go out in `slices` messages as they are written, and
//! the last of them with `done`, so the page reads them on its own thread while the worker
//! writes the rest.

/// The script the page starts the worker with, relative to the page (copied into `dist/`).
/// Trunk does not hash a worker's file names, so the version goes in the query instead, and the
/// loader passes it on to the glue and the wasm: a cached worker from another release is never
/// paired with this page.
pub const SCRIPT: &str = concat!("worker-loader.js?v=", env!("CARGO_PKG_VERSION"));

/// Message kinds and field names, shared by both ends (and by `www/worker-loader.js`).
pub mod protocol {
    pub const KIND: &str = "kind";
    pub const FAILED: &str = "failed";
    pub const READY: &str = "ready";
    pub const WARM: &str = "warm";
    pub const ANALYSE: &str = "analyse";
    pub const PROGRESS: &str = "progress";
    pub const SLICES: &str = "slices";
    pub const DONE: &str = "done";
    pub const RESOURCES: &str = "resources";
    pub const RESOURCE: &str = "resource";
    pub const FORGET: &str = "forget";
    pub const DRIFT: &str = "drift";
    pub const PRINCIPAL: &str = "principal";
    pub const WHO: &str = "who";
    pub const PARAMETERS: &str = "parameters";

    pub const JOB: &str = "job";
    pub const NAMES: &str = "names";
    pub const FILES: &str = "files";
    pub const STAGE: &str = "stage";
    pub const COUNT: &str = "count";
    pub const REPORT: &str = "report";
    pub const FINDINGS: &str = "findings";
    pub const FINDING_COUNT: &str = "finding_count";
    pub const ERROR: &str = "error";
    pub const MESSAGE: &str = "message";
    pub const NORMALISE_MS: &str = "normalise_ms";
    pub const EVALUATE_MS: &str = "evaluate_ms";
    pub const MEMORY_BYTES: &str = "memory_bytes";
    pub const NORMALISED_MEMORY_BYTES: &str = "normalised_memory_bytes";
    pub const READ_MS: &str = "read_ms";
    pub const SPLIT_MS: &str = "split_ms";
    pub const LIST: &str = "list";
    pub const ID: &str = "id";
    pub const ROUNDS: &str = "rounds";
    pub const MS: &str = "ms";
}

/// The answers to the page's questions about a kept inventory, as the JSON bytes that cross
/// over. Shared by the worker and the tests; the page parses them with [`answers::list`] and
/// [`answers::detail`].
pub mod answers {
    use crate::analysis::analyze_inputs_kept;
    use crate::inventory::{self, ResourceDetail, ResourceEntry};
    use stratoscope::analyze::Inventory;
    use stratoscope::drift::DriftReport;
    use stratoscope::{Input, Options, Report, RulePack};

    /// What the worker (or the page, after a fallback) holds of its latest analysis.
    pub struct Kept {
        pub job: f64,
        pub inventory: Inventory,
        pub report: Report,
        pub options: Options,
    }

    /// Analyses a baseline export set with the same pack and options as the kept analysis, and
    /// compares the two.
    pub fn drift_report(kept: &Kept, baseline: Vec<Input>, pack: &RulePack) -> DriftReport {
        let (report, _, inventory) =
            analyze_inputs_kept(baseline, pack, &kept.options, &mut |_| {});
        stratoscope::drift::drift((&inventory, &report), (&kept.inventory, &kept.report))
    }

    pub fn drift_bytes(
        kept: &Kept,
        baseline: Vec<Input>,
        pack: &RulePack,
    ) -> Result<Vec<u8>, String> {
        serde_json::to_vec(&drift_report(kept, baseline, pack)).map_err(|e| e.to_string())
    }

    pub fn principal_bytes(inv: &Inventory, id: &str) -> Result<Vec<u8>, String> {
        serde_json::to_vec(&crate::access::principal(inv, id)?).map_err(|e| e.to_string())
    }

    pub fn who_bytes(inv: &Inventory, arn: &str) -> Result<Vec<u8>, String> {
        serde_json::to_vec(&crate::access::resource(inv, arn)?).map_err(|e| e.to_string())
    }

    /// Parses a JSON answer of the worker's.
    pub fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("unreadable answer: {e}"))
    }

    pub fn drift(bytes: &[u8]) -> Result<DriftReport, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("unreadable drift report: {e}"))
    }

    pub fn list_bytes(inv: &Inventory) -> Result<Vec<u8>, String> {
        serde_json::to_vec(&inventory::entries(inv)).map_err(|e| e.to_string())
    }

    pub fn detail_bytes(inv: &Inventory, id: &str) -> Result<Vec<u8>, String> {
        let detail = inventory::detail(inv, id)
            .ok_or_else(|| format!("no resource {id} in the analysed files"))?;
        serde_json::to_vec(&detail).map_err(|e| e.to_string())
    }

    pub fn list(bytes: &[u8]) -> Result<Vec<ResourceEntry>, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("unreadable resource list: {e}"))
    }

    pub fn detail(bytes: &[u8]) -> Result<ResourceDetail, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("unreadable resource: {e}"))
    }
}

/// Small helpers over plain JS objects, used by both ends.
#[cfg(target_arch = "wasm32")]
pub(crate) mod js {
    use wasm_bindgen::JsValue;

    /// `{ key: value, … }`.
    pub fn object(fields: &[(&str, JsValue)]) -> js_sys::Object {
        let o = js_sys::Object::new();
        for (key, value) in fields {
            // Setting a property on a fresh plain object cannot fail.
            let _ = js_sys::Reflect::set(&o, &JsValue::from_str(key), value);
        }
        o
    }

    /// `o[key]`, or `undefined`.
    pub fn get(o: &JsValue, key: &str) -> JsValue {
        js_sys::Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    pub fn get_str(o: &JsValue, key: &str) -> Option<String> {
        get(o, key).as_string()
    }

    pub fn get_f64(o: &JsValue, key: &str) -> Option<f64> {
        get(o, key).as_f64()
    }
}

/// The worker's entry point: loads the rule pack, listens for `analyse` messages, says
/// `ready`, then warms up until the page sends something. Each job runs to completion before
/// the next message is handled; the page never sends a second one while a job runs (it
/// restarts the worker instead).
#[cfg(target_arch = "wasm32")]
pub fn serve() {
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let pack = Rc::new(crate::analysis::load_builtin());
    let replies = scope.clone();
    // Cleared by the page's first message, which ends the warm-up.
    let quiet = Rc::new(Cell::new(true));
    // The latest job's inventory and report, for the page's questions.
    let mut kept: Option<answers::Kept> = None;
    let (handler_pack, handler_quiet) = (pack.clone(), quiet.clone());
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            handler_quiet.set(false);
            let pack = &handler_pack;
            let data = event.data();
            match js::get_str(&data, protocol::KIND).as_deref() {
                Some(protocol::ANALYSE) => {
                    // The old inventory goes first, so two are never held at once.
                    drop(kept.take());
                    kept = handle(&replies, &pack.pack, &data);
                }
                Some(protocol::FORGET) => kept = None,
                Some(
                    kind @ (protocol::RESOURCES
                    | protocol::RESOURCE
                    | protocol::DRIFT
                    | protocol::PRINCIPAL
                    | protocol::WHO),
                ) => answer(&replies, &pack.pack, kind, &data, kept.as_ref()),
                _ => {}
            }
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(
        &scope,
        &js::object(&[(protocol::KIND, protocol::READY.into())]),
        None,
    );
    yew::platform::spawn_local(warm_up(scope, pack, quiet));
}

/// Runs [`crate::warm_up::round`]s while `quiet` holds, yielding to the message loop between
/// them so a job dropped meanwhile waits for one round at most, then says `warm`.
#[cfg(target_arch = "wasm32")]
async fn warm_up(
    scope: web_sys::DedicatedWorkerGlobalScope,
    pack: std::rc::Rc<crate::analysis::PackLoad>,
    quiet: std::rc::Rc<std::cell::Cell<bool>>,
) {
    use crate::analysis::now_ms;
    use crate::warm_up::{round, LIMIT_MS, ROUNDS};

    let start = now_ms();
    let mut rounds = 0;
    while rounds < ROUNDS && now_ms() - start < LIMIT_MS {
        yew::platform::time::sleep(std::time::Duration::ZERO).await;
        if !quiet.get() {
            break;
        }
        round(&pack.pack);
        rounds += 1;
    }
    post(
        &scope,
        &js::object(&[
            (protocol::KIND, protocol::WARM.into()),
            (protocol::ROUNDS, f64::from(rounds).into()),
            (protocol::MS, (now_ms() - start).into()),
        ]),
        None,
    );
}

#[cfg(target_arch = "wasm32")]
fn post(
    scope: &web_sys::DedicatedWorkerGlobalScope,
    message: &js_sys::Object,
    transfer: Option<&js_sys::Array>,
) {
    // Posting plain objects, strings, numbers and ArrayBuffers cannot fail to clone; if the
    // page has gone away there is no one to tell.
    let _ = match transfer {
        Some(transfer) => scope.post_message_with_transfer(message, transfer),
        None => scope.post_message(message),
    };
}

/// The `names` and `files` of a message as the engine's inputs: each read into this worker's
/// memory, from the file itself or from the transferred buffer.
#[cfg(target_arch = "wasm32")]
fn inputs_of(data: &wasm_bindgen::JsValue) -> Vec<stratoscope::Input> {
    use wasm_bindgen::JsCast;
    let names: js_sys::Array = js::get(data, protocol::NAMES)
        .dyn_into()
        .unwrap_or_default();
    let files: js_sys::Array = js::get(data, protocol::FILES)
        .dyn_into()
        .unwrap_or_default();
    names
        .iter()
        .zip(files.iter())
        .map(|(name, file)| {
            stratoscope::Input::new(name.as_string().unwrap_or_default(), bytes_of(file))
        })
        .collect()
}

/// A file's bytes as the page sent them: a `Blob` (a file from disk, read here so the page
/// never copies it) or bytes. A blob the worker cannot read gives no bytes, which the engine
/// reports as an empty, unrecognised file.
#[cfg(target_arch = "wasm32")]
fn bytes_of(file: wasm_bindgen::JsValue) -> Vec<u8> {
    use wasm_bindgen::JsCast;
    match file.dyn_into::<web_sys::Blob>() {
        Ok(blob) => web_sys::FileReaderSync::new()
            .and_then(|reader| reader.read_as_array_buffer(&blob))
            .map(|buffer| js_sys::Uint8Array::new(&buffer).to_vec())
            .unwrap_or_default(),
        Err(other) => other
            .dyn_into::<js_sys::Uint8Array>()
            .map(|a| a.to_vec())
            .unwrap_or_default(),
    }
}

/// Answers a `resources`, `resource` or `drift` question from the kept analysis, if it is the
/// job's.
#[cfg(target_arch = "wasm32")]
fn answer(
    scope: &web_sys::DedicatedWorkerGlobalScope,
    pack: &stratoscope::RulePack,
    kind: &str,
    data: &wasm_bindgen::JsValue,
    kept: Option<&answers::Kept>,
) {
    use protocol as p;
    use wasm_bindgen::JsValue;

    let job = js::get(data, p::JOB);
    let id = js::get_str(data, p::ID).unwrap_or_default();
    let held = kept
        .filter(|k| Some(k.job) == job.as_f64())
        .ok_or_else(|| "this analysis is no longer held by the worker".to_string());
    let (field, bytes) = match kind {
        p::RESOURCES => (
            p::LIST,
            held.and_then(|k| answers::list_bytes(&k.inventory)),
        ),
        p::DRIFT => (
            p::DRIFT,
            held.and_then(|k| answers::drift_bytes(k, inputs_of(data), pack)),
        ),
        p::PRINCIPAL => (
            p::PRINCIPAL,
            held.and_then(|k| answers::principal_bytes(&k.inventory, &id)),
        ),
        p::WHO => (
            p::WHO,
            held.and_then(|k| answers::who_bytes(&k.inventory, &id)),
        ),
        _ => (
            p::RESOURCE,
            held.and_then(|k| answers::detail_bytes(&k.inventory, &id)),
        ),
    };
    let mut fields = vec![
        (p::KIND, JsValue::from_str(kind)),
        (p::JOB, job),
        (p::ID, JsValue::from_str(&id)),
    ];
    let transfer = js_sys::Array::new();
    match bytes {
        Ok(bytes) => {
            let array = js_sys::Uint8Array::from(bytes.as_slice());
            transfer.push(&array.buffer());
            fields.push((field, array.into()));
        }
        Err(e) => fields.push((p::ERROR, JsValue::from_str(&e))),
    }
    post(scope, &js::object(&fields), Some(&transfer));
}

/// Runs one `analyse` job, posts its stages and its result, and hands back the inventory to
/// keep.
#[cfg(target_arch = "wasm32")]
fn handle(
    scope: &web_sys::DedicatedWorkerGlobalScope,
    pack: &stratoscope::RulePack,
    data: &wasm_bindgen::JsValue,
) -> Option<answers::Kept> {
    use crate::analysis::{analyze_inputs_kept, memory_bytes, now_ms, Stage};
    use protocol as p;
    use wasm_bindgen::{JsCast, JsValue};

    let job = js::get(data, p::JOB);
    // Overrides the page could not express would have been refused there; an unreadable
    // string means none.
    let parameters: crate::analysis::Parameters = js::get_str(data, p::PARAMETERS)
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let options = crate::analysis::options(&parameters);

    let mut on_stage = |stage: Stage| {
        let (name, count) = stage.to_wire();
        post(
            scope,
            &js::object(&[
                (p::KIND, p::PROGRESS.into()),
                (p::JOB, job.clone()),
                (p::STAGE, name.into()),
                (p::COUNT, (count as f64).into()),
            ]),
            None,
        );
    };

    // Said before the files are read, which for a large file from disk takes a while.
    let files = js::get(data, p::FILES)
        .dyn_into::<js_sys::Array>()
        .map_or(0, |a| a.length() as usize);
    on_stage(Stage::Reading { files });
    let read = now_ms();
    let inputs = inputs_of(data);
    let read_ms = now_ms() - read;
    let (mut report, timing, inventory) =
        analyze_inputs_kept(inputs, pack, &options, &mut on_stage);
    let finding_count = report.findings.len();
    // Each slice is copied out of this worker's memory as it is written; the buffers then move
    // to the page, a few slices to a message, the last with `done`.
    let mut transfer = js_sys::Array::new();
    let mut findings = js_sys::Array::new();
    let split_start = now_ms();
    let split =
        crate::transfer::split_each(&mut report, crate::transfer::FINDINGS_PER_SLICE, |slice| {
            if findings.length() as usize == crate::transfer::SLICES_PER_MESSAGE {
                let message = js::object(&[
                    (p::KIND, p::SLICES.into()),
                    (p::JOB, job.clone()),
                    (p::FINDINGS, std::mem::take(&mut findings).into()),
                    (p::FINDING_COUNT, (finding_count as f64).into()),
                ]);
                post(scope, &message, Some(&std::mem::take(&mut transfer)));
            }
            let slice = js_sys::Uint8Array::from(slice.as_slice());
            transfer.push(&slice.buffer());
            findings.push(&slice);
        });
    let split_ms = now_ms() - split_start;
    // Kept for drift.
    let kept = job.as_f64().map(|j| answers::Kept {
        job: j,
        inventory,
        report,
        options,
    });
    match split {
        Ok(head) => {
            let head = js_sys::Uint8Array::from(head.as_slice());
            transfer.push(&head.buffer());
            let message = js::object(&[
                (p::KIND, p::DONE.into()),
                (p::JOB, job),
                (p::REPORT, head.into()),
                (p::FINDINGS, findings.into()),
                (p::FINDING_COUNT, (finding_count as f64).into()),
                (p::NORMALISE_MS, timing.normalise_ms.into()),
                (p::EVALUATE_MS, timing.evaluate_ms.into()),
                // Measured now, so the peak includes the serialised report.
                (p::MEMORY_BYTES, (memory_bytes() as f64).into()),
                (
                    p::NORMALISED_MEMORY_BYTES,
                    (timing.normalised_memory_bytes as f64).into(),
                ),
                (p::READ_MS, read_ms.into()),
                (p::SPLIT_MS, split_ms.into()),
            ]);
            post(scope, &message, Some(&transfer));
        }
        Err(e) => {
            let error = format!("the report could not be serialised: {e}");
            let message = js::object(&[
                (p::KIND, p::DONE.into()),
                (p::JOB, job),
                (p::ERROR, JsValue::from_str(&error)),
            ]);
            post(scope, &message, None);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use crate::analysis::{load_builtin, DEMO_BYTES, DEMO_NAME};

    #[test]
    fn inventory_answers_cross_over_as_json_and_back() {
        use super::answers;
        use stratoscope::analyze::build_inventory;
        let inv = build_inventory(&[stratoscope::Input::new(DEMO_NAME, DEMO_BYTES.to_vec())]);
        let list = answers::list(&answers::list_bytes(&inv).expect("lists")).expect("parses");
        assert_eq!(list, crate::inventory::entries(&inv));
        let id = &list[0].id;
        let detail =
            answers::detail(&answers::detail_bytes(&inv, id).expect("finds")).expect("parses");
        assert_eq!(&detail.entry.id, id);
        let missing = answers::detail_bytes(&inv, "arn:nope").expect_err("absent");
        assert!(missing.contains("arn:nope"), "{missing}");
        assert!(answers::list(b"{").is_err());
    }

    #[test]
    fn a_baseline_is_compared_with_the_kept_analysis() {
        use super::answers;
        use crate::analysis::analyze_inputs_kept;
        let pack = load_builtin();
        let later = include_bytes!("../../../tests/fixtures/drift/authz-small-later.json");
        let earlier = include_bytes!("../../../tests/fixtures/aws/authz-small.json");
        let options = stratoscope::Options::default();
        let (report, _, inventory) = analyze_inputs_kept(
            vec![stratoscope::Input::new("later.json", later.to_vec())],
            &pack.pack,
            &options,
            &mut |_| {},
        );
        let kept = answers::Kept {
            job: 1.0,
            inventory,
            report,
            options,
        };
        let bytes = answers::drift_bytes(
            &kept,
            vec![stratoscope::Input::new("earlier.json", earlier.to_vec())],
            &pack.pack,
        )
        .expect("compares");
        let drift = answers::drift(&bytes).expect("parses");
        assert_eq!(drift.baseline_inputs[0].name, "earlier.json");
        assert_eq!(drift.current_inputs[0].name, "later.json");
        let s = &drift.summary;
        assert!(s.new + s.resolved > 0, "the fixtures differ: {s:?}");
        assert!(
            s.resources_added + s.resources_removed + s.resources_changed > 0,
            "{s:?}"
        );
    }
}
