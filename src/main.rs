//! The `petal` binary: argument parsing, configuration and output. The
//! workflows live in `petal-engine`; this crate only translates between them
//! and the terminal.

mod cli;
mod commands;
mod config;
mod failure;
mod output;

use std::process::ExitCode;

use clap::Parser;
use cli::{Cli, Command, Format};
use config::Config;
use failure::{ErrorKind, Failure};
use output::Style;
use petal_engine::migrate::Operation;
use petal_migrate::{Direction, PlanOptions};

/// The scanner (syn) and the cache's JSON make millions of small
/// allocations; glibc's allocator spent about 40% of a scan in malloc and
/// free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    restore_sigpipe();
    no_transparent_huge_pages();
    // What a run is doing while it makes the user wait (a cluster created
    // or started, a cold canonicalization, another run's lock) goes to
    // standard error, beside the errors, never into the output.
    petal_engine::pg::progress::set_reporter(|line| eprintln!("petal: {line}"));
    let cli = Cli::parse();
    let format = cli.global.format;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            output::print_failure(&failure, format);
            ExitCode::from(failure.code)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    format_fits(cli.global.format, &cli.command)?;
    // `init` makes a project: no configuration to read first (one above
    // this directory, broken or not, is not this project's).
    if let Command::Init {
        dir,
        from_database,
        privileges,
        dev_url,
    } = &cli.command
    {
        let style = Style::new(cli.global.color);
        return match from_database {
            Some(url) => {
                let from = commands::adopt::From {
                    url,
                    dev_url: dev_url.as_deref(),
                    privileges: *privileges,
                };
                commands::adopt::run(dir, &from, style)
            }
            None => commands::init::run(dir),
        };
    }
    let settings = Config::load(
        cli.global.config.as_deref(),
        cli.global.database_url.as_deref(),
    )?;
    let format = cli.global.format;
    let style = Style::new(cli.global.color);
    let runtime = runtime()?;
    let result = dispatch(cli.command, settings, &runtime, format, style);
    // The canonical cache's record is written behind the answer: the run
    // ends when it is.
    runtime.block_on(petal_engine::canonical::settle());
    result
}

/// The runtime a command runs on. Two workers: the connections' tasks and
/// the canonical cache's write go on while the run computes the diff on
/// the thread that waits.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| {
            Failure::error(
                ErrorKind::Io,
                format!("cannot start the async runtime: {e}"),
            )
        })
}

/// A format only some commands write is refused on the others, saying
/// which take it.
fn format_fits(format: Format, command: &Command) -> Result<(), Failure> {
    let refusal = match format {
        Format::Rust if !matches!(command, Command::Inspect { .. }) => {
            "`--format rust` is for `petal inspect` (the schema written as models)"
        }
        Format::Markdown if !matches!(command, Command::Check { .. } | Command::Diff { .. }) => {
            "`--format markdown` is for `petal check` and `petal diff` (a report for a pull request)"
        }
        Format::Mermaid | Format::Dot | Format::Svg
            if !matches!(command, Command::Erd { .. } | Command::Diff { .. }) =>
        {
            "`--format mermaid`, `dot` and `svg` are for `petal erd` and `petal diff` (a diagram)"
        }
        Format::Json | Format::Rust | Format::Markdown
            if matches!(command, Command::Erd { .. }) =>
        {
            "`petal erd` draws a diagram: `--format mermaid` (the default), `dot` or `svg`"
        }
        _ => return Ok(()),
    };
    Err(Failure::error(ErrorKind::Config, refusal))
}

/// Runs `command` on `runtime`.
fn dispatch(
    command: Command,
    settings: petal_engine::Settings,
    runtime: &tokio::runtime::Runtime,
    format: Format,
    style: Style,
) -> Result<(), Failure> {
    match command {
        Command::Init { .. } => Ok(()),
        Command::Dev { action } => runtime.block_on(commands::dev::run(&settings, action)),
        command @ (Command::Upgrade { .. } | Command::Downgrade { .. } | Command::Stamp { .. }) => {
            dispatch_migrate(command, &settings, runtime, format, style)
        }
        Command::Current { verbose } => {
            runtime.block_on(commands::migrate::current(&settings, verbose, format))
        }
        Command::Heads => commands::migrate::heads(&settings, format),
        Command::History {
            verbose,
            range,
            indicate_current,
        } => runtime.block_on(commands::migrate::history(
            &settings,
            commands::migrate::HistoryView {
                verbose,
                range,
                indicate_current,
            },
            format,
        )),
        Command::Show { revision } => commands::revisions::show(&settings, &revision, format),
        Command::Edit { revision } => commands::revisions::edit(&settings, &revision),
        Command::Branches => commands::revisions::branches(&settings, format),
        Command::Status => runtime.block_on(commands::migrate::status(&settings, format, style)),
        Command::Revision {
            message,
            autogenerate,
            from_migrations,
            online,
            allow_recreate,
        } => runtime.block_on(commands::revision::revision(
            &petal_engine::Settings {
                online: settings.online || online,
                recreate_with_rows: petal_engine::tables_named(&allow_recreate),
                ..settings
            },
            message,
            autogenerate,
            from_migrations,
            style,
        )),
        Command::Import {
            tool,
            dir,
            no_stamp,
            table,
        } => runtime.block_on(commands::import::run(
            &settings, tool, &dir, !no_stamp, table, format,
        )),
        Command::Merge { message } => commands::revision::merge(&settings, message),
        command @ (Command::Check { .. }
        | Command::Diff { .. }
        | Command::Erd { .. }
        | Command::Inspect { .. }) => dispatch_schema(command, settings, runtime, format, style),
    }
}

/// Runs a command that moves the database between revisions or records
/// one (`upgrade`, `downgrade`, `stamp`), or prints its SQL with `--sql`.
fn dispatch_migrate(
    command: Command,
    settings: &petal_engine::Settings,
    runtime: &tokio::runtime::Runtime,
    format: Format,
    style: Style,
) -> Result<(), Failure> {
    match command {
        Command::Upgrade {
            target, sql: true, ..
        } => commands::migrate::sql(settings, &target, Direction::Up),
        Command::Downgrade {
            target, sql: true, ..
        } => commands::migrate::sql(settings, &target, Direction::Down),
        Command::Upgrade {
            target,
            allow_modified,
            lock_wait,
            ..
        } => runtime.block_on(commands::migrate::run(
            settings,
            Operation::Upgrade,
            &target,
            PlanOptions { allow_modified },
            lock_wait,
            format,
            style,
        )),
        Command::Downgrade {
            target,
            allow_modified,
            lock_wait,
            ..
        } => runtime.block_on(commands::migrate::run(
            settings,
            Operation::Downgrade,
            &target,
            PlanOptions { allow_modified },
            lock_wait,
            format,
            style,
        )),
        Command::Stamp {
            target, sql: true, ..
        } => commands::migrate::stamp_sql(settings, &target),
        Command::Stamp {
            target,
            purge,
            allow_modified,
            lock_wait,
            ..
        } => runtime.block_on(commands::migrate::run(
            settings,
            if purge {
                Operation::StampPurged
            } else {
                Operation::Stamp
            },
            &target,
            PlanOptions { allow_modified },
            lock_wait,
            format,
            style,
        )),
        _ => Err(Failure::error(
            ErrorKind::Internal,
            "dispatch_migrate was given a command that is no migration (a bug in petal)",
        )),
    }
}

/// Runs a command that reads schemas from sources and compares or shows
/// them (`check`, `diff`, `erd`, `inspect`): apart from `dispatch`, which
/// would otherwise pass clippy's 120 lines.
fn dispatch_schema(
    command: Command,
    settings: petal_engine::Settings,
    runtime: &tokio::runtime::Runtime,
    format: Format,
    style: Style,
) -> Result<(), Failure> {
    match command {
        Command::Check { migrations, output } => runtime.block_on(commands::revision::check(
            &settings,
            migrations,
            commands::report::Output::new(format, output)?,
            style,
        )),
        Command::Erd {
            source,
            tables,
            depth,
            output,
        } => runtime.block_on(commands::erd::run(
            &settings,
            &commands::erd::Request {
                source,
                format: commands::erd::DiagramFormat::of(format),
                tables,
                depth,
                output,
            },
        )),
        Command::Inspect {
            source,
            schemas,
            privileges,
        } => runtime.block_on(commands::schema::inspect(
            &petal_engine::Settings {
                privileges: settings.privileges || privileges,
                ..settings
            },
            &source,
            &schemas,
            format,
        )),
        Command::Diff {
            from,
            to,
            exit_code,
            schemas,
            privileges,
            allow_recreate,
            output,
        } => {
            let mut settings = settings;
            settings.privileges |= privileges;
            settings.recreate_with_rows = petal_engine::tables_named(&allow_recreate);
            if !schemas.is_empty() {
                settings.schemas = schemas;
            }
            let output = commands::report::Output::new(format, output)?;
            runtime.block_on(commands::schema::diff(
                &settings, &from, &to, exit_code, output,
            ))
        }
        _ => Err(Failure::error(
            ErrorKind::Internal,
            "dispatch_schema was given a command that reads no schema (a bug in petal)",
        )),
    }
}

/// mimalloc asks for transparent huge pages on its arenas; where the kernel
/// compacts memory to find one on a page fault (`defrag` at `madvise`, a
/// common default), a run now and then spent up to 0.4 s of system time
/// stalled. Without them (warm autogenerate of the 1,000-table benchmark,
/// one model edited, 15 runs each way, interleaved): mean wall 0.621 s →
/// 0.583 s, median 0.585 s → 0.576 s, worst system time 0.41 s → 0.09 s;
/// the best run 0.518 s → 0.541 s, the page faults being smaller. So the
/// process asks for none (Linux; inherited by what it starts).
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: a flag of the calling process; a kernel that does not know it
    // returns an error, which changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Rust ignores SIGPIPE, so `petal history | head -1` would panic on a
/// closed pipe; a command-line tool should just stop, as `cat` does.
fn restore_sigpipe() {
    // SAFETY: resetting a signal to its default disposition at start-up,
    // before any thread exists, has no memory-safety implications.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
