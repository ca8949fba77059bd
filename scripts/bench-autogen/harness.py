"""The benchmark's moving parts: a live PostgreSQL cluster of its own, a
petal project around the generated models, and timed runs of petal,
psql and pg_dump."""

import json
import os
import resource
import shutil
import subprocess
import time

import phases


class Failed(Exception):
    pass


# What pg_dump's output sets first: a function body is not checked when the
# function is created, so it may read what is created further on.
UNCHECKED_BODIES = {"PGOPTIONS": "-c check_function_bodies=off"}


class Sample:
    """One timed command: wall seconds, the child's CPU seconds (user +
    system, the petal or pg_dump process only, not the servers), and for a
    JSON diff the changes it reported."""

    def __init__(self, seconds, cpu, changes=None):
        self.seconds = seconds
        self.cpu = cpu
        self.changes = changes


def pg_bin(name):
    """A server-side binary: the Debian layout first (initdb and pg_ctl are
    not on PATH there), then PATH."""
    for version in ("18", "17", "16", "15", "14", "13"):
        path = f"/usr/lib/postgresql/{version}/bin/{name}"
        if os.access(path, os.X_OK):
            return path
    found = shutil.which(name)
    if not found:
        raise Failed(f"no {name} found (PostgreSQL server binaries)")
    return found


class Harness:
    def __init__(self, work, petal):
        self.work = work
        self.petal_bin = petal
        self.project = os.path.join(work, "project")
        self.models_dir = os.path.join(self.project, "models")
        self.sql_dir = os.path.join(self.project, "sql")
        self.live_data = os.path.join(work, "live")
        self.socket_dir = os.path.join(work, "s")
        self.port = 5499
        self.live = f"host={self.socket_dir} port={self.port} user=postgres dbname=bench"
        self.live_started = False
        self.dev_started = False
        self.dev_data = None
        # PostgreSQL refuses to run as root: the server runs as `postgres`.
        self.as_server = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        os.makedirs(os.path.join(self.project, "migrations"))
        os.makedirs(self.models_dir)
        with open(os.path.join(self.project, "petal.toml"), "w") as f:
            f.write(f'# written by scripts/bench-autogen\ndatabase_url = "{self.live}"\n'
                    'database = "bench_dev"\nmodels = "models"\nmigrations = "migrations"\n'
                    'sql = "sql"\n')

    def command(self, argv, out=None, cwd=None, what=None, env=None):
        """Runs argv, timed; stdout to `out` (a file name under the work
        directory, os.devnull, or None to capture it)."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        sink = None
        if out is not None:
            sink = open(out if os.path.isabs(out) else os.path.join(self.work, out), "w")
        start = time.perf_counter()
        try:
            proc = subprocess.run(argv, cwd=cwd or self.project, stdout=sink or subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True,
                                  env={**os.environ, **env} if env else None)
        finally:
            seconds = time.perf_counter() - start
            if sink:
                sink.close()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            raise Failed(f"{what or ' '.join(argv)} exited {proc.returncode}:\n"
                         f"{proc.stderr.strip()[-3000:]}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        sample = Sample(seconds, cpu)
        sample.stdout = proc.stdout
        sample.stderr = proc.stderr
        return sample

    def petal(self, *args, out=None):
        return self.command([self.petal_bin, *args], out=out, what=f"petal {' '.join(args)}")

    def diff_json(self):
        """The benchmark's subject: the live database -> the models (and the
        SQL files), with petal's account of its phases (PETAL_TIMINGS=1: a
        line per phase on standard error, nothing else changes)."""
        args = ("diff", "--from", "database", "--to", "models", "--format", "json")
        s = self.command([self.petal_bin, *args], env={"PETAL_TIMINGS": "1"},
                         what=f"petal {' '.join(args)}")
        s.timings = phases.petal_timings(s.stderr)
        s.route = phases.route(s.timings)
        try:
            s.changes = json.loads(s.stdout)["changes"]
        except (ValueError, KeyError) as e:
            raise Failed(f"petal diff --format json printed no changes list ({e}):\n"
                         f"{s.stdout[:2000]}")
        return s

    def start_live(self):
        for d in (self.live_data, self.socket_dir):
            os.makedirs(d, mode=0o700)
            if self.as_server:
                shutil.chown(d, "postgres", "postgres")
        self.command([*self.as_server, pg_bin("initdb"), "-D", self.live_data, "-U", "postgres",
                      "-A", "trust", "--no-sync", "-E", "UTF8", "--locale", "C"],
                     out=os.devnull, what="initdb of the live cluster")
        options = (f"-c listen_addresses='' -c unix_socket_directories={self.socket_dir} "
                   f"-c port={self.port}")
        self.command([*self.as_server, pg_bin("pg_ctl"), "-D", self.live_data, "-l",
                      os.path.join(self.live_data, "server.log"), "-o", options, "-w", "start"],
                     out=os.devnull, cwd="/", what="pg_ctl start of the live cluster")
        self.live_started = True
        admin = self.live.replace("dbname=bench", "dbname=postgres")
        self.command(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", admin,
                      "-c", "CREATE DATABASE bench"], out=os.devnull)

    def start_dev(self):
        """Starts petal's embedded cluster (the dev database), creating it
        on first use, and remembers where its data went."""
        s = self.petal("dev", "start")
        self.dev_started = True
        for line in s.stdout.splitlines():
            if line.startswith("data: "):
                self.dev_data = line[len("data: "):].strip()
        return s

    def psql_file(self, name, env=None):
        return self.command(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.live,
                             "-f", os.path.join(self.work, name)], out=os.devnull, env=env,
                            what=f"psql -f {name} on the live database")

    def load_live(self, name):
        """Loads petal's DDL `name` into the live database as a user would,
        `psql -f`. Returns (the sample, None), or, when PostgreSQL refuses
        it, (the sample of a load with function bodies unchecked, as pg_dump
        loads them, into the database made empty again, PostgreSQL's error):
        the benchmark goes on, and reports the error as petal's."""
        try:
            return self.psql_file(name), None
        except Failed as e:
            refused = str(e)
        admin = self.live.replace("dbname=bench", "dbname=postgres")
        self.command(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", admin,
                      "-c", "DROP DATABASE bench", "-c", "CREATE DATABASE bench"], out=os.devnull)
        return self.psql_file(name, env=UNCHECKED_BODIES), refused

    def server_version(self, url):
        out = self.command(["psql", "-X", "-A", "-t", "-d", url, "-c", "SHOW server_version_num"])
        return int(out.stdout.strip())

    def pg_dump(self):
        return self.command([pg_bin("pg_dump"), "--schema-only", "-d", self.live,
                             "-f", os.path.join(self.work, "dump.sql")])

    def dev_url(self, dbname=None):
        # The dev cluster: where petal canonicalizes the models.
        url = self.petal("dev", "url", "--dev").stdout.strip()
        self.dev_started = True
        if dbname is None:
            return url
        head, _, query = url.partition("?")
        return head.rsplit("/", 1)[0] + "/" + dbname + (f"?{query}" if query else "")

    def canonical_databases(self):
        out = self.command(["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                            "-d", self.dev_url("postgres"), "-c",
                            "SELECT datname FROM pg_database "
                            "WHERE datname LIKE 'petal\\_canonical\\_%' ORDER BY 1"])
        return out.stdout.split()

    def drop_canonical_cache(self):
        """Cold means no canonical copy of the models on the dev server, and
        no kept read of the live database; the server must be up to drop
        the copy, so this starts the clusters."""
        shutil.rmtree(os.path.join(self.project, ".petal", "live"), ignore_errors=True)
        self.petal("dev", "start")
        self.dev_started = True
        for name in self.canonical_databases():
            self.dev_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
        # Flush the drop's own I/O now, so the timed run does not pay for it.
        self.dev_sql("CHECKPOINT")

    def dev_sql(self, sql, dbname="postgres"):
        return self.command(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1",
                             "-d", self.dev_url(dbname), "-c", sql])

    def ddl_floor(self, sql_file):
        """What the dev server alone needs for a cold canonicalization: a
        fresh database, then the models' DDL in one transaction."""
        name = "bench_ddl_floor"
        self.dev_sql(f"DROP DATABASE IF EXISTS {name}")
        self.dev_sql("CHECKPOINT")
        create = self.dev_sql(f"CREATE DATABASE {name} TEMPLATE template0")
        # Function bodies unchecked, as petal loads the SQL files (and pg_dump
        # its output): a body may read a table created further on.
        load = self.command(["psql", "-X", "-q", "-1", "-v", "ON_ERROR_STOP=1",
                             "-d", self.dev_url(name), "-f", os.path.join(self.work, sql_file)],
                            out=os.devnull, env=UNCHECKED_BODIES,
                            what="psql -1 of the models' DDL on the dev server")
        self.dev_sql(f"DROP DATABASE {name}")
        self.dev_sql("CHECKPOINT")
        return create, load

    def canonical_url(self):
        names = self.canonical_databases()
        if len(names) != 1:
            raise Failed(f"expected one canonical database on the dev server, found {names}")
        return self.dev_url(names[0])

    def shutdown(self, keep):
        """Stops both clusters (a kept directory keeps their data)."""
        if self.dev_started:
            try:
                self.petal("dev", "stop")
            except Failed as e:
                print(f"warning: {e}")
            if not keep:
                self.free_dev_memory()
        if self.live_started:
            try:
                self.command([*self.as_server, pg_bin("pg_ctl"), "-D", self.live_data,
                              "-m", "fast", "-w", "stop"], out=os.devnull, cwd="/")
            except Failed as e:
                print(f"warning: {e}")

    def free_dev_memory(self):
        """The dev cluster's data directory may be in memory (/dev/shm),
        outside the work directory: remove it with the rest."""
        shm = "/dev/shm"
        if not os.path.isdir(shm):
            return
        for name in os.listdir(shm):
            owner = os.path.join(shm, name, "cluster")
            try:
                with open(owner) as f:  # the host, then the cluster directory
                    belongs = any(line.startswith(self.work + os.sep)
                                  for line in f.read().splitlines())
            except OSError:
                continue
            if name.startswith("petal-") and belongs:
                shutil.rmtree(os.path.join(shm, name), ignore_errors=True)
