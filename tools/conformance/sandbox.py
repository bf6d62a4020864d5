"""`set_params`: EdgeLake's own interpreter runs the real `node-deployment/main.al` of a
deployment-scripts checkout up to and including its `process …/set_params.al` line, in a
forked child, and the recorder keeps the dictionary it leaves.

The child sees an EdgeLake container, modelled as little as possible:
* files: the checkout is mounted at /app/deployment-scripts (where the image clones it);
  /app, /app/EdgeLake, /root and /tmp exist; directories and files the scripts create stay
  virtual; every other path does not exist;
* network: name resolution and connections fail at once, unless the case's facts give an
  answer (`network`: the JSON ipinfo.io returns; `reverse_dns`: a PTR name);
* the node's runtime facts come from the case: `ip`, `external_ip`, `hostname`, `is_vm`, the
  user in $HOME, the NIC table;
* `system` runs for real only for read-only text tools (main.al's one `grep … | awk … |
  xargs`), with the mount rewritten to the checkout; `setup_cfg` in the facts replaces its
  output instead.
After the child reports, it exits: no state leaks into the next case.
"""

import contextlib
import io
import json
import os
import re
import shlex
import socket

MOUNT = "/app/deployment-scripts"
DIRS = ["/", "/app", "/app/EdgeLake", "/root", "/tmp"]
NOWHERE = "/nonexistent-conformance-sandbox"
READ_ONLY_TOOLS = {"grep", "awk", "sed", "cut", "tr", "head", "tail", "cat", "echo", "printf",
                   "wc", "sort", "uniq", "basename", "dirname", "xargs"}
CONTAINER_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}


class FileSystem:
    """The container's files as the scripts see them through `utils_io`."""

    def __init__(self, checkout):
        self.checkout = checkout
        self.dirs = set(DIRS)
        self.written = {}
        self.missing = []

    def real(self, path):
        p = os.path.normpath(path) if isinstance(path, str) and path.startswith("/") else None
        if p is None:
            return None
        if p == MOUNT or p.startswith(MOUNT + "/"):
            return self.checkout + p[len(MOUNT):]
        return None

    def is_dir(self, path):
        if not isinstance(path, str):
            return False
        p = os.path.normpath(path)
        r = self.real(p)
        return p in self.dirs or bool(r and os.path.isdir(r))

    def is_file(self, path):
        if not isinstance(path, str):
            return False
        p = os.path.normpath(path)
        r = self.real(p)
        return p in self.written or bool(r and os.path.isfile(r))

    def mkdir(self, path):
        p = os.path.normpath(path)
        while p not in self.dirs and p != "/":
            self.dirs.add(p)
            p = os.path.dirname(p)

    def open(self, file, mode="r", *args, **kw):
        path = os.fspath(file)
        if any(c in mode for c in "wax+"):
            fs, key = self, os.path.normpath(path)

            class Sink(io.BytesIO if "b" in mode else io.StringIO):
                def close(self):
                    fs.written[key] = self.getvalue()
                    super().close()
            return Sink()
        r = self.real(path)
        if r and os.path.isfile(r):
            return open(r, mode, *args, **kw)
        self.missing.append(path)
        raise FileNotFoundError(2, "No such file or directory", path)


class OsPath:
    def __init__(self, fs):
        self._fs = fs

    def __getattr__(self, name):
        return getattr(os.path, name)

    def exists(self, p):
        return self._fs.is_dir(p) or self._fs.is_file(p)

    lexists = exists

    def isdir(self, p):
        return self._fs.is_dir(p)

    def isfile(self, p):
        return self._fs.is_file(p)


class Os:
    """`os` as `utils_io` sees it inside the container."""

    def __init__(self, fs):
        self._fs = fs
        self.path = OsPath(fs)

    def __getattr__(self, name):
        return getattr(os, name)

    def access(self, p, mode):
        return self.path.exists(p)

    def makedirs(self, p, mode=0o777, exist_ok=False):
        self._fs.mkdir(p)

    def mkdir(self, p, mode=0o777, *a, **kw):
        self._fs.mkdir(p)

    def listdir(self, p="."):
        r = self._fs.real(p)
        if r and os.path.isdir(r):
            return os.listdir(r)
        n = os.path.normpath(p)
        if n in self._fs.dirs:
            return sorted({os.path.basename(d) for d in self._fs.dirs
                           if d != n and os.path.dirname(d) == n})
        raise FileNotFoundError(2, "No such file or directory", p)

    def _refuse(self, *a, **kw):
        raise PermissionError(13, "Permission denied (conformance sandbox)")

    remove = unlink = rmdir = rename = replace = chmod = _refuse


class FakeResponse:
    def __init__(self, payload):
        self.status_code = 200
        self.text = json.dumps(payload)
        self.content = self.text.encode()
        self.headers = {"Content-Type": "application/json"}

    def json(self):
        return json.loads(self.text)


def _offline(*a, **kw):
    raise OSError(101, "Network is unreachable (conformance sandbox)")


def _no_name(*a, **kw):
    raise socket.gaierror(-2, "Name or service not known (conformance sandbox)")


def run_set_params(rt, env, facts, trace=False):
    """Runs main.al up to set_params.al in a forked child; returns what it reports."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            result = _child(rt, env, facts, trace)
        except Exception as e:      # a crash of EdgeLake itself is a behaviour: report it
            result = {"exception": f"{type(e).__name__}: {e}"}
        with os.fdopen(write, "w") as out:
            json.dump(result, out)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as inp:
        text = inp.read()
    os.waitpid(pid, 0)
    return json.loads(text)


def _child(rt, env, facts, trace):
    import dns.resolver
    import edge_lake.generic.utils_io as utils_io
    import edge_lake.tcpip.tcpip_server as tcpip_server
    import edge_lake.tcpip.http_client as http_client
    mc, params, ps = rt.member_cmd, rt.params, rt.process_status
    fs = FileSystem(rt.scripts)
    process_env = dict(CONTAINER_ENV)
    process_env["HOME"] = "/root" if facts["user"] == "root" else "/home/" + facts["user"]
    process_env.update(env)
    rt.reset(process_env, {})

    # ---- the node's surroundings ----
    utils_io.os = Os(fs)
    utils_io.open = fs.open
    socket.gethostname = lambda: facts["hostname"]
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        setattr(socket, name, _no_name)
    socket.gethostbyaddr = _no_name
    socket.create_connection = _offline
    socket.socket.connect = lambda self, address: _offline()
    tcpip_server.get_ip = lambda: facts["ip"]
    tcpip_server.get_external_ip = lambda: facts["external_ip"]
    params.is_running_in_vm = lambda: facts["is_vm"]
    nics = facts["nics"]

    class Netifaces:
        AF_INET, AF_INET6, AF_LINK = 2, 10, 17

        @staticmethod
        def interfaces():
            return list(nics)

        @staticmethod
        def ifaddresses(name):
            if name not in nics:
                raise ValueError("You must specify a valid interface name.")
            return {2: [{"addr": nics[name], "netmask": "255.255.255.0"}]}

    rt.net_utils.netifaces = Netifaces()

    def resolve(name, *a, **kw):
        if facts.get("reverse_dns"):
            class Answer:
                def __str__(self):
                    return facts["reverse_dns"] + "."
            return [Answer()]
        raise dns.resolver.NoNameservers("offline (conformance sandbox)")

    dns.resolver.resolve = resolve

    class Requests:
        def __getattr__(self, name):
            return getattr(http_client.requests, name)

        @staticmethod
        def get(url=None, **kw):
            if facts.get("network") is not None:
                return FakeResponse(facts["network"])
            _offline()

    http_client.requests = Requests()

    real_system_call = mc.system_call

    def system_call(status, os_string, timeout_sec):
        """A pipeline of read-only text tools runs for real; a path under the mount is read
        from the checkout, any other absolute path from nowhere."""
        if facts.get("setup_cfg") is not None:
            return [ps.SUCCESS, facts["setup_cfg"]]
        refused = [ps.System_call_error, "Process invoked by '%s' failed" % os_string]
        if re.search(r"[<>`;&]|\$\(|\|\|", os_string):
            return refused
        stages = []
        for stage in os_string.split("|"):
            try:
                words = shlex.split(stage)
            except ValueError:
                return refused
            if not words or words[0] not in READ_ONLY_TOOLS:
                return refused
            mapped = [(fs.real(w) or NOWHERE + w) if w.startswith("/") else w for w in words]
            stages.append(shlex.join(mapped))
        ret, msg = real_system_call(status, " | ".join(stages), timeout_sec)
        if isinstance(msg, str):
            msg = msg.replace(rt.scripts, MOUNT).replace(NOWHERE, "")
        return [ret, msg]

    mc.system_call = system_call

    # ---- which script a line belongs to, and main.al's stop point ----
    entry = MOUNT + "/node-deployment/main.al"
    state = {"stack": [], "depth": 0, "armed": False, "stopped_before": None, "scripts": [],
             "commands": []}
    real_exec_script = mc.exec_script

    def exec_script(status, io_buff_in, file_name, is_event, values):
        state["stack"].append((file_name, state["depth"]))
        record = {"file": file_name}
        state["scripts"].append(record)
        try:
            ret = real_exec_script(status, io_buff_in, file_name, is_event, values)
        finally:
            state["stack"].pop()
        record["ret_val"] = ret
        return ret

    mc.exec_script = exec_script
    real_process_cmd = rt.real_process_cmd

    def process_cmd(status, command, print_cmd, source_ip, source_port, io_buffer_in,
                    user_input=False):
        top, line_depth = state["stack"][-1] if state["stack"] else (None, 0)
        is_line = top is not None and state["depth"] == line_depth
        if state["armed"] and top == entry and is_line:
            state["stopped_before"] = command.strip()
            state["armed"] = False
            return ps.END_SCRIPT
        state["depth"] += 1
        try:
            ret = real_process_cmd(status, command, print_cmd, source_ip, source_port,
                                   io_buffer_in, user_input)
        finally:
            state["depth"] -= 1
        if trace and top is not None:
            state["commands"].append([os.path.basename(top), command.strip(), ret])
        if top == entry and is_line and command.split()[:1] == ["process"] \
                and "set_params.al" in command:
            state["armed"] = True
        return ret

    mc.process_cmd = process_cmd

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        params.init(os.environ.get("EDGELAKE_HOME") or "/app")
        initial = rt.dictionary()
        status = rt.status()
        ret = real_process_cmd(status, "process " + entry, False, None, None, bytearray(2048), False)
    final = rt.dictionary()
    result = {
        "ret_val": ret,
        "ret_text": rt.status_text(ret),
        "set_params_ran": any(s["file"].endswith("/node-deployment/set_params.al")
                              and s.get("ret_val") != ps.Missing_script for s in state["scripts"]),
        "scripts_run": state["scripts"],
        "stopped_before": state["stopped_before"],
        "initial": {k: str(v) for k, v in initial.items()},
        "dictionary": {k: encode(v) for k, v in final.items()},
        "files_missing": sorted(set(fs.missing)),
        "log": rt.log,
    }
    if trace:
        result["commands"] = state["commands"]
    return result


def encode(v):
    """A dictionary value as JSON (values are strings, except what a cast stored)."""
    if isinstance(v, (str, bool, int)) or v is None:
        return v
    if isinstance(v, float):
        return v if v == v and v not in (float("inf"), float("-inf")) else {"$float": repr(v)}
    return {"$repr": repr(v)}
