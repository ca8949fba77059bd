//! `erd`: a schema from any source drawn as an entity-relationship
//! diagram, in Mermaid, Graphviz DOT, or SVG rendered by Graphviz.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use petal_engine::Settings;
use petal_engine::sources::{self, Source};
use petal_ir::{Database, QualifiedName};
use petal_report::erd::{self, Erd, Marks, NotFound, Selection};

use crate::cli::Format;
use crate::failure::{ErrorKind, Failure};

/// How a diagram is written: `--format mermaid` (also `petal erd`'s
/// default, `text`), `dot`, or `svg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagramFormat {
    Mermaid,
    Dot,
    Svg,
}

impl DiagramFormat {
    /// The diagram a `--format` asks for; the text one is Mermaid (the
    /// binary refuses the others before a command runs).
    pub fn of(format: Format) -> DiagramFormat {
        match format {
            Format::Dot => DiagramFormat::Dot,
            Format::Svg => DiagramFormat::Svg,
            _ => DiagramFormat::Mermaid,
        }
    }
}

/// What `petal erd` was asked for.
#[derive(Debug)]
pub struct Request {
    pub source: String,
    pub format: DiagramFormat,
    pub tables: Vec<String>,
    pub depth: usize,
    pub output: Option<PathBuf>,
}

pub async fn run(settings: &Settings, request: &Request) -> Result<(), Failure> {
    let source = Source::parse(&request.source)?;
    // Through the engine's one reading of a source: models are loaded on
    // the dev server, so types are spelled as PostgreSQL prints them.
    let loaded = sources::load(settings, &source).await?;
    let selection = selection(&loaded.database, request)?;
    let diagram = Erd::of(&loaded.database, &selection)?;
    write_diagram(
        &diagram,
        &Marks::default(),
        request.format,
        request.output.as_deref(),
    )
}

/// A diagram written as `format` to `output` (standard output when none):
/// `petal erd`'s, and the picture of a change `petal diff` draws.
pub fn write_diagram(
    diagram: &Erd,
    marks: &Marks,
    format: DiagramFormat,
    output: Option<&Path>,
) -> Result<(), Failure> {
    let bytes = match format {
        DiagramFormat::Mermaid => erd::mermaid(diagram, marks).into_bytes(),
        DiagramFormat::Dot => erd::dot(diagram, marks).into_bytes(),
        DiagramFormat::Svg => svg(&erd::dot(diagram, marks))?,
    };
    write_out(output, &bytes)
}

/// `--tables` and `--depth` as a selection, each name found in the schema
/// (an unknown one is an error naming it, as typed).
fn selection(db: &Database, request: &Request) -> Result<Selection, Failure> {
    let names: Vec<&str> = request
        .tables
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .collect();
    if names.is_empty() {
        return Ok(Selection {
            tables: None,
            depth: request.depth,
        });
    }
    let mut tables: Vec<QualifiedName> = Vec::with_capacity(names.len());
    for name in names {
        let found = erd::find(db, name).map_err(|e| not_found(name, &request.source, e))?;
        tables.push(found);
    }
    Ok(Selection {
        tables: Some(tables),
        depth: request.depth,
    })
}

fn not_found(name: &str, source: &str, why: NotFound) -> Failure {
    // The source as a sentence says it, never a URL (it may hold a
    // password).
    let shown = match source {
        "models" => "the models",
        "empty" => "an empty schema",
        s if s.starts_with("migrations") => "the migrations",
        _ => "the database",
    };
    let report = match why {
        NotFound::Unknown => petal_source::Report::new(format!(
            "--tables: no table, view or enum type `{name}` in {shown}"
        ))
        .with_help(
            "name it `schema.table`, or by its name alone when it is in `public` or in one schema only",
        ),
        NotFound::Ambiguous(found) => {
            let schemas: Vec<String> = found.iter().map(|n| format!("`{}`", n.schema)).collect();
            let first = found.first().map_or_else(String::new, ToString::to_string);
            petal_source::Report::new(format!(
                "--tables: `{name}` is ambiguous in {shown}: schemas {} each have one",
                schemas.join(", ")
            ))
            .with_help(format!("name it with its schema, as `{first}`"))
        }
    };
    Failure::new(ErrorKind::Config, report)
}

/// The DOT text rendered by Graphviz's `dot -Tsvg`.
fn svg(dot: &str) -> Result<Vec<u8>, Failure> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Failure::new(
                    ErrorKind::Config,
                    petal_source::Report::new(
                        "--format svg needs Graphviz's `dot`, which is not on the PATH",
                    )
                    .with_help(
                        "install graphviz (apt-get install graphviz, brew install graphviz), \
                         or write the diagram with --format dot and render it elsewhere",
                    ),
                )
            } else {
                Failure::error(ErrorKind::Io, format!("cannot run Graphviz's `dot`: {e}"))
            }
        })?;
    // Written from a thread of its own: `dot` may fill its output pipe
    // before it has read the whole input.
    let mut stdin = child.stdin.take();
    let input = dot.to_string();
    let writer = std::thread::spawn(move || match stdin.as_mut() {
        Some(stdin) => stdin.write_all(input.as_bytes()),
        None => Ok(()),
    });
    let output = child
        .wait_with_output()
        .map_err(|e| Failure::error(ErrorKind::Io, format!("cannot run Graphviz's `dot`: {e}")))?;
    let written = writer.join();
    if !output.status.success() {
        // petal writes the DOT text: `dot` refusing it is petal's bug.
        return Err(Failure::error(
            ErrorKind::Internal,
            format!(
                "Graphviz's `dot -Tsvg` refused petal's diagram ({}): {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        ));
    }
    if let Ok(Err(e)) = written {
        return Err(Failure::error(
            ErrorKind::Io,
            format!("cannot write the diagram to Graphviz's `dot`: {e}"),
        ));
    }
    Ok(output.stdout)
}

/// To `path`, or to standard output.
fn write_out(path: Option<&Path>, bytes: &[u8]) -> Result<(), Failure> {
    match path {
        Some(path) => std::fs::write(path, bytes).map_err(|e| {
            Failure::error(
                ErrorKind::Io,
                format!("cannot write {}: {e}", path.display()),
            )
        }),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(bytes)
                .and_then(|()| stdout.flush())
                .map_err(|e| {
                    Failure::error(ErrorKind::Io, format!("cannot write the diagram: {e}"))
                })
        }
    }
}
