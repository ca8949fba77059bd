//! The tool's rows against the directory: what is stamped, what does not
//! match; refinery's and sqlx's checksums as the tools compute them.

use std::collections::BTreeSet;

use sha2::{Digest, Sha384};

use super::super::*;
use super::dir;

/// refinery's checksum of `V1__initial.sql` holding `CREATE TABLE
/// persons (id int);`, computed once with siphasher's `SipHasher13` as
/// refinery computes it: with its default int4 versions, and with its
/// `int8-versions` feature.
const INITIAL_INT4: u64 = 2_686_532_623_648_937_061;
const INITIAL_INT8: u64 = 13_933_610_082_772_382_928;

#[test]
fn refinery_checksum_is_siphash13_of_name_version_and_sql() {
    let sql = "CREATE TABLE persons (id int);";
    assert_eq!(
        refinery_checksum("initial", 1, false, sql),
        Some(INITIAL_INT4)
    );
    assert_eq!(
        refinery_checksum("initial", 1, true, sql),
        Some(INITIAL_INT8)
    );
    // An int4 version is an i32: refinery refuses a larger one.
    let above = i64::from(i32::MAX) + 1;
    assert_eq!(refinery_checksum("initial", above, false, sql), None);
    assert!(refinery_checksum("initial", above, true, sql).is_some());
    // Each table's rows against the file: the checksum its column's width
    // gives matches, the other width's does not.
    let source = dir(&[("V1__initial.sql", sql)]);
    let conversion = convert(Tool::Refinery, &source, "m").expect("converts");
    let table = |checksum: u64, int8_versions| AppliedRows::Refinery {
        rows: vec![RefineryRow {
            version: 1,
            name: "initial".into(),
            checksum: checksum.to_string(),
        }],
        int8_versions,
    };
    let kinds = |rows| -> Vec<MismatchKind> {
        reconcile(&conversion, &source, "refinery_schema_history", &rows)
            .mismatches
            .iter()
            .map(|m| m.kind)
            .collect()
    };
    assert_eq!(kinds(table(INITIAL_INT4, false)), []);
    assert_eq!(kinds(table(INITIAL_INT8, true)), []);
    assert_eq!(kinds(table(INITIAL_INT8, false)), [MismatchKind::Checksum]);
    assert_eq!(kinds(table(INITIAL_INT4, true)), [MismatchKind::Checksum]);
}

#[test]
fn refinery_version_above_int4_is_refused_with_an_int4_table() {
    let source = dir(&[
        ("V1__a.sql", "SELECT 1;"),
        ("V3000000000__b.sql", "SELECT 2;"),
    ]);
    let conversion = convert(Tool::Refinery, &source, "m").expect("converts");
    let rows = |int8_versions| AppliedRows::Refinery {
        rows: vec![RefineryRow {
            version: 1,
            name: "a".into(),
            checksum: refinery_checksum("a", 1, int8_versions, "SELECT 1;")
                .map(|c| c.to_string())
                .unwrap_or_default(),
        }],
        int8_versions,
    };
    let table = "refinery_schema_history";
    let int4 = reconcile(&conversion, &source, table, &rows(false));
    assert_eq!(int4.mismatches.len(), 1, "{:?}", int4.mismatches);
    assert_eq!(int4.mismatches[0].kind, MismatchKind::VersionRange);
    let text = int4.mismatches[0].report.to_string();
    assert!(
        text.contains(
            "version 3000000000 does not fit `refinery_schema_history`'s int4 version column"
        ),
        "{text}"
    );
    let int8 = reconcile(&conversion, &source, table, &rows(true));
    assert_eq!(int8.mismatches, []);
}

/// sqlx.toml's `ignored-chars` leave characters out of the hashed text.
#[test]
fn sqlx_checksum_leaves_the_ignored_chars_out() {
    let crlf = "CREATE TABLE a (id int);\r\n";
    let lf = Sha384::digest(b"CREATE TABLE a (id int);\n").to_vec();
    assert_eq!(sqlx_checksum(crlf, &BTreeSet::from(['\r'])), lf);
    assert_ne!(sqlx_checksum(crlf, &BTreeSet::new()), lf);
    let source = dir(&[("1_a.sql", crlf)]);
    let conversion = convert(Tool::Sqlx, &source, "m").expect("converts");
    let rows = |ignored_chars| AppliedRows::Sqlx {
        rows: vec![SqlxRow {
            version: 1,
            success: true,
            checksum: lf.clone(),
        }],
        ignored_chars,
    };
    let stripped = reconcile(&conversion, &source, "t", &rows(BTreeSet::from(['\r'])));
    assert_eq!(stripped.mismatches, []);
    let whole = reconcile(&conversion, &source, "t", &rows(BTreeSet::new()));
    assert_eq!(whole.mismatches[0].kind, MismatchKind::Checksum);
}

fn sqlx_dir() -> SourceDir {
    dir(&[
        ("1_a.sql", "CREATE TABLE a (id int);"),
        ("2_b.sql", "CREATE TABLE b (id int);"),
        ("3_c.sql", "CREATE TABLE c (id int);"),
    ])
}

fn sqlx_rows(rows: Vec<SqlxRow>) -> AppliedRows {
    AppliedRows::Sqlx {
        rows,
        ignored_chars: BTreeSet::new(),
    }
}

fn sqlx_row(source: &SourceDir, version: i64, file: &str, success: bool) -> SqlxRow {
    SqlxRow {
        version,
        success,
        checksum: Sha384::digest(source.text(file).as_bytes()).to_vec(),
    }
}

#[test]
fn reconciled_applied_first_part_and_the_rest_pending() {
    let source = sqlx_dir();
    let conversion = convert(Tool::Sqlx, &source, "m").expect("converts");
    let rows = sqlx_rows(vec![
        sqlx_row(&source, 1, "1_a.sql", true),
        sqlx_row(&source, 2, "2_b.sql", true),
    ]);
    let reconciled = reconcile(&conversion, &source, "_sqlx_migrations", &rows);
    assert_eq!(reconciled.mismatches, []);
    assert_eq!(
        reconciled.applied,
        [
            conversion.migrations[0].revision().clone(),
            conversion.migrations[1].revision().clone()
        ]
    );
    assert_eq!(
        reconciled.pending,
        [conversion.migrations[2].revision().clone()]
    );
}

#[test]
fn every_mismatch_kind_is_reported() {
    let source = sqlx_dir();
    let conversion = convert(Tool::Sqlx, &source, "m").expect("converts");
    let mut changed = sqlx_row(&source, 3, "3_c.sql", true);
    changed.checksum[0] ^= 1;
    let rows = sqlx_rows(vec![
        sqlx_row(&source, 2, "2_b.sql", false),
        changed,
        sqlx_row(&source, 7, "1_a.sql", true),
    ]);
    let reconciled = reconcile(&conversion, &source, "_sqlx_migrations", &rows);
    let kinds: Vec<(String, MismatchKind)> = reconciled
        .mismatches
        .iter()
        .map(|m| (m.version.to_string(), m.kind))
        .collect();
    assert_eq!(
        kinds,
        [
            ("1".into(), MismatchKind::OutOfOrder),
            ("2".into(), MismatchKind::Failed),
            ("2".into(), MismatchKind::OutOfOrder),
            ("3".into(), MismatchKind::Checksum),
            ("7".into(), MismatchKind::Missing),
        ]
    );
    let missing = reconciled.mismatches[4].report.to_string();
    assert!(
        missing.contains(
            "`_sqlx_migrations` records version 7 as applied, but old holds no sqlx migration"
        ),
        "{missing}"
    );
}

#[test]
fn diesel_gap_and_refinery_divergence() {
    let source = dir(&[
        ("2023-01-01-000000_a/up.sql", "SELECT 1;"),
        ("2023-01-02-000000_b/up.sql", "SELECT 2;"),
    ]);
    let conversion = convert(Tool::Diesel, &source, "m").expect("converts");
    let rows = AppliedRows::Diesel(vec!["20230102000000".into()]);
    let reconciled = reconcile(&conversion, &source, "__diesel_schema_migrations", &rows);
    let text = reconciled.mismatches[0].report.to_string();
    assert!(
        text.contains(
            "version 20230101000000 is not applied while a later one, 20230102000000, is"
        ),
        "{text}"
    );
    assert!(text.contains("diesel would run it next"), "{text}");

    let source = dir(&[("V1__initial.sql", "SELECT 1;")]);
    let conversion = convert(Tool::Refinery, &source, "m").expect("converts");
    let good = refinery_checksum("initial", 1, false, "SELECT 1;")
        .expect("an int4 version")
        .to_string();
    let row = |name: &str, checksum: &str| AppliedRows::Refinery {
        rows: vec![RefineryRow {
            version: 1,
            name: name.into(),
            checksum: checksum.into(),
        }],
        int8_versions: false,
    };
    assert_eq!(
        reconcile(
            &conversion,
            &source,
            "refinery_schema_history",
            &row("initial", &good)
        )
        .mismatches,
        []
    );
    let bad = reconcile(
        &conversion,
        &source,
        "refinery_schema_history",
        &row("initial", "12"),
    );
    assert_eq!(bad.mismatches[0].kind, MismatchKind::Checksum);
    let renamed = reconcile(
        &conversion,
        &source,
        "refinery_schema_history",
        &row("first", &good),
    );
    assert!(
        renamed.mismatches[0]
            .report
            .to_string()
            .contains("applied as `first`")
    );
}
