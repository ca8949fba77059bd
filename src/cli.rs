//! The command line, as clap sees it. Only the binary knows about argument
//! parsing; everything below it takes plain values.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "petal",
    version,
    about = "Schema-diff autogenerator and migration runner for PostgreSQL",
    long_about = "petal compares Rust models (#[derive(Table)]) with a live PostgreSQL database \
                  and writes reviewable SQL migrations (up and down), then runs them.",
    after_help = "Exit codes: 0 success; 1 differences found (check, diff --exit-code); 2 error."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Path of the configuration file [default: petal.toml in the current directory]
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database URL; overrides petal.toml and DATABASE_URL
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// When to colour output (NO_COLOR is honoured with auto)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// `petal inspect` only: the schema written as models.
    Rust,
    /// `petal check` and `petal diff` only: a report for a pull-request
    /// comment (summary, changes, diagram, SQL).
    Markdown,
    /// `petal erd` (its default) and `petal diff` only: a diagram as a
    /// Mermaid `erDiagram`.
    Mermaid,
    /// `petal erd` and `petal diff` only: a diagram as Graphviz DOT.
    Dot,
    /// `petal erd` and `petal diff` only: a diagram rendered as SVG by
    /// Graphviz's `dot`, which must be installed.
    Svg,
}

impl Format {
    /// Whether this format writes a diagram.
    pub fn is_diagram(self) -> bool {
        matches!(self, Format::Mermaid | Format::Dot | Format::Svg)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create petal.toml, the migrations directory and an example model;
    /// or, with --from-database, a project written from a database
    Init {
        /// Directory to initialize
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Write the models, SQL files and a baseline migration from this
        /// database (a postgres:// URL or key=value string), and stamp it
        #[arg(long, value_name = "URL")]
        from_database: Option<String>,
        /// With --from-database: compare privileges, and write the
        /// database's grants into the SQL files
        #[arg(long, requires = "from_database")]
        privileges: bool,
        /// With --from-database: the server where models are canonicalized
        /// (written as `dev_url`; default: petal's embedded dev cluster)
        #[arg(long, value_name = "URL", requires = "from_database")]
        dev_url: Option<String>,
    },
    /// Write a new migration file
    Revision {
        /// What the migration does (becomes the file's slug)
        #[arg(short, long)]
        message: Option<String>,
        /// Fill the migration with the diff between the models and the database
        #[arg(long)]
        autogenerate: bool,
        /// Diff the models against the migrations replayed on a scratch database
        #[arg(long, requires = "autogenerate")]
        from_migrations: bool,
        /// Write the online recipes (concurrent indexes, NOT VALID then
        /// VALIDATE, NOT NULL through a validated check): `online = true`
        /// in petal.toml makes it the default
        #[arg(long, requires = "autogenerate")]
        online: bool,
        /// Recreate this table with its rows where PostgreSQL cannot change
        /// it in place (made partitioned or not, another partition key, made
        /// a partition): renamed aside, created anew, rows copied, old one
        /// dropped (`schema.table`, or a name in `public`; repeatable)
        #[arg(
            long = "allow-recreate",
            value_name = "TABLE",
            requires = "autogenerate"
        )]
        allow_recreate: Vec<String>,
    },
    /// Apply migrations up to a target (default: head)
    Upgrade {
        /// head, heads, a revision (or unique prefix or suffix), head-1, REV+1, +N; A:B with --sql
        #[arg(default_value = "head")]
        target: String,
        /// Print the SQL that would run, without connecting
        #[arg(long)]
        sql: bool,
        /// Proceed even when an applied migration's file was modified
        #[arg(long)]
        allow_modified: bool,
        /// How long to wait for another petal run's migration lock (500ms, 5s, 2min)
        #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
        lock_wait: Option<Duration>,
    },
    /// Un-apply migrations down to a target
    Downgrade {
        /// base, a revision (or unique prefix or suffix), head-1, REV-1, -N; A:B with --sql
        #[arg(allow_negative_numbers = true)]
        target: String,
        /// Print the SQL that would run, without connecting
        #[arg(long)]
        sql: bool,
        /// Proceed even when an applied migration's file was modified (a
        /// fixed down section, say)
        #[arg(long)]
        allow_modified: bool,
        /// How long to wait for another petal run's migration lock (500ms, 5s, 2min)
        #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
        lock_wait: Option<Duration>,
    },
    /// Show the revisions applied to the database
    Current {
        /// Show each one's parents, path, checksum and when it was applied
        #[arg(short, long)]
        verbose: bool,
    },
    /// List the revisions, newest first
    History {
        /// Show parents, paths and checksums
        #[arg(short, long)]
        verbose: bool,
        /// Only the revisions from A to B (each end included; `A:` or `:B`
        /// leave one end open)
        #[arg(
            short = 'r',
            long = "rev-range",
            value_name = "A:B",
            allow_hyphen_values = true
        )]
        range: Option<String>,
        /// Mark the revisions the database is at (needs the database)
        #[arg(short, long)]
        indicate_current: bool,
    },
    /// Show the head revisions
    Heads,
    /// Show a revision: its parents, children, path and file
    Show {
        /// A revision (or a unique prefix or suffix), head, head-1, ...
        #[arg(allow_hyphen_values = true)]
        revision: String,
    },
    /// Open a revision's file in $VISUAL or $EDITOR
    Edit {
        /// A revision (or a unique prefix or suffix), head, head-1, ...
        #[arg(allow_hyphen_values = true)]
        revision: String,
    },
    /// Show the branch points: revisions with more than one child
    Branches,
    /// Show each revision: applied, pending, modified or missing its file
    Status,
    /// Record a target as applied without running anything
    Stamp {
        /// head, heads, base, a revision (or unique prefix or suffix), head-1, +N, -N;
        /// A:B with --sql
        #[arg(allow_negative_numbers = true)]
        target: String,
        /// Print the SQL that records it, without connecting (from base, or a range A:B)
        #[arg(long)]
        sql: bool,
        /// Empty the log first, whatever it holds (applied revisions whose
        /// files are gone included)
        #[arg(long, conflicts_with = "sql")]
        purge: bool,
        /// Proceed even when an applied migration's file was modified
        #[arg(long)]
        allow_modified: bool,
        /// How long to wait for another petal run's migration lock (500ms, 5s, 2min)
        #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
        lock_wait: Option<Duration>,
    },
    /// Convert a diesel, sqlx or refinery migrations directory into petal
    /// revisions, and stamp what the database's bookkeeping table says ran
    Import {
        /// The tool whose migrations these are
        #[arg(value_enum)]
        tool: ImportTool,
        /// Its migrations directory
        #[arg(default_value = "migrations")]
        dir: PathBuf,
        /// Only convert: do not read the tool's table, do not stamp
        #[arg(long)]
        no_stamp: bool,
        /// The tool's table, when renamed or in another schema (`SCHEMA.TABLE`);
        /// by default the tool's own name (sqlx: sqlx.toml's table-name)
        #[arg(long, value_name = "NAME")]
        table: Option<String>,
    },
    /// Write a merge revision joining the current heads
    Merge {
        #[arg(short, long)]
        message: Option<String>,
    },
    /// Exit 1 when the models and the database (or the migrations) differ
    Check {
        /// Compare the models with the migrations replayed on a scratch database
        #[arg(long)]
        migrations: bool,
        /// With --format markdown: write the report to FILE instead of
        /// standard output
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print the SQL that turns one schema into another
    Diff {
        /// A postgres:// URL (or key=value string), `database` (the configured one), `models`, `migrations`, `migrations@REV` (replayed up to REV) or `empty`
        #[arg(long)]
        from: String,
        /// A postgres:// URL (or key=value string), `database` (the configured one), `models`, `migrations`, `migrations@REV` (replayed up to REV) or `empty`
        #[arg(long)]
        to: String,
        /// Exit 1 when there are changes
        #[arg(long)]
        exit_code: bool,
        /// Only compare these schemas (repeatable)
        #[arg(long = "schema")]
        schemas: Vec<String>,
        /// Compare privileges too (`privileges = true` in petal.toml says
        /// it for the project)
        #[arg(long)]
        privileges: bool,
        /// Recreate this table with its rows where PostgreSQL cannot change
        /// it in place, as `petal revision --allow-recreate` does
        /// (repeatable)
        #[arg(long = "allow-recreate", value_name = "TABLE")]
        allow_recreate: Vec<String>,
        /// With --format markdown: write the report to FILE instead of
        /// standard output
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print a schema, and what petal does not compare
    Inspect {
        /// A postgres:// URL (or key=value string), `database` (the configured one), `models`, `migrations`, `migrations@REV` (replayed up to REV) or `empty`
        source: String,
        /// Only these schemas (repeatable)
        #[arg(long = "schema")]
        schemas: Vec<String>,
        /// Print the privileges too (`privileges = true` in petal.toml
        /// says it for the project)
        #[arg(long)]
        privileges: bool,
    },
    /// Draw a schema as an entity-relationship diagram: tables, views and
    /// enum types, foreign keys as edges (`--format mermaid`, the default;
    /// `dot`; or `svg`, rendered by Graphviz's `dot`)
    Erd {
        /// A postgres:// URL (or key=value string), `database` (the configured one), `models`, `migrations`, `migrations@REV` or `empty`
        #[arg(default_value = "models")]
        source: String,
        /// Only these tables (or views, or enum types), comma-separated:
        /// `schema.table`, or a name in `public` or in the one schema
        /// holding it
        #[arg(long, value_delimiter = ',', value_name = "A,B")]
        tables: Vec<String>,
        /// With --tables: also the tables this many foreign-key hops away,
        /// either direction
        #[arg(long, default_value_t = 0, value_name = "N", requires = "tables")]
        depth: usize,
        /// Write the diagram to FILE instead of standard output
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Drive the embedded PostgreSQL cluster in .petal/
    Dev {
        #[command(subcommand)]
        action: DevAction,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportTool {
    Diesel,
    Sqlx,
    Refinery,
}

#[derive(Debug, Clone, Copy, Subcommand)]
pub enum DevAction {
    /// Start the clusters (creating them on first use)
    Start,
    /// Stop the clusters: the database's and the dev cluster (in memory or not)
    Stop {
        /// Also the test-suite clusters a `cargo test` of this checkout left
        /// running (recorded in the target directory)
        #[arg(long)]
        all: bool,
    },
    /// Say whether the clusters are running
    Status,
    /// Print the database cluster's connection URL
    Url {
        /// The dev cluster's instead (where models are canonicalized)
        #[arg(long)]
        dev: bool,
    },
}

/// A duration as `petal.toml` and migration files write it.
fn parse_duration(text: &str) -> Result<Duration, String> {
    petal_migrate::parse_duration(text)
}
