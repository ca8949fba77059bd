//! The conversions and the reconciliation, without a database:
//! `convert.rs` reads each tool's directory, `reconcile.rs` its rows.

mod convert;
mod reconcile;

use super::*;

fn dir(files: &[(&str, &str)]) -> SourceDir {
    SourceDir {
        display: "old".to_owned(),
        files: files
            .iter()
            .map(|(path, text)| ((*path).to_owned(), (*text).to_owned()))
            .collect(),
    }
}

fn ids(conversion: &Conversion) -> Vec<&str> {
    conversion
        .migrations
        .iter()
        .map(|m| m.revision().as_str())
        .collect()
}

fn messages(error: &ConvertError) -> Vec<String> {
    error.reports.iter().map(ToString::to_string).collect()
}
