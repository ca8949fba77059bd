"""Where one petal run spends its wall time: petal's own account
(PETAL_TIMINGS=1, a line per phase, and which way it came by the canonical
models), and, from the outside, a run under `strace` whose few marking
syscalls (connecting to a server, opening the model files, running
pg_config, writing the result) cut it into segments."""

import os
import re
import shutil
import subprocess

LINE = re.compile(r"^(\d+)\s+(\d+\.\d+)\s+(\w+)\((.*)$")
TIMING = re.compile(r"^petal timings:\s+([\d.]+) ms at \+\s*([\d.]+) ms\s+(.*)$")

# The phase that tells each route of the canonical cache (petal-engine
# canonical/mod.rs, Route): a rebuild loads the models into a new database,
# an update reads the tables it changed again, a cached run does neither.
REBUILT = "load the models into a new canonical database"
UPDATED = "introspect the changed canonical tables"
SQL_LOADED = "load the SQL files"


def petal_timings(stderr):
    """[(milliseconds, started at milliseconds, phase)] from PETAL_TIMINGS=1."""
    out = []
    for line in stderr.splitlines():
        m = TIMING.match(line.strip())
        if m:
            out.append((float(m.group(1)), float(m.group(2)), m.group(3).strip()))
    return out


def route(timings):
    """'rebuilt', 'updated' or 'cached', as the phases show it ('?' with no
    phases at all)."""
    names = {what for _, _, what in timings}
    if not names:
        return "?"
    if REBUILT in names:
        return "rebuilt"
    if UPDATED in names:
        return "updated"
    return "cached"


def sql_loaded(timings):
    return any(what == SQL_LOADED for _, _, what in timings)


def phase_lines(timings):
    """Printable, in the order the phases started."""
    return [f"{ms:8.1f} ms at +{at:7.1f} ms  {what}"
            for ms, at, what in sorted(timings, key=lambda t: (t[1], -t[0]))]


def events(trace_path, live_socket, project):
    """(seconds since start, label) for each marking syscall, with runs of
    model file opens collapsed into one event."""
    out = []
    start = None
    children = set()  # processes petal runs (pg_config and its helpers)
    models = os.path.join(project, "models") + os.sep
    with open(trace_path) as f:
        for raw in f:
            m = LINE.match(raw)
            if not m or "ENOENT" in raw or "resumed>" in raw:
                continue
            pid, ts, call, args = m.groups()
            t = float(ts)
            if start is None:
                start, main = t, pid
                continue  # petal's own execve
            if call == "exit_group" and pid != main:
                continue
            if pid in children:
                continue
            if call == "execve":
                children.add(pid)
            label = classify(call, args, live_socket, models)
            if label is None:
                continue
            if out and label.startswith("open model files") and out[-1][1].startswith(
                    "open model files"):
                n = int(out[-1][1].split("(")[1].split(")")[0]) + 1
                out[-1] = (out[-1][0], f"open model files ({n})")
                continue
            if out and label.startswith("run ") and out[-1][1].startswith("run "):
                name = label[len("run "):]
                if name not in out[-1][1]:
                    out[-1] = (out[-1][0], f"{out[-1][1]}, {name}")
                continue
            out.append((t - start, label))
    return out


def classify(call, args, live_socket, models):
    if call == "connect" and "AF_UNIX" in args:
        return "connect to the live server" if live_socket in args else "connect to the dev server"
    if call == "openat" and ('"models/' in args or f'"{models}' in args):
        return "open model files (1)"
    if call == "execve":
        return f"run {os.path.basename(args.split(',')[0].strip().strip(chr(34)))}"
    if call == "write" and args.startswith("1,"):
        return "write the result"
    if call == "exit_group":
        return "exit"
    return None


def timeline(petal, project, live_socket, argv, work):
    """Runs petal under strace; returns the printable segments, or a note
    saying why there are none."""
    if not shutil.which("strace"):
        return ["(strace not found: no timeline)"]
    trace = os.path.join(work, "strace.txt")
    cmd = ["strace", "-f", "-ttt", "-e", "trace=openat,connect,execve,write,exit_group",
           "-o", trace, petal, *argv]
    proc = subprocess.run(cmd, cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True)
    if proc.returncode != 0:
        return [f"(strace run failed: {proc.stderr.strip()[-500:]})"]
    marks = events(trace, live_socket, project)
    lines = []
    for (t0, label), (t1, _next) in zip(marks, marks[1:]):
        lines.append(f"{t0:7.3f}s  +{t1 - t0:6.3f}s  {label}")
    if marks:
        lines.append(f"{marks[-1][0]:7.3f}s  {'':8} {marks[-1][1]}")
    return lines
