//! The page's side of the analysis worker ([`crate::worker`]): sends each analysis to the
//! worker, turns its messages into reducer actions, and falls back to analysing on the page's
//! own thread when no worker can run (no Worker support, `file://`, a blocked script).
//!
//! - Every job carries its generation; the reducer drops results and stages of stale ones.
//! - A new job, or Clear, while a job is running restarts the worker, so the old analysis stops
//!   using the CPU instead of finishing for nothing.
//! - A worker that fails before it is ready is given up for good and the job runs in-page. A
//!   worker that dies during a job (a trap in the engine) fails that job with a message, since
//!   running the same input on the page's thread would take the page down with it; the next
//!   job gets a fresh worker.

use crate::analysis::{analyze_inputs_kept, held_inputs, options, PackLoad, Parameters};
use crate::inventory;
use crate::state::{Action, AppState, Content, LoadedFile, Shared};
use crate::worker::answers::{self, Kept};
use std::cell::RefCell;
use std::rc::Rc;
use stratoscope::Input;
use yew::UseReducerDispatcher;

/// One analysis to run: every loaded file, for one generation of the state.
#[derive(Debug, Clone)]
pub struct Job {
    pub generation: u64,
    pub files: Vec<LoadedFile>,
    /// Rule parameter overrides from the settings.
    pub parameters: Rc<Parameters>,
}

/// A question about the analysed inventory (see the worker protocol).
#[derive(Debug, Clone, PartialEq)]
pub enum Question {
    Resources {
        generation: u64,
    },
    Resource {
        generation: u64,
        id: String,
    },
    /// What a principal can do.
    Principal {
        generation: u64,
        id: String,
    },
    /// Who can act on a resource (an ARN).
    Who {
        generation: u64,
        arn: String,
    },
    /// Compare a baseline export set with the analysis.
    Drift {
        generation: u64,
        files: Vec<LoadedFile>,
    },
}

/// The files as the engine's inputs, each file from disk read now: only an analysis on this
/// thread needs their bytes here. One the browser cannot read is empty, as in the worker.
async fn read_inputs(files: &[LoadedFile]) -> Vec<Input> {
    let mut inputs = Vec::with_capacity(files.len());
    for f in files {
        let bytes = match &f.content {
            Content::Bytes(bytes) => bytes.to_vec(),
            Content::Disk { blob, .. } => {
                let blob = gloo_file::Blob::from(blob.clone());
                gloo_file::futures::read_as_bytes(&blob)
                    .await
                    .unwrap_or_default()
            }
        };
        inputs.push(Input::new(f.name.clone(), bytes));
    }
    inputs
}

thread_local! {
    /// The latest in-page analysis, for when no worker holds it.
    static PAGE_INVENTORY: RefCell<Option<Kept>> = const { RefCell::new(None) };
}

/// Answers a question from the in-page inventory, as the worker would.
pub fn answer_in_page(
    dispatcher: &UseReducerDispatcher<AppState>,
    pack: &Shared<PackLoad>,
    question: Question,
) {
    let gone = || "this analysis is no longer held by the page".to_string();
    let action = PAGE_INVENTORY.with(|kept| {
        let kept = kept.borrow();
        let held = |generation: u64| kept.as_ref().filter(|k| k.job == generation as f64);
        match question {
            Question::Resources { generation } => Action::ResourcesLoaded {
                generation,
                list: held(generation)
                    .map(|k| Shared::new(inventory::entries(&k.inventory)))
                    .ok_or_else(gone),
            },
            Question::Resource { generation, id } => Action::ResourceLoaded {
                generation,
                detail: held(generation)
                    .ok_or_else(gone)
                    .and_then(|k| {
                        inventory::detail(&k.inventory, &id)
                            .ok_or_else(|| format!("no resource {id} in the analysed files"))
                    })
                    .map(Shared::new),
                id,
            },
            Question::Principal { generation, id } => Action::PrincipalLoaded {
                generation,
                access: held(generation)
                    .ok_or_else(gone)
                    .and_then(|k| crate::access::principal(&k.inventory, &id))
                    .map(Shared::new),
                id,
            },
            Question::Who { generation, arn } => Action::WhoLoaded {
                generation,
                access: held(generation)
                    .ok_or_else(gone)
                    .and_then(|k| crate::access::resource(&k.inventory, &arn))
                    .map(Shared::new),
                arn,
            },
            Question::Drift { generation, files } => Action::DriftLoaded {
                generation,
                drift: held(generation).ok_or_else(gone).map(|k| {
                    Shared::new(answers::drift_report(k, held_inputs(&files), &pack.pack))
                }),
            },
        }
    });
    dispatcher.dispatch(action);
}

/// Forgets the in-page inventory (Clear).
pub fn forget_in_page() {
    PAGE_INVENTORY.with(|kept| kept.borrow_mut().take());
}

/// Analyses on the page's thread. The short sleep yields to the browser first so the busy
/// indicator is painted before the engine holds the thread.
pub fn analyse_in_page(
    dispatcher: UseReducerDispatcher<AppState>,
    pack: Shared<PackLoad>,
    job: Job,
) {
    yew::platform::spawn_local(async move {
        yew::platform::time::sleep(std::time::Duration::from_millis(30)).await;
        forget_in_page();
        let options = options(&job.parameters);
        let inputs = read_inputs(&job.files).await;
        let (report, timing, inventory) =
            analyze_inputs_kept(inputs, &pack.pack, &options, &mut |_| {});
        PAGE_INVENTORY.with(|kept| {
            *kept.borrow_mut() = Some(Kept {
                job: job.generation as f64,
                inventory,
                report: report.clone(),
                options,
            })
        });
        dispatcher.dispatch(Action::AnalysisDone {
            generation: job.generation,
            report: Shared::new(report),
            timing,
        });
    });
}

pub use imp::Offload;

/// Natively there is no worker: the app's analyses (never run by the server-side render tests)
/// would run in-page.
#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::*;

    pub struct Offload {
        dispatcher: UseReducerDispatcher<AppState>,
        pack: Shared<PackLoad>,
    }

    impl Offload {
        pub fn new(dispatcher: UseReducerDispatcher<AppState>, pack: Shared<PackLoad>) -> Offload {
            Offload { dispatcher, pack }
        }

        pub fn warm_up(&self) {}

        pub fn analyse(&self, job: Job) {
            analyse_in_page(self.dispatcher.clone(), self.pack.clone(), job);
        }

        pub fn cancel(&self) {
            forget_in_page();
        }

        pub fn ask(&self, question: Question) {
            answer_in_page(&self.dispatcher, &self.pack, question);
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::*;
    use crate::analysis::{Stage, Timing};
    use crate::transfer::Assembly;
    use crate::worker::{js, protocol as p, SCRIPT};
    use futures::StreamExt;
    use std::cell::RefCell;
    use std::rc::{Rc, Weak};
    use stratoscope::Report;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::{ErrorEvent, MessageEvent, Worker};
    use yew::platform::pinned::mpsc::{unbounded, UnboundedReceiver, UnboundedSender};

    /// Handle to the worker, shared by the app (which holds it for its lifetime) and the
    /// worker's event handlers (which hold it weakly).
    pub struct Offload {
        inner: Rc<RefCell<Inner>>,
    }

    struct Inner {
        me: Weak<RefCell<Inner>>,
        dispatcher: UseReducerDispatcher<AppState>,
        pack: Shared<PackLoad>,
        worker: Option<Spawned>,
        /// Set once a worker failed to start: every job runs in-page from then on.
        unavailable: bool,
        /// Numbers the workers started, so events from a replaced one are ignored.
        serial: u64,
        /// Waiting for the worker to say it is ready.
        pending: Option<Job>,
        /// Sent to the worker, not finished yet.
        running: Option<Job>,
    }

    struct Spawned {
        worker: Worker,
        serial: u64,
        ready: bool,
        /// The running job's report as it arrives (`slices`, then `done`), passed on to the task
        /// reading it. Dropped with the worker, which ends that task: a replaced or failed
        /// worker sends no more.
        incoming: Option<(u64, UnboundedSender<JsValue>)>,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_error: Closure<dyn FnMut(ErrorEvent)>,
    }

    impl Drop for Spawned {
        fn drop(&mut self) {
            self.worker.set_onmessage(None);
            self.worker.set_onerror(None);
            self.worker.terminate();
        }
    }

    /// What a handler does once it has released the state: dispatching can re-enter the
    /// app (an effect may start the next job), so it never happens under the borrow.
    #[derive(Default)]
    struct After {
        actions: Vec<Action>,
        in_page: Vec<Job>,
        /// Reports to take in as they arrive: (generation, the `slices` and `done` messages).
        readers: Vec<(u64, UnboundedReceiver<JsValue>)>,
        /// Questions the page answers itself (no worker holds the inventory).
        in_page_questions: Vec<Question>,
    }

    impl Offload {
        pub fn new(dispatcher: UseReducerDispatcher<AppState>, pack: Shared<PackLoad>) -> Offload {
            let inner = Rc::new_cyclic(|me| {
                RefCell::new(Inner {
                    me: me.clone(),
                    dispatcher,
                    pack,
                    worker: None,
                    unavailable: false,
                    serial: 0,
                    pending: None,
                    running: None,
                })
            });
            Offload { inner }
        }

        /// Starts the worker ahead of the first job, so its wasm is compiled by the time the
        /// user has picked files.
        pub fn warm_up(&self) {
            let after = self.inner.borrow_mut().ensure_worker();
            self.finish(after);
        }

        pub fn analyse(&self, job: Job) {
            let after = self.inner.borrow_mut().analyse(job);
            self.finish(after);
        }

        /// Forgets the job in hand (Clear): a running one is stopped by restarting the worker,
        /// and the inventory an idle one keeps is dropped.
        pub fn cancel(&self) {
            forget_in_page();
            let after = self.inner.borrow_mut().cancel();
            self.finish(after);
        }

        /// Asks whoever holds the analysed inventory (the worker, or the page after a
        /// fallback); the answer arrives as an action.
        pub fn ask(&self, question: Question) {
            let after = self.inner.borrow_mut().ask(question);
            self.finish(after);
        }

        fn finish(&self, after: After) {
            let (dispatcher, pack) = {
                let inner = self.inner.borrow();
                (inner.dispatcher.clone(), inner.pack.clone())
            };
            after.run(&dispatcher, &pack);
        }
    }

    impl After {
        fn run(self, dispatcher: &UseReducerDispatcher<AppState>, pack: &Shared<PackLoad>) {
            for action in self.actions {
                dispatcher.dispatch(action);
            }
            for job in self.in_page {
                analyse_in_page(dispatcher.clone(), pack.clone(), job);
            }
            for (generation, messages) in self.readers {
                yew::platform::spawn_local(receive(dispatcher.clone(), generation, messages));
            }
            for question in self.in_page_questions {
                answer_in_page(dispatcher, pack, question);
            }
        }
    }

    impl Inner {
        fn analyse(&mut self, job: Job) -> After {
            if self.running.take().is_some() {
                // Stops the stale run; a fresh worker takes the new job.
                self.worker = None;
            }
            self.pending = Some(job);
            self.ensure_worker()
        }

        fn cancel(&mut self) -> After {
            self.pending = None;
            if self.running.take().is_some() {
                self.worker = None;
                return self.ensure_worker();
            }
            if let Some(w) = self.worker.as_ref().filter(|w| w.ready) {
                let _ = w
                    .worker
                    .post_message(&js::object(&[(p::KIND, p::FORGET.into())]));
            }
            After::default()
        }

        fn ask(&mut self, question: Question) -> After {
            let worker = self.worker.as_ref().filter(|w| w.ready);
            let Some(spawned) = worker.filter(|_| !self.unavailable) else {
                return After {
                    in_page_questions: vec![question],
                    ..After::default()
                };
            };
            let message = match &question {
                Question::Resources { generation } => js::object(&[
                    (p::KIND, p::RESOURCES.into()),
                    (p::JOB, (*generation as f64).into()),
                ]),
                Question::Resource { generation, id } => js::object(&[
                    (p::KIND, p::RESOURCE.into()),
                    (p::JOB, (*generation as f64).into()),
                    (p::ID, JsValue::from_str(id)),
                ]),
                Question::Principal { generation, id } => js::object(&[
                    (p::KIND, p::PRINCIPAL.into()),
                    (p::JOB, (*generation as f64).into()),
                    (p::ID, JsValue::from_str(id)),
                ]),
                Question::Who { generation, arn } => js::object(&[
                    (p::KIND, p::WHO.into()),
                    (p::JOB, (*generation as f64).into()),
                    (p::ID, JsValue::from_str(arn)),
                ]),
                Question::Drift { generation, files } => {
                    let (names, files, transfer) = file_arrays(files);
                    let message = js::object(&[
                        (p::KIND, p::DRIFT.into()),
                        (p::JOB, (*generation as f64).into()),
                        (p::NAMES, names.into()),
                        (p::FILES, files.into()),
                    ]);
                    if spawned
                        .worker
                        .post_message_with_transfer(&message, &transfer)
                        .is_err()
                    {
                        return After {
                            in_page_questions: vec![question],
                            ..After::default()
                        };
                    }
                    return After::default();
                }
            };
            if spawned.worker.post_message(&message).is_err() {
                return After {
                    in_page_questions: vec![question],
                    ..After::default()
                };
            }
            After::default()
        }

        /// Makes sure a worker exists (unless none can) and hands it the pending job if it is
        /// ready for it.
        fn ensure_worker(&mut self) -> After {
            if self.unavailable {
                return self.give_up();
            }
            if self.worker.is_none() {
                match self.spawn() {
                    Ok(spawned) => self.worker = Some(spawned),
                    Err(_) => return self.give_up(),
                }
            }
            self.send_pending()
        }

        fn spawn(&mut self) -> Result<Spawned, JsValue> {
            self.serial += 1;
            let serial = self.serial;
            let worker = new_worker()?;
            let me = self.me.clone();
            let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                with_inner(&me, |inner| inner.on_message(serial, &e.data()));
            });
            let me = self.me.clone();
            let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
                // Handled here; the page's console need not report it a second time.
                e.prevent_default();
                let message = e.message();
                with_inner(&me, |inner| inner.on_error(serial, message));
            });
            worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            Ok(Spawned {
                worker,
                serial,
                ready: false,
                incoming: None,
                _on_message: on_message,
                _on_error: on_error,
            })
        }

        fn send_pending(&mut self) -> After {
            let Some(spawned) = self.worker.as_ref().filter(|w| w.ready) else {
                return After::default();
            };
            let Some(job) = self.pending.take() else {
                return After::default();
            };
            let (names, files, transfer) = file_arrays(&job.files);
            let parameters = serde_json::to_string(&*job.parameters).unwrap_or_default();
            let message = js::object(&[
                (p::KIND, p::ANALYSE.into()),
                (p::JOB, (job.generation as f64).into()),
                (p::NAMES, names.into()),
                (p::FILES, files.into()),
                (p::PARAMETERS, JsValue::from_str(&parameters)),
            ]);
            match spawned
                .worker
                .post_message_with_transfer(&message, &transfer)
            {
                Ok(()) => {
                    self.running = Some(job);
                    After::default()
                }
                Err(_) => {
                    self.pending = Some(job);
                    self.give_up()
                }
            }
        }

        /// No worker can be used here: stop trying, and run what was waiting in-page.
        fn give_up(&mut self) -> After {
            self.unavailable = true;
            self.worker = None;
            After {
                in_page: self
                    .pending
                    .take()
                    .into_iter()
                    .chain(self.running.take())
                    .collect(),
                ..After::default()
            }
        }

        /// Hands a `slices` or `done` message to the task reading that job's report, starting
        /// the task with the job's first message. `done` is the last: the task is then told
        /// that nothing more comes.
        fn pass_on(&mut self, generation: u64, data: &JsValue, done: bool) -> After {
            let Some(spawned) = self.worker.as_mut() else {
                return After::default();
            };
            let mut after = After::default();
            if spawned.incoming.as_ref().map(|(g, _)| *g) != Some(generation) {
                let (to_reader, messages) = unbounded();
                spawned.incoming = Some((generation, to_reader));
                after.readers.push((generation, messages));
            }
            if let Some((_, to_reader)) = spawned.incoming.as_ref() {
                // The reader only goes away with its job, after which nothing is wanted.
                let _ = to_reader.send_now(data.clone());
            }
            if done {
                spawned.incoming = None;
            }
            after
        }

        fn current(&self, serial: u64) -> bool {
            self.worker.as_ref().is_some_and(|w| w.serial == serial)
        }

        fn on_message(&mut self, serial: u64, data: &JsValue) -> After {
            if !self.current(serial) {
                return After::default();
            }
            match js::get_str(data, p::KIND).as_deref() {
                Some(p::READY) => {
                    if let Some(w) = self.worker.as_mut() {
                        w.ready = true;
                    }
                    self.send_pending()
                }
                Some(p::FAILED) => self.give_up(),
                Some(p::WARM) => {
                    mark_warm(data);
                    After::default()
                }
                Some(p::PROGRESS) => {
                    let stage = js::get_str(data, p::STAGE).and_then(|name| {
                        let count = js::get_f64(data, p::COUNT).unwrap_or(0.0);
                        Stage::from_wire(&name, count as usize)
                    });
                    match (job_of(data), stage) {
                        (Some(generation), Some(stage)) => After {
                            actions: vec![Action::Progress { generation, stage }],
                            ..After::default()
                        },
                        _ => After::default(),
                    }
                }
                Some(p::DRIFT) => {
                    let Some(generation) = job_of(data) else {
                        return After::default();
                    };
                    let drift = match js::get_str(data, p::ERROR) {
                        Some(e) => Err(e),
                        None => js::get(data, p::DRIFT)
                            .dyn_into::<js_sys::Uint8Array>()
                            .map_err(|_| "the worker sent no answer".to_string())
                            .and_then(|a| answers::drift(&a.to_vec())),
                    };
                    After {
                        actions: vec![Action::DriftLoaded {
                            generation,
                            drift: drift.map(Shared::new),
                        }],
                        ..After::default()
                    }
                }
                Some(kind @ (p::PRINCIPAL | p::WHO)) => {
                    let Some(generation) = job_of(data) else {
                        return After::default();
                    };
                    let id = js::get_str(data, p::ID).unwrap_or_default();
                    let bytes = match js::get_str(data, p::ERROR) {
                        Some(e) => Err(e),
                        None => js::get(data, kind)
                            .dyn_into::<js_sys::Uint8Array>()
                            .map(|a| a.to_vec())
                            .map_err(|_| "the worker sent no answer".to_string()),
                    };
                    let action = if kind == p::PRINCIPAL {
                        Action::PrincipalLoaded {
                            generation,
                            id,
                            access: bytes.and_then(|b| answers::parse(&b)).map(Shared::new),
                        }
                    } else {
                        Action::WhoLoaded {
                            generation,
                            arn: id,
                            access: bytes.and_then(|b| answers::parse(&b)).map(Shared::new),
                        }
                    };
                    After {
                        actions: vec![action],
                        ..After::default()
                    }
                }
                Some(kind @ (p::RESOURCES | p::RESOURCE)) => {
                    let Some(generation) = job_of(data) else {
                        return After::default();
                    };
                    let error = js::get_str(data, p::ERROR);
                    let bytes = |field: &str| -> Result<Vec<u8>, String> {
                        if let Some(e) = &error {
                            return Err(e.clone());
                        }
                        js::get(data, field)
                            .dyn_into::<js_sys::Uint8Array>()
                            .map(|a| a.to_vec())
                            .map_err(|_| "the worker sent no answer".to_string())
                    };
                    let action = if kind == p::RESOURCES {
                        Action::ResourcesLoaded {
                            generation,
                            list: bytes(p::LIST)
                                .and_then(|b| answers::list(&b))
                                .map(Shared::new),
                        }
                    } else {
                        Action::ResourceLoaded {
                            generation,
                            id: js::get_str(data, p::ID).unwrap_or_default(),
                            detail: bytes(p::RESOURCE)
                                .and_then(|b| answers::detail(&b))
                                .map(Shared::new),
                        }
                    };
                    After {
                        actions: vec![action],
                        ..After::default()
                    }
                }
                Some(kind @ (p::SLICES | p::DONE)) => {
                    let Some(generation) = job_of(data) else {
                        return After::default();
                    };
                    let done = kind == p::DONE;
                    if done
                        && self
                            .running
                            .as_ref()
                            .is_some_and(|j| j.generation == generation)
                    {
                        self.running = None;
                    }
                    self.pass_on(generation, data, done)
                }
                _ => After::default(),
            }
        }

        fn on_error(&mut self, serial: u64, message: String) -> After {
            if !self.current(serial) {
                return After::default();
            }
            if !self.worker.as_ref().is_some_and(|w| w.ready) {
                // It never started (script missing, blocked, or not loadable here).
                return self.give_up();
            }
            // It started, then died during a job: fail that job and start afresh.
            self.worker = None;
            let mut after = match self.running.take() {
                Some(job) => After {
                    actions: vec![Action::AnalysisFailed {
                        generation: job.generation,
                        message: format!(
                            "The analysis stopped before it finished ({message}). The files may be too large for this browser, or they hit a bug in Stratoscope. Clear, then try fewer files."
                        ),
                    }],
                    ..After::default()
                },
                None => After::default(),
            };
            let next = self.ensure_worker();
            after.actions.extend(next.actions);
            after.in_page.extend(next.in_page);
            after.readers.extend(next.readers);
            after.in_page_questions.extend(next.in_page_questions);
            after
        }
    }

    /// The files as the worker takes them: the browser's own handle on a file read from disk
    /// (the worker reads it; nothing is copied here), otherwise a copy out of this page's wasm
    /// memory whose buffer is then moved (not copied again). Also the buffers to transfer.
    fn file_arrays(files: &[LoadedFile]) -> (js_sys::Array, js_sys::Array, js_sys::Array) {
        let names = js_sys::Array::new();
        let arrays = js_sys::Array::new();
        let transfer = js_sys::Array::new();
        for file in files {
            names.push(&JsValue::from_str(&file.name));
            match &file.content {
                Content::Disk { blob, .. } => {
                    arrays.push(blob);
                }
                Content::Bytes(bytes) => {
                    let bytes = js_sys::Uint8Array::from(&bytes[..]);
                    transfer.push(&bytes.buffer());
                    arrays.push(&bytes);
                }
            }
        }
        (names, arrays, transfer)
    }

    /// The name of the only Trusted Types policy the page's CSP allows (`trusted-types`).
    const POLICY: &str = "stratoscope-worker";

    thread_local! {
        /// Created once per page: a policy name can be registered only once.
        static SCRIPT_POLICY: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    }

    /// `new Worker(SCRIPT)`. The page enforces Trusted Types (`require-trusted-types-for
    /// 'script'`), and the Worker constructor is one of its sinks: it takes only a
    /// TrustedScriptURL. So the URL goes through a policy that lets exactly the worker script
    /// through and rejects anything else. Without Trusted Types support, a plain string is used.
    fn new_worker() -> Result<Worker, JsValue> {
        let global = js_sys::global();
        let url = match trusted_script_policy(&global)? {
            Some(policy) => js::get(&policy, "createScriptURL")
                .dyn_into::<js_sys::Function>()?
                .call1(&policy, &JsValue::from_str(SCRIPT))?,
            None => JsValue::from_str(SCRIPT),
        };
        let constructor = js::get(&global, "Worker").dyn_into::<js_sys::Function>()?;
        js_sys::Reflect::construct(&constructor, &js_sys::Array::of1(&url))?.dyn_into::<Worker>()
    }

    fn trusted_script_policy(global: &JsValue) -> Result<Option<JsValue>, JsValue> {
        if let Some(policy) = SCRIPT_POLICY.with(|p| p.borrow().clone()) {
            return Ok(Some(policy));
        }
        let factory = js::get(global, "trustedTypes");
        if factory.is_undefined() || factory.is_null() {
            return Ok(None);
        }
        let only_the_worker =
            Closure::<dyn Fn(String) -> Result<JsValue, JsValue>>::new(|url: String| {
                if url == SCRIPT {
                    Ok(JsValue::from_str(&url))
                } else {
                    Err(
                        js_sys::TypeError::new("only the analysis worker's script may be loaded")
                            .into(),
                    )
                }
            });
        let rules = js::object(&[("createScriptURL", only_the_worker.as_ref().clone())]);
        // The policy keeps calling it for as long as the page lives.
        only_the_worker.forget();
        let policy = js::get(&factory, "createPolicy")
            .dyn_into::<js_sys::Function>()?
            .call2(&factory, &JsValue::from_str(POLICY), &rules)?;
        SCRIPT_POLICY.with(|p| *p.borrow_mut() = Some(policy.clone()));
        Ok(Some(policy))
    }

    /// Marks the document `data-engine="warm"` (with the warm-up's `data-warm-rounds` and
    /// `data-warm-ms`) once the worker's warm-up is over. Nothing on the page depends on it and
    /// the user is not shown it: the benchmark waits for it before dropping its file, so the
    /// browser columns measure what a user who took a second to pick a file gets.
    fn mark_warm(data: &JsValue) {
        let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        else {
            return;
        };
        let number = |key| js::get_f64(data, key).unwrap_or(0.0).round().to_string();
        let _ = root.set_attribute("data-warm-rounds", &number(p::ROUNDS));
        let _ = root.set_attribute("data-warm-ms", &number(p::MS));
        let _ = root.set_attribute("data-engine", "warm");
    }

    /// Runs a handler on the shared state, then whatever it asks for once the state is
    /// released.
    fn with_inner(me: &Weak<RefCell<Inner>>, handler: impl FnOnce(&mut Inner) -> After) {
        let Some(inner) = me.upgrade() else {
            return;
        };
        let (after, dispatcher, pack) = {
            let mut guard = inner.borrow_mut();
            let after = handler(&mut guard);
            (after, guard.dispatcher.clone(), guard.pack.clone())
        };
        after.run(&dispatcher, &pack);
    }

    fn job_of(data: &JsValue) -> Option<u64> {
        js::get_f64(data, p::JOB).map(|g| g as u64)
    }

    /// Takes in a job's report as the worker sends it, a slice of findings at a time with a turn
    /// for the page in between (one 5 MB parse held the page for over 100 ms), then dispatches
    /// the result. Ends without one if the worker stopped before `done`: its failure, or the
    /// job that replaced this one, is dispatched by whoever stopped it.
    async fn receive(
        dispatcher: UseReducerDispatcher<AppState>,
        generation: u64,
        messages: UnboundedReceiver<JsValue>,
    ) {
        let action = match assemble(&dispatcher, generation, messages).await {
            Ok(Some((report, timing))) => Action::AnalysisDone {
                generation,
                report: Shared::new(report),
                timing,
            },
            Ok(None) => return,
            Err(message) => Action::AnalysisFailed {
                generation,
                message,
            },
        };
        dispatcher.dispatch(action);
    }

    /// The timings `done` carries.
    fn timing_of(data: &JsValue) -> Timing {
        Timing {
            normalise_ms: js::get_f64(data, p::NORMALISE_MS).unwrap_or(0.0),
            evaluate_ms: js::get_f64(data, p::EVALUATE_MS).unwrap_or(0.0),
            memory_bytes: js::get_f64(data, p::MEMORY_BYTES).unwrap_or(0.0) as u64,
            normalised_memory_bytes: js::get_f64(data, p::NORMALISED_MEMORY_BYTES).unwrap_or(0.0)
                as u64,
            read_ms: js::get_f64(data, p::READ_MS).unwrap_or(0.0),
            split_ms: js::get_f64(data, p::SPLIT_MS).unwrap_or(0.0),
        }
    }

    /// Parsing the page does between two turns for the browser while it takes in findings: well
    /// under the 200 ms a user notices, a few slices' worth.
    const TURN_MS: f64 = 40.0;

    async fn assemble(
        dispatcher: &UseReducerDispatcher<AppState>,
        generation: u64,
        mut messages: UnboundedReceiver<JsValue>,
    ) -> Result<Option<(Report, Timing)>, String> {
        let unreadable = |e: crate::compact::Malformed| {
            format!("The analysis sent back a report this page cannot read: {e}.")
        };
        let mut assembly: Option<Assembly> = None;
        // A turn for the page every `TURN_MS` of parsing, not after every slice: each yield is a
        // timer task the browser clamps to a few milliseconds, and a 100 MB bundle sends over a
        // thousand slices, so yielding per slice left the thread idle for seconds.
        let mut turn_started = f64::NEG_INFINITY;
        while let Some(data) = messages.next().await {
            if let Some(error) = js::get_str(&data, p::ERROR) {
                return Err(format!("The analysis could not finish: {error}."));
            }
            let report = assembly.get_or_insert_with(|| {
                let findings = js::get_f64(&data, p::FINDING_COUNT).unwrap_or(0.0) as usize;
                dispatcher.dispatch(Action::Progress {
                    generation,
                    stage: Stage::Preparing { findings },
                });
                Assembly::new(findings)
            });
            let slices: js_sys::Array = js::get(&data, p::FINDINGS).dyn_into().unwrap_or_default();
            for slice in slices.iter() {
                if crate::analysis::now_ms() - turn_started >= TURN_MS {
                    yew::platform::time::sleep(std::time::Duration::ZERO).await;
                    turn_started = crate::analysis::now_ms();
                }
                let bytes = slice
                    .dyn_into::<js_sys::Uint8Array>()
                    .map_err(|_| "The analysis sent back a malformed report.".to_string())?;
                report.add_slice(&bytes.to_vec()).map_err(unreadable)?;
            }
            if js::get_str(&data, p::KIND).as_deref() != Some(p::DONE) {
                continue;
            }
            let head = js::get(&data, p::REPORT)
                .dyn_into::<js_sys::Uint8Array>()
                .map_err(|_| "The analysis sent back no report.".to_string())?;
            // The first paint of the findings is the longest task an analysis leaves the page;
            // it gets a turn of its own rather than following up to `TURN_MS` of reading.
            yew::platform::time::sleep(std::time::Duration::ZERO).await;
            let report = assembly.take().unwrap_or_else(|| Assembly::new(0));
            return Ok(Some((
                report.finish(&head.to_vec()).map_err(unreadable)?,
                timing_of(&data),
            )));
        }
        Ok(None)
    }
}
