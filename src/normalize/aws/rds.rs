//! RDS: DB instances, clusters, snapshots and their restore attributes.

use super::config::ConfigType;
use super::Command;
use crate::Resource;

pub const COMMANDS: &[Command] = &[];

/// AWS Config resource types read into the same kinds as the CLI outputs.
pub const CONFIG: &[ConfigType] = &[];

/// Facts that need several outputs together, run once all files are merged.
pub fn derive(_resources: &mut Vec<Resource>) {}
