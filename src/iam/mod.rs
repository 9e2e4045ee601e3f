//! IAM semantics: policy documents, action/resource matching, and what a set of statements
//! actually grants once Deny, NotAction, resource scope and conditions are taken into account.
//!
//! Rules never string-match policies themselves; they ask this module, so that `iam:*`,
//! `iam:Put*`, `NotAction` and an explicit Deny are understood the same way everywhere.

pub mod access;
pub mod assume;
pub mod catalogue;
pub mod grant;
pub mod pattern;
pub mod policy;
pub mod principal_access;
pub mod privesc;
pub mod resource_access;

pub use grant::{grant, Access, Grant};
pub use policy::{parse_document, PolicyError, Principal, Statement};
