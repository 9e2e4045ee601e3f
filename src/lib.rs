//! Stratoscope's engine: exported cloud configuration in, explained findings out.
//!
//! The engine is pure: no file system, no network, no clock. Front ends (the browser app and the
//! CLI) hand it bytes with a file name and, where a rule needs one, the time to judge ages by.
//! That keeps results byte-identical between wasm and native builds.
//!
//! Pipeline: [`decode`] → [`detect`] → [`normalize`] → [`derive`] → [`evaluate`] → [`report`],
//! orchestrated by [`analyze`].

pub mod accept;
pub mod analyze;
pub mod archive;
pub mod attr_value;
pub mod attribute_map;
pub mod attributes;
pub mod decode;
pub mod derive;
pub mod detect;
pub mod drift;
pub mod evaluate;
pub mod export;
pub mod frameworks;
pub mod iam;
pub mod model;
pub mod normalize;
pub mod pack;
pub mod packed_text;
pub mod parallel;
pub mod pointer;
pub mod report;
pub mod rules;
pub mod settings;
pub mod time;
pub mod word_hash;

pub use analyze::{analyze, Input, Options};
pub use model::{Evidence, Facts, Outcome, Resource, Severity, Source};
pub use report::Report;
pub use rules::{Rule, RulePack};
