//! The `petal` binary: argument parsing, configuration and output. The
//! workflows live in `petal-engine`; this crate only translates between them
//! and the terminal.

mod cli;
mod commands;
mod config;
mod failure;
mod output;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, Format};
use config::Config;
use failure::Failure;
use output::Style;
use petal_engine::migrate::Operation;
use petal_migrate::{Direction, PlanOptions};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if !failure.message.is_empty() {
                let _ = writeln!(std::io::stderr(), "error: {}", failure.message);
            }
            ExitCode::from(failure.code)
        }
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    if let Command::Init { dir } = &cli.command {
        return commands::init::run(dir);
    }
    let config = Config::load(
        cli.global.config.as_deref(),
        cli.global.database_url.as_deref(),
    )?;
    let settings = config.settings();
    let format = cli.global.format;
    let style = Style::new(cli.global.color);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::error(format!("cannot start the async runtime: {e}")))?;
    match cli.command {
        Command::Dev { action } => runtime.block_on(commands::dev::run(&settings, action)),
        Command::Upgrade {
            target, sql: true, ..
        } => commands::migrate::sql(&settings, &target, Direction::Up),
        Command::Downgrade { target, sql: true } => {
            commands::migrate::sql(&settings, &target, Direction::Down)
        }
        Command::Upgrade {
            target,
            allow_modified,
            ..
        } => runtime.block_on(commands::migrate::run(
            &settings,
            Operation::Upgrade,
            &target,
            PlanOptions { allow_modified },
            style,
        )),
        Command::Downgrade { target, .. } => runtime.block_on(commands::migrate::run(
            &settings,
            Operation::Downgrade,
            &target,
            PlanOptions::default(),
            style,
        )),
        Command::Stamp { target } => runtime.block_on(commands::migrate::run(
            &settings,
            Operation::Stamp,
            &target,
            PlanOptions::default(),
            style,
        )),
        Command::Current => runtime.block_on(commands::migrate::current(&settings, format)),
        Command::Heads => commands::migrate::heads(&settings, format),
        Command::History { verbose } => {
            runtime.block_on(commands::migrate::history(&settings, verbose, format))
        }
        Command::Status => runtime.block_on(commands::migrate::status(&settings, format, style)),
        Command::Inspect { source, schemas } => {
            inspect(&config, &source, &schemas, cli.global.format)
        }
        other => Err(Failure::error(format!(
            "`petal {}` is not implemented yet",
            command_name(&other)
        ))),
    }
}

fn inspect(
    config: &Config,
    source: &str,
    schemas: &[String],
    format: Format,
) -> Result<(), Failure> {
    let settings = config.settings();
    let mut db = match source {
        "models" => petal_engine::models::scan(&settings)?.database,
        other => {
            return Err(Failure::error(format!(
                "`petal inspect {other}` is not implemented yet (only `models` is)"
            )));
        }
    };
    if !schemas.is_empty() {
        db.retain_schemas(&schemas.iter().cloned().collect());
    }
    match format {
        Format::Json => output::print_json(&db),
        Format::Text => {
            print!("{}", petal_ir::dump(&db));
            Ok(())
        }
    }
}

fn command_name(command: &Command) -> &'static str {
    match command {
        Command::Init { .. } => "init",
        Command::Revision { .. } => "revision",
        Command::Upgrade { .. } => "upgrade",
        Command::Downgrade { .. } => "downgrade",
        Command::Current => "current",
        Command::History { .. } => "history",
        Command::Heads => "heads",
        Command::Status => "status",
        Command::Stamp { .. } => "stamp",
        Command::Merge { .. } => "merge",
        Command::Check { .. } => "check",
        Command::Diff { .. } => "diff",
        Command::Inspect { .. } => "inspect",
        Command::Dev { .. } => "dev",
    }
}
