//! Small presentational components. Each takes props and renders; state changes go through
//! callbacks that the app turns into reducer actions.

pub mod accepted;
pub mod busy;
pub mod compliance;
pub mod copy_button;
pub mod drift;
pub mod drop_zone;
pub mod evidence_item;
pub mod export;
pub mod finding_detail;
pub mod finding_row;
pub mod findings_table;
pub mod findings_toolbar;
pub mod header;
pub mod intro;
pub mod overview;
pub mod prose;
pub mod resources;
pub mod scenario_picker;
pub mod severity_badge;
pub mod summary;
pub mod verdict_list;
pub mod view_nav;
pub mod virtual_scroll;

pub use accepted::{AcceptForm, AcceptedBox, AcceptedRisks, ExpiredNotice};
pub use busy::Busy;
pub use compliance::{Compliance, FrameworkScores};
pub use copy_button::CopyButton;
pub use drift::Drift;
pub use drop_zone::DropZone;
pub use evidence_item::EvidenceItem;
pub use export::Export;
pub use finding_detail::FindingDetail;
pub use finding_row::FindingRow;
pub use findings_table::FindingsTable;
pub use findings_toolbar::FindingsToolbar;
pub use header::Header;
pub use intro::Intro;
pub use overview::Overview;
pub use prose::Prose;
pub use resources::Resources;
pub use scenario_picker::{ScenarioBanner, ScenarioPicker};
pub use severity_badge::SeverityBadge;
pub use summary::{CoverageNote, ScopeLine, SummaryStrip};
pub use verdict_list::VerdictList;
pub use view_nav::ViewNav;
