//! `just bench-introspect`: introspection of a 1,000-table schema with 300
//! views, 300 functions, 300 triggers and 100 sequences (grants on half
//! the views and a third of the functions, a policy on every tenth table,
//! an inheritance child of every twentieth, and for every fiftieth a
//! partitioned table with three partitions, an unlogged table and one
//! with an exclusion constraint and a deferrable key) against
//! `pg_dump --schema-only` of the same database, in the same run.
//!
//! Starts its own embedded cluster in `<target>/petal-bench-pg` (durability
//! off) and stops it at the end. Each introspection runs in a child process
//! (this binary, `--introspect URL`) so that its peak memory is its own.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use petal_pg::{
    ConnConfig, EmbeddedCluster, IntrospectOptions, connect, introspect, introspect_parallel,
};

const TABLES: usize = 1000;
const ENUMS: usize = 50;
const VIEWS: usize = 300;
/// Functions in all, the trigger functions among them.
const FUNCTIONS: usize = 300;
const TRIGGER_FUNCTIONS: usize = 10;
const TRIGGERS: usize = 300;
const SEQUENCES: usize = 100;
const RUNS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `--print-ddl`: the benchmark's schema, to study a query on it by hand.
    if args.get(1).map(String::as_str) == Some("--print-ddl") {
        print!("{}", schema_ddl());
        return;
    }
    let result = if args.get(1).map(String::as_str) == Some("--introspect") {
        child(
            args.get(2).map(String::as_str).unwrap_or_default(),
            args.get(3).map(String::as_str) == Some("parallel"),
        )
    } else {
        parent()
    };
    if let Err(e) = result {
        eprintln!("bench-introspect: {e}");
        std::process::exit(2);
    }
}

/// One introspection; prints `millis queries objects peak_kib`, `objects`
/// counting tables, views, functions, triggers and sequences.
fn child(url: &str, parallel: bool) -> Result<(), String> {
    let cfg = ConnConfig::parse(url).map_err(|e| e.to_string())?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let opts = IntrospectOptions::default();
        let (started, found) = if parallel {
            // Connecting is part of the work here: it opens two connections.
            let started = Instant::now();
            let found = introspect_parallel(&cfg, &opts).await;
            (started, found)
        } else {
            let client = connect(&cfg).await.map_err(|e| e.to_string())?;
            let started = Instant::now();
            let found = introspect(&client, &opts).await;
            (started, found)
        };
        let found = found.map_err(|e| e.to_string())?;
        let elapsed = started.elapsed();
        let db = &found.database;
        let objects = db.tables.len()
            + db.views.len()
            + db.functions.len()
            + db.triggers.len()
            + db.sequences.len();
        println!(
            "{} {} {} {}",
            elapsed.as_secs_f64() * 1000.0,
            found.queries,
            objects,
            peak_rss_kib()
        );
        Ok(())
    })
}

fn parent() -> Result<(), String> {
    let target = target_dir();
    let cluster = EmbeddedCluster::in_dir(&target.join("petal-bench-pg"), "bench")
        .map_err(|e| e.to_string())?
        .with_setting("fsync", "off")
        .with_setting("full_page_writes", "off")
        .with_setting("synchronous_commit", "off");
    let rt = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let outcome = rt.block_on(run(&cluster));
    let stopped = cluster.stop();
    outcome?;
    stopped.map_err(|e| e.to_string())
}

async fn run(cluster: &EmbeddedCluster) -> Result<(), String> {
    cluster.start_server().map_err(|e| e.to_string())?;
    cluster
        .drop_database("bench")
        .await
        .map_err(|e| e.to_string())?;
    cluster
        .create_database("bench")
        .await
        .map_err(|e| e.to_string())?;
    let ddl = schema_ddl();
    let client = connect(&cluster.conn_config("bench"))
        .await
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    client
        .batch_execute(&ddl)
        .await
        .map_err(|e| petal_pg::error::describe(&e))?;
    client
        .batch_execute("ANALYZE")
        .await
        .map_err(|e| e.to_string())?;
    // The inheritance children of every twentieth table, and for every
    // fiftieth the six tables of `table_kinds`.
    let more_tables = TABLES.div_ceil(20) + TABLES.div_ceil(50) * 6;
    println!(
        "schema: {TABLES} tables and {more_tables} more, {ENUMS} enum types, {VIEWS} views, \
         {FUNCTIONS} functions, {TRIGGERS} triggers, {SEQUENCES} sequences ({} objects counted \
         below), {} bytes of DDL, loaded in {:.2} s",
        TABLES + more_tables + VIEWS + FUNCTIONS + TRIGGERS + SEQUENCES,
        ddl.len(),
        started.elapsed().as_secs_f64()
    );
    let url = cluster.url();
    let pg_dump = pg_dump_path(cluster.bin_dir());
    // Other work on the machine skews every figure below: say how busy it was.
    println!("load average before: {}", load_average());

    // Warm everything up once (the server's buffers), then interleave the
    // measured runs so that a busy moment on the machine hits all alike.
    let mut dump_times = Vec::new();
    let mut single = Vec::new();
    let mut parallel = Vec::new();
    dump_once(&pg_dump, &url)?;
    introspect_once(&url, false)?;
    introspect_once(&url, true)?;
    for _ in 0..RUNS {
        dump_times.push(dump_once(&pg_dump, &url)?);
        single.push(introspect_once(&url, false)?);
        parallel.push(introspect_once(&url, true)?);
    }
    let dump_peak = dump_times.iter().map(|(_, kib)| *kib).max().unwrap_or(0);
    let dump_statements =
        count_statements(cluster, &client, || dump_once(&pg_dump, &url).map(|_| ())).await?;
    let dump_ms = median(
        dump_times
            .iter()
            .map(|(d, _)| d.as_secs_f64() * 1000.0)
            .collect(),
    );
    println!("pg_dump --schema-only ({}):", pg_dump.display());
    println!(
        "  median {dump_ms:.0} ms over {RUNS} runs (wall time of the process), \
         {dump_statements} statements in the server log, peak {:.1} MiB",
        dump_peak as f64 / 1024.0
    );
    println!("load average after the timed runs: {}", load_average());
    // Server CPU per run, which the machine's load hardly skews: the
    // postmaster's reaped-children CPU time across RUNS consecutive runs.
    let dump_cpu = server_cpu_ms(cluster, || dump_once(&pg_dump, &url).map(|_| ()))?;
    println!("  server CPU per pg_dump: {dump_cpu:.0} ms");
    for (label, runs, is_parallel) in [
        ("introspect (one connection)", &single, false),
        (
            "introspect_parallel (two connections, connecting included)",
            &parallel,
            true,
        ),
    ] {
        let statements = count_statements(cluster, &client, || {
            introspect_once(&url, is_parallel).map(|_| ())
        })
        .await?;
        let ms = median(runs.iter().map(|r| r.millis).collect());
        let cpu = server_cpu_ms(cluster, || introspect_once(&url, is_parallel).map(|_| ()))?;
        let peak = runs.iter().map(|r| r.peak_kib).max().unwrap_or(0);
        let last = runs.last().ok_or("no introspection ran")?;
        println!("petal {label}:");
        println!(
            "  median {ms:.0} ms over {RUNS} runs, {} queries by its own count, {statements} \
             statements in the server log, {} objects, peak {:.1} MiB (whole process, VmHWM)",
            last.queries,
            last.objects,
            peak as f64 / 1024.0
        );
        println!(
            "  ratio: {:.2}x pg_dump's time (goal: <= 0.5x); server CPU {cpu:.0} ms per run, \
             {:.2}x pg_dump's",
            ms / dump_ms,
            cpu / dump_cpu
        );
    }
    Ok(())
}

struct OurRun {
    millis: f64,
    queries: u32,
    objects: usize,
    peak_kib: i64,
}

fn introspect_once(url: &str, parallel: bool) -> Result<OurRun, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mode = if parallel { "parallel" } else { "single" };
    let out = Command::new(exe)
        .args(["--introspect", url, mode])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "introspection failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let fields: Vec<&str> = text.split_whitespace().collect();
    let parse_err = || format!("unexpected child output {text:?}");
    match fields.as_slice() {
        [ms, queries, objects, peak] => Ok(OurRun {
            millis: ms.parse().map_err(|_| parse_err())?,
            queries: queries.parse().map_err(|_| parse_err())?,
            objects: objects.parse().map_err(|_| parse_err())?,
            peak_kib: peak.parse().map_err(|_| parse_err())?,
        }),
        _ => Err(parse_err()),
    }
}

/// One `pg_dump --schema-only`: its wall time and peak memory (KiB).
fn dump_once(pg_dump: &Path, url: &str) -> Result<(Duration, i64), String> {
    let started = Instant::now();
    let child = Command::new(pg_dump)
        .args(["--schema-only", "--dbname", url])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("{}: {e}", pg_dump.display()))?;
    // wait4 rather than Child::wait, for this child's own rusage.
    let mut status = 0;
    // SAFETY: waits for our own child; both out-parameters are valid.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    if unsafe { libc::wait4(pid, &mut status, 0, &mut usage) } != pid {
        return Err("waiting for pg_dump failed".into());
    }
    let elapsed = started.elapsed();
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        return Err(format!("pg_dump failed (wait status {status})"));
    }
    Ok((elapsed, usage.ru_maxrss))
}

/// Statements the server logged while `action` ran, with `log_statement`
/// turned on for the database just for that.
async fn count_statements(
    cluster: &EmbeddedCluster,
    client: &tokio_postgres::Client,
    action: impl FnOnce() -> Result<(), String>,
) -> Result<usize, String> {
    let set = |value: &'static str| format!("ALTER DATABASE bench SET log_statement = '{value}'");
    client
        .batch_execute(&set("all"))
        .await
        .map_err(|e| e.to_string())?;
    let log = cluster.log_file();
    let before = std::fs::metadata(&log).map(|m| m.len()).unwrap_or(0) as usize;
    action()?;
    client
        .batch_execute(&set("none"))
        .await
        .map_err(|e| e.to_string())?;
    let text = std::fs::read(&log).map_err(|e| e.to_string())?;
    let new = String::from_utf8_lossy(text.get(before..).unwrap_or_default()).into_owned();
    Ok(new
        .lines()
        .filter(|l| l.contains("LOG:  statement: ") || l.contains("LOG:  execute "))
        .filter(|l| !l.contains("log_statement"))
        .count())
}

/// Average server CPU (ms) of `action`, run RUNS times: the postmaster's
/// `cutime + cstime` grows by the CPU of every backend it reaps.
fn server_cpu_ms(
    cluster: &EmbeddedCluster,
    mut action: impl FnMut() -> Result<(), String>,
) -> Result<f64, String> {
    let before = reaped_children_ticks(cluster)?;
    for _ in 0..RUNS {
        action()?;
    }
    // Backends exit, and are reaped, just after their client goes.
    std::thread::sleep(Duration::from_millis(300));
    let after = reaped_children_ticks(cluster)?;
    // SAFETY: sysconf has no preconditions.
    let ticks_per_s = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    Ok((after - before) as f64 * 1000.0 / ticks_per_s / RUNS as f64)
}

fn reaped_children_ticks(cluster: &EmbeddedCluster) -> Result<u64, String> {
    let pid_file = cluster.data_dir().join("postmaster.pid");
    let pid = std::fs::read_to_string(&pid_file)
        .map_err(|e| format!("{}: {e}", pid_file.display()))?
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .to_string();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(|e| e.to_string())?;
    // Fields after the command name (which may hold spaces): state is
    // field 3, cutime and cstime are fields 16 and 17.
    let rest = stat.rsplit_once(") ").map(|(_, r)| r).unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let field = |n: usize| -> Result<u64, String> {
        fields
            .get(n - 3)
            .and_then(|f| f.parse().ok())
            .ok_or_else(|| format!("unexpected /proc/{pid}/stat"))
    };
    Ok(field(16)? + field(17)?)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|_| "unknown".into())
}

fn pg_dump_path(bin_dir: &Path) -> PathBuf {
    let beside = bin_dir.join("pg_dump");
    if beside.is_file() {
        beside
    } else {
        PathBuf::from("pg_dump")
    }
}

/// This process's peak resident set (`VmHWM`, KiB), 0 if unknown.
fn peak_rss_kib() -> i64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn target_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| {
            exe.ancestors()
                .find(|d| d.join("CACHEDIR.TAG").is_file())
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| std::env::temp_dir().join("petal-bench"))
}

/// A deterministic generator (an LCG) so every run loads the same schema.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// ~12 columns a table of mixed types, 1–3 indexes (plain, unique,
/// partial, multi-column), 0–2 foreign keys, checks and comments.
fn schema_ddl() -> String {
    let mut rng = Rng(42);
    let mut ddl = String::new();
    for e in 0..ENUMS {
        let labels: Vec<String> = (0..3 + e % 5).map(|l| format!("'label_{e}_{l}'")).collect();
        let _ = writeln!(
            ddl,
            "CREATE TYPE status_{e} AS ENUM ({});",
            labels.join(", ")
        );
    }
    for t in 0..TABLES {
        let e = rng.below(ENUMS);
        let mut cols = vec![
            "id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY".to_string(),
            "created_at timestamptz NOT NULL DEFAULT now()".into(),
            format!("status status_{e} NOT NULL DEFAULT 'label_{e}_0'"),
            "name text NOT NULL".into(),
            "code varchar(32)".into(),
            "price numeric(12,2) NOT NULL DEFAULT 0 CHECK (price >= 0)".into(),
            "qty integer NOT NULL DEFAULT 1".into(),
            "active boolean DEFAULT true".into(),
            "meta jsonb".into(),
            "tags text[] DEFAULT '{}'".into(),
            "ratio double precision".into(),
        ];
        let fks = if t == 0 { 0 } else { rng.below(3) };
        for f in 0..fks {
            let target = rng.below(t);
            cols.push(format!(
                "ref_{f} integer REFERENCES t{target} (id) ON DELETE SET NULL"
            ));
        }
        if fks == 0 {
            cols.push("note text".into());
        }
        let _ = writeln!(
            ddl,
            "CREATE TABLE t{t} (\n  {},\n  CONSTRAINT t{t}_qty_check CHECK (qty BETWEEN 0 AND 10000)\n);",
            cols.join(",\n  ")
        );
        let _ = writeln!(ddl, "CREATE INDEX ON t{t} (name);");
        if rng.below(2) == 0 {
            let _ = writeln!(ddl, "CREATE UNIQUE INDEX ON t{t} (code) WHERE active;");
        }
        if rng.below(2) == 0 {
            let _ = writeln!(ddl, "CREATE INDEX ON t{t} (status, created_at DESC);");
        }
        let _ = writeln!(ddl, "COMMENT ON TABLE t{t} IS 'table number {t}';");
        let _ = writeln!(ddl, "COMMENT ON COLUMN t{t}.price IS 'price in tenge';");
    }
    other_objects(&mut ddl, &mut rng);
    // Inheritance children of every twentieth table, each with a column
    // of its own and one it shares with its parent (after the other
    // objects: their draws stay what they were).
    for t in (0..TABLES).step_by(20) {
        let _ = writeln!(
            ddl,
            "CREATE TABLE t{t}_archive (name text NOT NULL, archived_on date) INHERITS (t{t});"
        );
    }
    table_kinds(&mut ddl);
    ddl
}

/// What a table is besides its columns, for every fiftieth table: a
/// partitioned table (a partition with a default and storage parameters
/// of its own, one with an index of its own, a default one), an unlogged
/// table with storage parameters, a table with an exclusion constraint,
/// a deferrable unique key, a `NOT VALID` check with a comment and a full
/// replica identity, and a user collation a column uses.
fn table_kinds(ddl: &mut String) {
    let _ = writeln!(ddl, "CREATE COLLATION bench_c (locale = 'C');");
    for t in (0..TABLES).step_by(50) {
        let _ = writeln!(
            ddl,
            "CREATE TABLE events{t} (id bigint NOT NULL, at date NOT NULL, \
             kind text COLLATE bench_c DEFAULT 'plain', PRIMARY KEY (id, at)) PARTITION BY RANGE (at);\n\
             CREATE INDEX ON events{t} (kind);\n\
             CREATE TABLE events{t}_2024 PARTITION OF events{t} \
             FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n\
             CREATE TABLE events{t}_2025 PARTITION OF events{t} (kind DEFAULT 'recent') \
             FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') WITH (fillfactor = 80);\n\
             CREATE TABLE events{t}_rest PARTITION OF events{t} DEFAULT;\n\
             CREATE INDEX ON events{t}_rest (at);\n\
             CREATE UNLOGGED TABLE cache{t} (key text PRIMARY KEY, value jsonb) \
             WITH (fillfactor = 70, autovacuum_enabled = false);\n\
             CREATE TABLE bookings{t} (id integer PRIMARY KEY, room integer NOT NULL, \
             during tsrange NOT NULL, code text UNIQUE DEFERRABLE INITIALLY DEFERRED, \
             EXCLUDE USING gist (during WITH &&));\n\
             ALTER TABLE bookings{t} ADD CONSTRAINT bookings{t}_room_check CHECK (room > 0) NOT VALID;\n\
             COMMENT ON CONSTRAINT bookings{t}_room_check ON bookings{t} IS 'rooms count from 1';\n\
             ALTER TABLE bookings{t} REPLICA IDENTITY FULL;"
        );
    }
}

/// Views (a third over other views), SQL and PL/pgSQL functions (some used
/// by views), trigger functions and their triggers, standalone sequences,
/// half of them commented.
fn other_objects(ddl: &mut String, rng: &mut Rng) {
    for s in 0..SEQUENCES {
        let _ = writeln!(
            ddl,
            "CREATE SEQUENCE seq{s} AS bigint START {} INCREMENT {} CACHE {};",
            s + 1,
            1 + s % 5,
            1 + s % 3
        );
        if s % 2 == 0 {
            let _ = writeln!(ddl, "COMMENT ON SEQUENCE seq{s} IS 'sequence {s}';");
        }
    }
    for f in 0..TRIGGER_FUNCTIONS {
        let _ = writeln!(
            ddl,
            "CREATE FUNCTION touch_{f}() RETURNS trigger LANGUAGE plpgsql AS $$\n\
             BEGIN NEW.qty := NEW.qty + {f}; RETURN NEW; END $$;"
        );
    }
    for f in 0..FUNCTIONS - TRIGGER_FUNCTIONS {
        if f % 2 == 0 {
            let _ = writeln!(
                ddl,
                "CREATE FUNCTION price_{f}(p numeric, q integer DEFAULT 1) RETURNS numeric \
                 LANGUAGE sql IMMUTABLE AS $$ SELECT p * q + {f} $$;"
            );
        } else {
            let _ = writeln!(
                ddl,
                "CREATE FUNCTION label_{f}(name text) RETURNS text LANGUAGE plpgsql STABLE \
                 AS $$ BEGIN RETURN upper(name) || '-{f}'; END $$;"
            );
        }
        if f % 2 == 1 {
            let _ = writeln!(
                ddl,
                "COMMENT ON FUNCTION label_{f}(text) IS 'function {f}';"
            );
        }
        // Grants, read so that a recreated function gets them back.
        if f % 3 == 1 {
            let signature = if f % 2 == 0 {
                format!("price_{f}(numeric, integer)")
            } else {
                format!("label_{f}(text)")
            };
            let _ = writeln!(ddl, "REVOKE EXECUTE ON FUNCTION {signature} FROM PUBLIC;");
        }
    }
    for v in 0..VIEWS {
        let t = rng.below(TABLES);
        let f = 2 * rng.below((FUNCTIONS - TRIGGER_FUNCTIONS) / 2);
        let from = if v % 3 == 2 {
            // over an earlier view
            format!("SELECT id, name, price FROM v{}", rng.below(v))
        } else {
            format!("SELECT id, name, price FROM t{t} WHERE active")
        };
        let _ = writeln!(
            ddl,
            "CREATE VIEW v{v} AS SELECT s.id, s.name, s.price, price_{f}(s.price) AS total \
             FROM ({from}) AS s;"
        );
        if v % 2 == 0 {
            let _ = writeln!(ddl, "COMMENT ON VIEW v{v} IS 'view {v}';");
        }
        if v % 2 == 1 {
            let _ = writeln!(ddl, "GRANT SELECT ON v{v} TO PUBLIC;");
        }
    }
    // Policies, read with what they use (a migration under them is refused).
    for t in (0..TABLES).step_by(10) {
        let _ = writeln!(ddl, "CREATE POLICY active_only ON t{t} USING (active);");
    }
    for g in 0..TRIGGERS {
        let _ = writeln!(
            ddl,
            "CREATE TRIGGER touch BEFORE UPDATE ON t{g} FOR EACH ROW EXECUTE FUNCTION touch_{}();",
            g % TRIGGER_FUNCTIONS
        );
    }
}
