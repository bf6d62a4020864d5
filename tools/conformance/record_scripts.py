#!/usr/bin/env python3
"""Record what EdgeLake's own script interpreter does with small `.al` scripts.

Each case is a directory under tests/conformance/scripts/<id>/ holding `main.al` (the entry),
any other `.al` files it processes, and optionally:
  env    KEY=VALUE lines: the process environment (nothing else is in it)
  vars   KEY=VALUE lines: dictionary variables set (with params.add_param) before the run
  note   one line saying what the case shows
The files are served from a small in-memory file system mounted at /s (so `process /s/x.al`
works); every other path does not exist. Networking fails at once. Each case runs in a fresh
Python process, so nothing (exit flags, dictionary) leaks between cases.

Usage: record_scripts.py --edgelake /tmp/edgelake [--cases DIR] [--out FILE]
Writes one JSON line per case: id, note, ret_val, ret_text, dictionary (every variable after
the run), env (the environment after the run, where `set $X` lands), trace ([file, depth,
command, ret_val] for every command the interpreter ran inside a script; depth 0 is a script
line, 1 a then/do/else command), the EdgeLake commit.
"""
import argparse
import contextlib
import io
import json
import os
import subprocess
import sys

MOUNT = "/s"


def read_pairs(path):
    out = {}
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                k, _, v = line.partition("=")
                out[k] = v
    return out


def run_one(edgelake, case_dir):
    """Runs in a child process: loads EdgeLake, runs the case, prints one JSON object."""
    files = {}
    for name in sorted(os.listdir(case_dir)):
        if name.endswith(".al"):
            with open(os.path.join(case_dir, name), encoding="utf-8", newline="") as f:
                files[f"{MOUNT}/{name}"] = f.read()
    env = read_pairs(os.path.join(case_dir, "env"))
    dict_vars = read_pairs(os.path.join(case_dir, "vars"))

    sys.path.insert(0, edgelake)
    with contextlib.redirect_stdout(io.StringIO()):
        import edge_lake.cmd.member_cmd as member_cmd
        import edge_lake.generic.params as params
        import edge_lake.generic.process_status as process_status
        import edge_lake.generic.utils_io as utils_io
        member_cmd.initialize_param()

    real_open, real_os = open, os

    class Path:
        """os.path for utils_io: only the mounted files and their directories exist."""
        def __getattr__(self, name):
            return getattr(real_os.path, name)

        def isfile(self, p):
            return real_os.path.normpath(str(p)) in files

        def isdir(self, p):
            p = real_os.path.normpath(str(p))
            return p == MOUNT or p == "/" or any(f.startswith(p + "/") for f in files)

        def exists(self, p):
            return self.isfile(p) or self.isdir(p)

        lexists = exists

    class Os:
        path = Path()

        def __getattr__(self, name):
            return getattr(real_os, name)

        def access(self, p, mode):
            return self.path.exists(p)

    def fake_open(file, mode="r", *a, **kw):
        p = real_os.path.normpath(str(file))
        if any(c in mode for c in "wax+"):
            raise PermissionError(13, "read-only file system (recorder)", p)
        if p in files:
            return io.StringIO(files[p])
        raise FileNotFoundError(2, "No such file or directory", p)

    utils_io.os = Os()
    utils_io.open = fake_open

    import socket

    def blocked(*a, **kw):
        raise OSError(101, "Network is unreachable (recorder)")

    socket.getaddrinfo = socket.gethostbyname = socket.create_connection = blocked
    socket.socket.connect = blocked
    socket.gethostname = lambda: "edge-node"

    real_os.environ.clear()
    real_os.environ.update(env)
    params.get_user_defined().clear()
    for k, v in dict_vars.items():
        params.add_param(k, v)

    trace = []
    stack = []          # (file, depth of its lines)
    state = {"depth": 0}
    real_process_cmd = member_cmd.process_cmd
    real_exec_script = member_cmd.exec_script

    def exec_script(status, io_buff_in, file_name, is_event, values):
        stack.append((file_name, state["depth"]))
        try:
            return real_exec_script(status, io_buff_in, file_name, is_event, values)
        finally:
            stack.pop()

    def process_cmd(status, command, print_cmd, source_ip, source_port, io_buffer_in, user_input=False):
        depth = state["depth"]
        state["depth"] += 1
        try:
            ret = real_process_cmd(status, command, print_cmd, source_ip, source_port, io_buffer_in, user_input)
        finally:
            state["depth"] -= 1
        if stack:
            file, line_depth = stack[-1]
            trace.append([os.path.basename(file), depth - line_depth, command.strip(), ret])
        return ret

    member_cmd.exec_script = exec_script
    member_cmd.process_cmd = process_cmd
    status = process_status.ProcessStat()
    exception = None
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            ret = member_cmd.process_cmd(status, f"process {MOUNT}/main.al", False, None, None, bytearray(2048),
                                         False)
        except Exception as e:      # the node's own code raised: that is the behaviour to record
            ret, exception = None, type(e).__name__
    if exception:
        # How deep the recursion got depends on the recorder's own frames: keep only the fact.
        print(json.dumps({"ret_val": None, "ret_text": "", "exception": exception}))
        return
    final = {k: (v if isinstance(v, str) else repr(v)) for k, v in params.get_user_defined().items()}
    print(json.dumps({
        "ret_val": ret,
        "ret_text": process_status.get_status_text(ret) if ret else "",
        "dictionary": dict(sorted(final.items())),
        "env": dict(sorted(real_os.environ.items())),
        "trace": trace,
    }))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edgelake", default="/tmp/edgelake")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--cases", default=os.path.join(root, "tests/conformance/scripts"))
    ap.add_argument("--out", default=os.path.join(root, "tests/conformance/scripts.jsonl"))
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        run_one(args.edgelake, args.one)
        return
    commit = subprocess.run(["git", "-C", args.edgelake, "rev-parse", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    lines = []
    for case in sorted(os.listdir(args.cases)):
        case_dir = os.path.join(args.cases, case)
        if not os.path.isdir(case_dir):
            continue
        p = subprocess.run([sys.executable, os.path.abspath(__file__), "--edgelake", args.edgelake,
                            "--one", case_dir], capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            sys.stderr.write(f"{case}: recorder failed\n{p.stderr}\n")
            sys.exit(1)
        result = json.loads(p.stdout.strip().splitlines()[-1])
        note_path = os.path.join(case_dir, "note")
        note = open(note_path, encoding="utf-8").read().strip() if os.path.isfile(note_path) else ""
        lines.append(json.dumps({"id": case, "note": note, "edgelake": commit, **result}, sort_keys=False))
        sys.stderr.write(f"{case}: ret {result['ret_val']}\n")
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
