//! `petal erd --format dot`: `erd`'s own `--format`, under a global one.

use std::ffi::OsString;

use clap::Parser;

use super::Cli;

/// The command line as clap reads it, with `erd`'s `--format` renamed.
///
/// `--format` is a global option typed by [`super::Format`]; clap hands a global's
/// value to every subcommand and back, so `erd` cannot declare a
/// `--format` of its own type. After the `erd` subcommand, `--format X`
/// is read as `--erd-format X`: `petal erd --format dot` works as written,
/// and the shared option is untouched.
pub fn parse() -> Cli {
    Cli::parse_from(erd_format_renamed(std::env::args_os().collect()))
}

/// `args` with each `--format` after an `erd` subcommand (and before a
/// `--`) spelled `--erd-format`.
fn erd_format_renamed(mut args: Vec<OsString>) -> Vec<OsString> {
    // The global options that take a value as the next argument.
    const WITH_VALUE: [&str; 4] = ["--config", "--database-url", "--format", "--color"];
    let mut i = 1;
    while i < args.len() {
        let arg = args[i].to_string_lossy();
        if WITH_VALUE.contains(&arg.as_ref()) {
            i += 2;
        } else if arg.starts_with('-') {
            i += 1;
        } else {
            break;
        }
    }
    if args.get(i).is_none_or(|sub| sub != "erd") {
        return args;
    }
    for arg in args.iter_mut().skip(i + 1) {
        let text = arg.to_string_lossy();
        if text == "--" {
            break;
        }
        if text == "--format" {
            *arg = OsString::from("--erd-format");
        } else if let Some(value) = text.strip_prefix("--format=") {
            *arg = OsString::from(format!("--erd-format={value}"));
        }
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Command, ErdFormat};

    fn renamed(args: &[&str]) -> Vec<String> {
        erd_format_renamed(args.iter().map(OsString::from).collect())
            .into_iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn erd_format_is_renamed_after_erd_only() {
        assert_eq!(
            renamed(&["petal", "--color", "never", "erd", "db", "--format", "dot"]),
            [
                "petal",
                "--color",
                "never",
                "erd",
                "db",
                "--erd-format",
                "dot"
            ]
        );
        assert_eq!(
            renamed(&["petal", "erd", "--format=svg", "--", "--format"]),
            ["petal", "erd", "--erd-format=svg", "--", "--format"]
        );
        // Another command's, and a global one before `erd`, are left.
        assert_eq!(
            renamed(&["petal", "diff", "--format", "json"]),
            ["petal", "diff", "--format", "json"]
        );
        assert_eq!(
            renamed(&["petal", "--format", "erd", "erd"]),
            ["petal", "--format", "erd", "erd"]
        );
    }

    #[test]
    fn erd_reads_its_own_format() {
        let cli = Cli::parse_from(renamed(&[
            "petal", "erd", "--format", "svg", "--tables", "a,b",
        ]));
        match cli.command {
            Command::Erd { format, tables, .. } => {
                assert_eq!(format, ErdFormat::Svg);
                assert_eq!(tables, ["a", "b"]);
            }
            other => panic!("not erd: {other:?}"),
        }
        // A depth says how far from the tables named: none named, no depth.
        assert!(Cli::try_parse_from(["petal", "erd", "--depth", "1"]).is_err());
    }
}
