#!/usr/bin/env python3
"""Write the method tables of EdgeLake's interpreter (`member_cmd.commands[...]["methods"]`)
as data for elpc: the forms of `set`, `get`, `file`, `blockchain`, ... (The top-level keys are
in `src/edgelake/dispatch.rs`, which the conformance suite holds to the runtime.)

Usage: dump_commands.py --edgelake /tmp/edgelake > src/edgelake/runtime_methods.tsv

One line per method: the command's words, ` > `, the method's words, then tab-separated limits:
words_min, words_count (0 when the runtime sets none) and key_only (1 when nothing may follow
the key). Lines starting with `#` say where the table comes from.
"""
import argparse
import contextlib
import io
import subprocess
import sys


def limits(entry):
    wmin = entry.get("words_min", 0)
    if wmin is True:        # `run uns streamer` sets words_min = True
        wmin = 1
    return f"{int(wmin)}\t{int(entry.get('words_count', 0))}\t{1 if entry.get('key_only') else 0}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edgelake", default="/tmp/edgelake")
    args = ap.parse_args()
    sys.path.insert(0, args.edgelake)
    with contextlib.redirect_stdout(io.StringIO()):
        import edge_lake.cmd.member_cmd as member_cmd
    commit = subprocess.run(["git", "-C", args.edgelake, "rev-parse", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    print(f"# method tables of member_cmd.commands, EdgeLake {commit}, written by tools/conformance/dump_commands.py")
    print("# command > method\twords_min\twords_count\tkey_only")
    for name in sorted(member_cmd.commands):
        entry = member_cmd.commands[name]
        methods = entry.get("methods")
        if isinstance(methods, dict):
            for m in sorted(methods):
                print(f"{name} > {m}\t{limits(methods[m])}")


if __name__ == "__main__":
    main()
