//! Small presentational components. Each takes props and renders; state changes go through
//! callbacks that the app turns into reducer actions.

pub mod busy;
pub mod drop_zone;
pub mod evidence_item;
pub mod finding_detail;
pub mod finding_row;
pub mod findings_table;
pub mod findings_toolbar;
pub mod header;
pub mod intro;
pub mod prose;
pub mod severity_badge;
pub mod summary;
pub mod verdict_list;

pub use busy::Busy;
pub use drop_zone::DropZone;
pub use evidence_item::EvidenceItem;
pub use finding_detail::FindingDetail;
pub use finding_row::FindingRow;
pub use findings_table::FindingsTable;
pub use findings_toolbar::FindingsToolbar;
pub use header::Header;
pub use intro::Intro;
pub use prose::Prose;
pub use severity_badge::SeverityBadge;
pub use summary::SummaryStrip;
pub use verdict_list::VerdictList;
