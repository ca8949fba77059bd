//! Alembic's views of single revisions: `show`, `edit`, `branches`.

use petal_engine::{EngineError, Settings};
use petal_migrate::{MigrationFile, RevisionGraph, RevisionId};
use serde_json::json;

use crate::cli::Format;
use crate::failure::{ErrorKind, Failure};
use crate::output::print_json;

/// The file of the revision `text` names (an id, a unique prefix or
/// suffix, `head`, `head-1`, ...).
fn file_of<'g>(graph: &'g RevisionGraph, text: &str) -> Result<&'g MigrationFile, Failure> {
    if graph.is_empty() {
        return Err(Failure::error(
            ErrorKind::Plan,
            "there are no revisions yet: `petal revision` writes the first",
        ));
    }
    let revision = petal_migrate::revision_at(graph, text).map_err(EngineError::from)?;
    revision.and_then(|id| graph.get(&id)).ok_or_else(|| {
        Failure::error(
            ErrorKind::Plan,
            format!("`{text}` is base, before the first revision: it has no file"),
        )
    })
}

fn ids(ids: &[RevisionId]) -> Vec<&str> {
    ids.iter().map(RevisionId::as_str).collect()
}

/// `petal show REV`: what the revision is, then its file.
pub fn show(settings: &Settings, revision: &str, format: Format) -> Result<(), Failure> {
    let graph = petal_engine::migrate::load_graph(settings)?;
    let file = file_of(&graph, revision)?;
    let children = graph.children(&file.revision);
    if format == Format::Json {
        return print_json(&json!({
            "revision": file.revision.as_str(),
            "parents": ids(&file.parents),
            "children": ids(children),
            "message": file.message,
            "path": file.path(),
            "checksum": file.checksum.as_str(),
            "head": children.is_empty(),
            "text": file.source.text(),
        }));
    }
    let or_none = |list: Vec<&str>, none: &str| {
        if list.is_empty() {
            none.to_string()
        } else {
            list.join(", ")
        }
    };
    println!("Revision: {}", file.revision.as_str());
    println!("Parents: {}", or_none(ids(&file.parents), "<base>"));
    println!("Children: {}", or_none(ids(children), "none (a head)"));
    println!("Path: {}", file.path());
    println!("Message: {}", file.message);
    println!();
    print!("{}", file.source.text());
    Ok(())
}

/// `petal edit REV`: the revision's file in `$VISUAL`, else `$EDITOR`,
/// which may carry arguments (`code --wait`), as git runs its editor.
pub fn edit(settings: &Settings, revision: &str) -> Result<(), Failure> {
    let graph = petal_engine::migrate::load_graph(settings)?;
    let file = file_of(&graph, revision)?;
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
        .ok_or_else(|| {
            Failure::error(
                ErrorKind::Config,
                format!(
                    "no editor: set VISUAL or EDITOR, or open {} yourself",
                    file.path()
                ),
            )
        })?;
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("petal-edit")
        .arg(file.path())
        .status()
        .map_err(|e| {
            Failure::error(
                ErrorKind::Io,
                format!("cannot run the editor `{editor}`: {e}"),
            )
        })?;
    if !status.success() {
        return Err(Failure::error(
            ErrorKind::Io,
            format!("the editor `{editor}` failed ({status}) on {}", file.path()),
        ));
    }
    Ok(())
}

/// `petal branches`: every revision with more than one child, and the
/// children that branch from it.
pub fn branches(settings: &Settings, format: Format) -> Result<(), Failure> {
    let graph = petal_engine::migrate::load_graph(settings)?;
    let points: Vec<&MigrationFile> = graph
        .files()
        .filter(|f| graph.children(&f.revision).len() > 1)
        .collect();
    if format == Format::Json {
        let list: Vec<_> = points
            .iter()
            .map(|f| {
                json!({
                    "revision": f.revision.as_str(),
                    "message": f.message,
                    "children": ids(graph.children(&f.revision)),
                })
            })
            .collect();
        return print_json(&json!({ "branches": list }));
    }
    if points.is_empty() {
        println!("no branch points: the history is one line");
    }
    for file in points {
        println!("{} {} (branch point)", file.revision.as_str(), file.message);
        for child in graph.children(&file.revision) {
            let message = graph.get(child).map_or("", |f| f.message.as_str());
            println!("  -> {} {message}", child.as_str());
        }
    }
    Ok(())
}
