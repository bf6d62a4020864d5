"""EdgeLake's own Python code, loaded from a checkout, with the parts that would touch the
network, threads or the host replaced, so that the recorder can ask it what a node does.

Nothing of EdgeLake is re-implemented here: every answer comes from EdgeLake's functions
(`params.get_value_if_available`, `utils_data.cmd_line_to_list_with_json`,
`member_cmd.process_cmd`, `member_cmd.config_from_policy`, `member_cmd.blockchain_prep`, the
`.al` interpreter behind `process`). What is replaced:

* the command handlers a script line would reach (servers, files, the ledger, SQL, ...) are
  recorded instead of run, except control flow and dictionary assignments (`Session`);
* `set_params` runs the real `main.al` + `set_params.al` in a forked child with a virtual file
  system, no network, a fixed NIC table and host name (`sandbox.py`).
"""

import contextlib
import io
import os
import subprocess
import sys

# Commands whose handler runs for real while a script list is recorded: control flow and
# printing. `set` runs for real only in its assignment form (`set x = …`).
REAL_COMMANDS = {"if", "else", "do", "goto", "end script", "return", "print", "echo"}


def git_commit(path):
    try:
        out = subprocess.run(["git", "-C", path, "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=10)
        return out.stdout.strip()
    except OSError:
        return ""


class Session:
    """What one recorded script run saw: the commands `process_cmd` was given, the servers
    `config_servers` would start, and what the stubbed handlers were asked to do."""

    def __init__(self, results=None, process_defines=None):
        # `x = <command>` whose handler is stubbed: the value stored in x (None: nothing); a
        # dict gives the value per target name.
        self.results = results
        # `process <file>` is stubbed: names it defines (None: nothing), to find what a
        # processed script could change.
        self.process_defines = process_defines or {}
        self.depth = 0
        self.calls = []          # [depth, command text, return code]
        self.servers = []
        self.stubbed = []        # [key, words, process file]


class Runtime:
    """One loaded EdgeLake. Cases reset the dictionary and the environment before each run."""

    def __init__(self, edgelake_path, scripts_path):
        self.path = os.path.abspath(edgelake_path)
        self.scripts = os.path.abspath(scripts_path)
        if not os.path.isfile(os.path.join(self.path, "edge_lake", "cmd", "member_cmd.py")):
            sys.exit(f"record: no EdgeLake checkout at {self.path}")
        if not os.path.isfile(os.path.join(self.scripts, "node-deployment", "set_params.al")):
            sys.exit(f"record: no deployment-scripts checkout at {self.scripts}")
        sys.path.insert(0, self.path)
        with contextlib.redirect_stdout(io.StringIO()):
            import edge_lake.cmd.member_cmd as member_cmd
            import edge_lake.generic.params as params
            import edge_lake.generic.utils_data as utils_data
            import edge_lake.generic.utils_json as utils_json
            import edge_lake.generic.process_status as process_status
            import edge_lake.generic.process_log as process_log
            import edge_lake.tcpip.net_utils as net_utils
            import edge_lake.members.policies as policies
            member_cmd.initialize_param()
        self.member_cmd, self.params, self.utils_data = member_cmd, params, utils_data
        self.utils_json, self.process_status, self.process_log = utils_json, process_status, process_log
        self.net_utils, self.policies = net_utils, policies
        self.commit = git_commit(self.path)
        self.scripts_commit = git_commit(self.scripts)
        self.python = sys.version.split()[0]
        self.session = None
        self.ledger_policy = None
        self.log = []
        self._patch()

    # ---- patches (inert while no session is active) ------------------------------------------
    def _patch(self):
        rt, mc, ps = self, self.member_cmd, self.process_status
        real_process_cmd = mc.process_cmd

        def process_cmd(status, command, print_cmd, source_ip, source_port, io_buffer_in,
                        user_input=False):
            s = rt.session
            if s is None:
                return real_process_cmd(status, command, print_cmd, source_ip, source_port,
                                        io_buffer_in, user_input)
            entry = [s.depth, command, None]
            s.calls.append(entry)
            s.depth += 1
            try:
                ret = real_process_cmd(status, command, print_cmd, source_ip, source_port,
                                       io_buffer_in, user_input)
            finally:
                s.depth -= 1
            entry[2] = ret
            return ret

        mc.process_cmd = process_cmd
        self.real_process_cmd = real_process_cmd

        for key, entry in mc.commands.items():
            entry["command"] = self._stub(key, entry["command"])

        real_log_add = self.process_log.add

        def log_add(info_type, info):
            if info_type != "Event":
                rt.log.append([str(info_type), info if isinstance(info, str) else repr(info)])
            return real_log_add(info_type, info)

        self.process_log.add = log_add

        def server(kind, names):
            def start(*args):
                s = rt.session
                if s is not None:
                    s.servers.append({"server": kind, "args": dict(zip(names, args))})
                return ps.SUCCESS
            return start

        names = ["external_ip", "external_port", "internal_ip", "internal_port", "bind",
                 "url_bind", "threads", "trace"]
        mc.start_tcp_threads = server("tcp", names)
        mc.start_broker_threads = server("broker", names)
        mc.start_rest_threads = server("rest", names[:6] + ["conditions"])
        self.net_utils.is_new_connections = lambda *a: True
        mc.tcpip_server.get_threads_obj = lambda: None
        mc.http_server.get_threads_obj = lambda: None
        mc.message_server.get_threads_obj = lambda: None

        def blockchain_get(status, cmd_words, blockchain_file, return_data, policy=None):
            if rt.ledger_policy is None:
                return [ps.Needed_policy_not_available, None]
            return [ps.SUCCESS, [rt.ledger_policy]]

        mc.blockchain_get = blockchain_get
        fixed = "2024-01-01T00:00:00.000000Z"
        self.policies.get_current_utc_time = lambda *a, **kw: fixed

    def _stub(self, key, real):
        rt = self

        def handler(status, io_buff_in, cmd_words, trace, *rest):
            s = rt.session
            if s is None or s.results == "all-real":
                return real(status, io_buff_in, cmd_words, trace, *rest)
            offset = rt.member_cmd.get_command_offset(cmd_words)
            words = cmd_words[offset:]
            if key in REAL_COMMANDS or (key == "set" and len(words) > 2 and words[2] == "="):
                return real(status, io_buff_in, cmd_words, trace, *rest)
            process_file = None
            if key == "process" and len(words) >= 2:
                process_file = rt.process_file(words)
                for name, value in s.process_defines.items():
                    if not rt.params.get_param(name):
                        rt.params.add_param(name, value)
            s.stubbed.append([key, list(cmd_words), process_file])
            if offset and isinstance(s.results, dict):
                value = s.results.get(cmd_words[0])
                if value is not None:
                    rt.params.add_param(cmd_words[0], value)
            elif offset and s.results is not None:
                rt.params.add_param(cmd_words[0], f"{s.results} {key}")
            return rt.process_status.SUCCESS

        return handler

    def process_file(self, words):
        """The file `process <words>` opens, computed as `_process_script` computes it."""
        try:
            count, name = self.member_cmd.concatenate_words(words, 1, False)
        except TypeError as e:          # a cast result joined with `+`
            return {"exception": f"TypeError: {e}"}
        if count == -1:
            return None
        name = self.utils_data.remove_quotations(name)
        return name.replace(self.params.get_reverse_separator(), self.params.get_path_separator())

    # ---- per case ---------------------------------------------------------------------------
    def reset(self, env=None, variables=None):
        """An empty dictionary, exactly `env` as the process environment, then `variables`
        added in order through EdgeLake's own `add_param`."""
        self.params.get_user_defined().clear()
        self.params.job_process_.clear()
        os.environ.clear()
        os.environ.update(env or {})
        for name, value in (variables or {}).items():
            self.params.add_param(name, value)
        self.member_cmd.config_policies_.clear()
        self.log = []

    def dictionary(self):
        return dict(self.params.get_user_defined())

    def status(self):
        return self.process_status.ProcessStat()

    def status_text(self, ret):
        return self.process_status.get_status_text(ret) if ret else ""

    @contextlib.contextmanager
    def recording(self, session):
        self.session = session
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                yield session
        finally:
            self.session = None

    def run(self, status, line, session):
        with self.recording(session):
            return self.member_cmd.process_cmd(status, line, False, None, None,
                                               bytearray(2048), False)
