//! Where things are in the text petal reads, and what is wrong there.
//!
//! Core code keeps byte offsets ([`Span`]) into a [`SourceFile`] and says
//! what is wrong as a [`Report`]; lines and columns are computed only when
//! a report is shown, with the one [`LineIndex`], by the one renderer
//! ([`Report`]'s `Display`: `file:line:col: message`, the line, a caret).
//! A report holds a shared handle to the text it points into, so showing it
//! never reads a file again.
//!
//! A leaf crate: every other petal crate may use it.

mod line_index;
mod render;
mod report;

pub use line_index::{LineIndex, Position};
pub use render::ReportList;
pub use report::{Report, SourceFile, Span};
