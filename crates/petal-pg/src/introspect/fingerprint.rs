//! The catalogs' fingerprint: one cheap query whose answer changes
//! whenever anything an introspection reads may have changed, so that a
//! caller holding an earlier read (and the fingerprint taken in its
//! snapshot) can tell whether that read still stands without reading
//! again.
//!
//! PostgreSQL's catalogs are MVCC tables: every DDL statement inserts,
//! updates or deletes catalog rows, and every row version it writes
//! carries its transaction's id (`xmin`) at a new place (`ctid`). The
//! fingerprint sums a 64-bit hash of `(ctid, xmin)` over every row of
//! every catalog of the database, with each catalog's row count. A
//! changed row is a new version, so its catalog's sum moves unless two
//! multisets of random 64-bit hashes happen to sum alike.
//!
//! What escapes that, and is added explicitly:
//! - updates PostgreSQL makes in place (no new version): `pg_index`'s
//!   `indisvalid`, `indisready` and `indislive` on some versions; the rest
//!   (`relpages`, `reltuples`, `relfrozenxid`, ...) no query reads;
//! - the shared catalogs: role names (ACLs and owners print them) are
//!   read through `pg_roles` itself; databases and tablespaces are not
//!   read by the introspection;
//! - the session settings that change how `pg_get_expr` prints a
//!   constant (`DateStyle`, `TimeZone`, ...), and the role reading
//!   (`current_user` is in the privileges' answer);
//! - the cluster (`system_identifier`), the server's start and the
//!   database (its oid). Transaction ids name row versions only along one
//!   line of history: a cluster built again by the same script, a restored
//!   backup, a copied data directory or a branch reset to its parent hands
//!   out the same ids again, for other statements maybe. Each is a new
//!   cluster, a new start of the server or a new database: what the same
//!   connection settings reach then never takes a read kept before.
//!   One rewind escapes this: a server crash with `synchronous_commit =
//!   off` loses commits not yet flushed and hands their ids out again,
//!   with no restart of the postmaster. A read taken between such a
//!   commit and the crash could then match other statements of the same
//!   shape; it takes a crash, an asynchronous DDL commit and the same
//!   row places.
//!
//! Catalogs left out: those a role other than a superuser cannot read
//! (`pg_statistic`, `pg_statistic_ext_data`, `pg_largeobject`,
//! `pg_user_mapping`), and those that change with data, never with the
//! schema (`pg_largeobject_metadata`, `pg_subscription_rel`). Statistics
//! and vacuum update `pg_class` in place: they do not move the
//! fingerprint.

use tokio_postgres::{Client, SimpleQueryMessage};

use crate::error::PgError;

/// Every catalog of a database (not shared) that the fingerprint covers,
/// on every version petal supports.
pub const CATALOGS: &[&str] = &[
    "pg_aggregate",
    "pg_am",
    "pg_amop",
    "pg_amproc",
    "pg_attrdef",
    "pg_attribute",
    "pg_cast",
    "pg_class",
    "pg_collation",
    "pg_constraint",
    "pg_conversion",
    "pg_default_acl",
    "pg_depend",
    "pg_description",
    "pg_enum",
    "pg_event_trigger",
    "pg_extension",
    "pg_foreign_data_wrapper",
    "pg_foreign_server",
    "pg_foreign_table",
    "pg_index",
    "pg_inherits",
    "pg_init_privs",
    "pg_language",
    "pg_namespace",
    "pg_opclass",
    "pg_operator",
    "pg_opfamily",
    "pg_partitioned_table",
    "pg_policy",
    "pg_proc",
    "pg_publication",
    "pg_publication_rel",
    "pg_range",
    "pg_rewrite",
    "pg_seclabel",
    "pg_sequence",
    "pg_statistic_ext",
    "pg_transform",
    "pg_trigger",
    "pg_ts_config",
    "pg_ts_config_map",
    "pg_ts_dict",
    "pg_ts_parser",
    "pg_ts_template",
    "pg_type",
];

/// Catalogs that appeared after 13, with the version they appeared in.
pub const LATER_CATALOGS: &[(&str, i32)] = &[("pg_publication_namespace", 150000)];

/// The catalogs of a database the fingerprint leaves out, and why (see
/// the module's comment).
pub const LEFT_OUT: &[&str] = &[
    "pg_statistic",
    "pg_statistic_ext_data",
    "pg_largeobject",
    "pg_user_mapping",
    "pg_largeobject_metadata",
    "pg_subscription_rel",
];

/// The settings that change how a value prints.
const SETTINGS: &[&str] = &[
    "DateStyle",
    "IntervalStyle",
    "TimeZone",
    "extra_float_digits",
    "bytea_output",
    "lc_monetary",
    "standard_conforming_strings",
    "quote_all_identifiers",
];

/// The fingerprint query for a server of `version`: one row, one text.
pub fn query(version: i32) -> String {
    let mut parts: Vec<String> = vec![
        "(SELECT system_identifier::text FROM pg_catalog.pg_control_system())".into(),
        "pg_catalog.pg_postmaster_start_time()::text".into(),
        "(SELECT oid::text FROM pg_catalog.pg_database WHERE datname = current_database())".into(),
        "current_user::text".into(),
    ];
    parts.extend(
        SETTINGS
            .iter()
            .map(|s| format!("pg_catalog.current_setting('{s}')")),
    );
    parts.push(
        "(SELECT count(*) || ':' || coalesce(sum(pg_catalog.hashtextextended(rolname, oid::int8)), 0) \
         FROM pg_catalog.pg_roles)"
            .into(),
    );
    let later = LATER_CATALOGS
        .iter()
        .filter(|(_, from)| version >= *from)
        .map(|(name, _)| *name);
    for catalog in CATALOGS.iter().copied().chain(later) {
        // `xmin` as the hash's seed: a row version is its place and its
        // writer.
        let mut version_hash = "pg_catalog.hashtidextended(ctid, xmin::text::int8)".to_string();
        if catalog == "pg_index" {
            // Updated in place by CREATE / DROP INDEX CONCURRENTLY on some
            // versions: the flags themselves go in.
            version_hash = format!(
                "{version_hash} # (indisvalid::int * 4 + indisready::int * 2 + indislive::int)::int8"
            );
        }
        parts.push(format!(
            "(SELECT count(*) || ':' || coalesce(sum({version_hash}), 0) FROM pg_catalog.{catalog})"
        ));
    }
    format!("SELECT concat_ws(' ', {})", parts.join(", "))
}

/// Reads the fingerprint on `client`, in its current transaction if it is
/// in one (an introspection's snapshot, even after its last query), else
/// in a statement of its own.
pub(super) async fn read(client: &Client, version: i32) -> Result<String, PgError> {
    let answer = client
        .simple_query(&query(version))
        .await
        .map_err(|e| PgError::query("reading the catalogs' fingerprint", e))?;
    answer
        .iter()
        .find_map(|m| match m {
            SimpleQueryMessage::Row(row) => row.get(0).map(str::to_string),
            _ => None,
        })
        .ok_or_else(|| PgError::Catalog("the catalogs' fingerprint came back empty".into()))
}

/// The catalogs' fingerprint of the database `client` is connected to,
/// with the server's version: what [`super::Introspection::fingerprint`]
/// was when nothing the introspection reads has changed since.
pub async fn catalog_fingerprint(client: &Client) -> Result<(i32, String), PgError> {
    let opening = client
        .simple_query("SELECT current_setting('server_version_num')")
        .await
        .map_err(|e| PgError::query("reading the server's version", e))?;
    let version = super::server_version(&opening)?;
    Ok((version, read(client, version).await?))
}
