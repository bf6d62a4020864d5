"""Case generators, one per category. Deterministic: every generator takes a `random.Random`
seeded by the recorder, and the corpus inputs are read from the project itself.

A case is `{"id": ..., "input": {...}}`; the recorder adds what the runtime answered.
Dictionary variables are given as an ordered list of `[name, value]` pairs (EdgeLake's own
`add_param` stores them, so the recorded dictionary is what the node holds). `facts` names
dictionary variables that elpc is *not* told (the node's IP, host name, …): the recorder
varies them and marks every answer that changes as decided at boot.
"""

import json
import os
import re

CASTS = [".int", ".str", ".bool", ".float", ".len", ".name", ".replies", ".diff"]
ODD_SUFFIXES = [".bak", ".", ".int.int", ".str.len", ".INT", "int", ".in"]

# Values a dictionary variable or an env variable holds, one per shape the casts treat apart.
SHAPES = [
    "", "abc", "5", "42", " 42 ", "+7", "-3", "05", "1_000", "1__0", "3.5", "-0.5", "1e3", "nan",
    "inf", "-inf", "true", "false", "False", "True", "TRUE", "0", "1", "no", "[1, 2, 3]", "[]",
    "{}", "{'a': 1, 'b': 0}", '{"a": "x", "b": ""}', "[['n1', 'ok'], ['n2', '']]",
    '[["n1", true], ["n2", false], ["n3", 1]]', "New Company", "Acme  Corp. Ltd", "AnyLog Co.",
    "\u0663", "0x10", "10.0.0.5", "10.0.0.5:32048", "/app/deployment-scripts", "C:\\dir\\x",
    "'quoted'", "a b c", "x.int", "h\u00e9llo", "32148", "-0", "00", "9", "10", "1.0", "  ",
    "'x y'", "\"dq\"", "[", "{'a'}",
]

# Facts a node has that elpc is not told when they are listed in a case's `facts`.
FACT_VALUES = {
    "ip": ["10.0.0.5", "192.168.100.254", "::1"],
    "external_ip": ["203.0.113.7", "198.51.100.77", "2001:db8::7"],
    "hostname": ["edge-node", "Node_7", "123"],
}
FACT_REASONS = {
    "ip": "the node's IP address (`ip`), not given",
    "external_ip": "the node's public IP address (`external_ip`), not given",
    "hostname": "the node's host name (`hostname`), not given",
}

NAMES = ["a", "ab", "val", "port", "flag", "dir", "name", "n", "x1", "company_name"]
ENV_NAMES = ["E", "EV", "PORT", "HOME_DIR", "FLAG", "REF"]


def pick_vars(rng, k_min=1, k_max=4, names=NAMES):
    return [[n, rng.choice(SHAPES)] for n in rng.sample(names, rng.randint(k_min, k_max))]


def pick_env(rng, k_max=3):
    env = {}
    for n in rng.sample(ENV_NAMES, rng.randint(0, k_max)):
        env[n] = rng.choice(SHAPES + ["!val", "!val.int", "!nope", "$E"])
    return env


def pick_facts(rng, p=0.2):
    facts = [f for f in FACT_VALUES if rng.random() < p]
    return facts


# ---- reference resolution ---------------------------------------------------------------------
def reference(rng, n_random):
    cases = []
    # every cast on every value shape, through a dictionary variable, an env variable and a
    # literal word
    for shape in SHAPES:
        for cast in CASTS + ODD_SUFFIXES:
            cases.append({"vars": [["val", shape]], "env": {}, "facts": [], "word": "!val" + cast})
            cases.append({"vars": [], "env": {"EV": shape}, "facts": [], "word": "$EV" + cast})
            if shape.strip() and " " not in shape and not shape.startswith(("!", "$")):
                cases.append({"vars": [], "env": {}, "facts": [], "word": shape + cast})
    for _ in range(n_random):
        vars_ = pick_vars(rng)
        env = pick_env(rng)
        facts = pick_facts(rng)
        cases.append({"vars": vars_, "env": env, "facts": facts, "word": random_word(rng, vars_, env, facts)})
    return cases


FACT_WORDS = ["!{f}", "!{f}/x.al", "!{f}.$E", "!{f}[0:2]", "!!{f}", "!{f}.len", "!{f}.name",
              "!{f}.str", "!{f}:!port", "!nope/!{f}"]


def random_word(rng, vars_, env, facts):
    if facts and rng.random() < 0.5:
        # The node's address or name, used the way policies use them.
        return rng.choice(FACT_WORDS).format(f=rng.choice(facts))
    names = [n for n, _ in vars_] + ["nope", "a", "ab"]
    envs = list(env) + ["UNSET", "E"]
    v = rng.choice(names)
    e = rng.choice(envs)
    w = rng.choice(names)
    cast = rng.choice(CASTS + ODD_SUFFIXES + [""] * 6)
    lo = rng.choice(["", "0", "1", "2", "-2", "x", "10", "-1"])
    hi = rng.choice(["", "0", "1", "3", "-1", "x", "99"])
    forms = [
        f"!{v}{cast}", f"${e}{cast}", f"!!{v}", f"!!{v}{cast}", f"!{v}[{lo}:{hi}]",
        f"${e}[{lo}:{hi}]", f"!{v}/x.al", f"!{v}/!{w}", f"!{v}/!{w}.al", f"${e}/x",
        f"!{v}.${e}", f"!{v}.bak", f"x/!{v}", f"!{v}!{w}", f"!{v}\\x.al", f"\\\"!{v}\\\"",
        f"!{v}:!{w}", f"{rng.choice(SHAPES).strip() or 'lit'}{cast}", "", "!", "$", "!.int",
        f"!{v}[{lo}]", f"!{v}{cast}[{lo}:{hi}]", f"!{v}.{w}", f"${e}!{v}", f"!{v}$",
        f"'!{v}'", f"\"!{v}\"",
    ]
    return rng.choice(forms)


# ---- tokenizer ---------------------------------------------------------------------------------
TOKEN_FRAGMENTS = [
    "run", "scheduler", "1", "x", "=", "==", "!=", "!x", "a=b", "a==b", "a!=b", "a+b", "+", "<", ">",
    "<=", ">=", "a<b", "a>=b", "-", "->", "a->b", "-<", "\"a b\"", "\"\"", "'a b'", "''", "`a b`",
    "\\\"x y\\\"", "(a and b)", "(a (b) c)", "x(a)", "{\"a\": 1}", "{'a': [1, 2]}", "{}", "[1, 2]",
    "[a][b]", "x[a][b]", "bring.first", "[*][id]", "#", "# comment", "a#b", "&", "a&b", "\t", "\n",
    "\r", "then", "if", "where", "and", "or", "!a.int", "$E", "'", "\"", "`", "(", ")", "{", "}",
    "[", "]", "]:]", "[:", "x{}", "=x", "==x", "!", "!!x", "\u00e9t\u00e9", "a,b", "key{} = v",
]
SEPARATORS = [" ", " ", " ", "", "  ", "\t"]


def tokenizer(rng, n_random, policy_lines):
    cases = [{"line": line} for line in sorted(set(policy_lines))]
    for _ in range(n_random):
        parts = [rng.choice(TOKEN_FRAGMENTS) for _ in range(rng.randint(1, 8))]
        line = ""
        for p in parts:
            line += p + rng.choice(SEPARATORS)
        cases.append({"line": line.rstrip(" ") if rng.random() < 0.7 else line})
    return cases


# ---- if conditions -----------------------------------------------------------------------------
OPERATORS = ["==", "!=", ">", ">=", "<", "<=", "contains", "startswith", "endswith", "childfrom"]
BAD_OPERATORS = ["=", "includes", "is", "> =", "=>", "equals"]
LITERALS = ["5", "9", "10", "5.5", "-1", "0", "abc", "true", "false", "True", "FALSE", "'x y'",
            "\"a b\"", "\"\"", "''", "New", "/app", "10.0.0.5", "nope", "1e3", "[]", "\u0663"]
THEN_COMMANDS = ["x = 1", "run scheduler 1", "process !dir/x.al", "set y = !val", "print hi",
                 "y = !val + - + !n", "run scheduler !val", "echo \"a b\"", "x=5", "goto end",
                 "unknown-command here", "y = \"a  b\"", "process !dir/x.al + .bak"]


def operand(rng, names, envs):
    kind = rng.random()
    if kind < 0.45:
        cast = rng.choice(["", "", ".int", ".float", ".bool", ".str", ".len", ".name", ".int"])
        return "!" + rng.choice(names) + cast
    if kind < 0.55:
        return "$" + rng.choice(envs) + rng.choice(["", "", ".int", ".bool"])
    if kind < 0.6:
        return rng.choice(["32148.int", "5.int", "abc.int", "true.bool", "3.5.float", "x.len"])
    return rng.choice(LITERALS)


def group(rng, names, envs):
    r = rng.random()
    if r < 0.15:
        return operand(rng, names, envs)
    if r < 0.25:
        return "not " + operand(rng, names, envs)
    op = rng.choice(OPERATORS) if rng.random() < 0.93 else rng.choice(BAD_OPERATORS)
    return f"{operand(rng, names, envs)} {op} {operand(rng, names, envs)}"


def fact_group(rng, facts):
    """A comparison of the node's address or name, as policies write them, against a value
    taken from one of the values the recorder gives the fact (so that the answer depends on it)."""
    tests = {"==": str.__eq__, "!=": str.__ne__, "startswith": str.startswith,
             "contains": str.__contains__, "endswith": str.endswith}
    while True:
        f = rng.choice(facts)
        v = rng.choice(FACT_VALUES[f])
        op = rng.choice(sorted(tests))
        k = rng.randint(1, max(1, len(v) - 1))
        partner = {"startswith": v[:k], "endswith": v[-k:], "contains": v[1:1 + k]}.get(op, v)
        outcomes = {tests[op](x.lower(), partner.lower()) for x in FACT_VALUES[f]}
        if len(outcomes) == 2:
            return f"!{f} {op} {partner}"


def condition_text(rng, names, envs, facts=()):
    n = rng.choice([1, 1, 1, 2, 2, 3, 4, 6])
    parens = rng.random() < 0.2
    out = ""
    unused = list(facts)        # each fact once: `!ip == a and !ip != a` says nothing
    for i in range(n):
        if unused and rng.random() < 0.4:
            g = fact_group(rng, [unused.pop(rng.randrange(len(unused)))])
        else:
            g = group(rng, names, envs)
        if parens and rng.random() < 0.7:
            g = f"({g})"
        if i:
            out += " " + rng.choice(["and", "or"]) + " "
        out += g
    if rng.random() < 0.03:
        out += rng.choice([" and", " or", " and ()"])
    return out


def conditions(rng, n_random):
    cases = []
    # every operator against every pairing of typed and untyped operands
    typed = ["!val", "!val.int", "!val.float", "!val.bool", "!val.str", "!val.len", "5", "abc",
             "true", "5.5", "!nope", "!nope.int"]
    for value in ["5", "abc", "true", "false", "5.5", "", "10", "New Company"]:
        for op in OPERATORS:
            for a in typed:
                for b in rng.sample(typed, 3):
                    cases.append({"vars": [["val", value]], "env": {}, "facts": [],
                                  "line": f"if {a} {op} {b} then x = 1"})
    for _ in range(n_random):
        vars_ = pick_vars(rng)
        env = pick_env(rng)
        facts = pick_facts(rng, 0.3)
        names = [n for n, _ in vars_] + ["nope"]
        cond = condition_text(rng, names, list(env) + ["UNSET"], facts)
        r = rng.random()
        if r < 0.8:
            line = f"if {cond} then {rng.choice(THEN_COMMANDS)}"
        elif r < 0.9:
            line = f"if {cond} then"
        else:
            line = f"if {cond}"
        cases.append({"vars": vars_, "env": env, "facts": facts, "line": line})
    return cases


# ---- assignments -------------------------------------------------------------------------------
def assignment_line(rng, names, envs):
    t = rng.choice(names + ["x", "y", "z"])
    v = rng.choice(names + ["nope"])
    w = rng.choice(names + ["nope"])
    e = rng.choice(envs + ["UNSET"])
    lit = rng.choice(SHAPES).strip() or "lit"
    if " " in lit or lit[:1] in "\"'[{" or lit[:1] in "!$":
        lit = "lit"
    cast = rng.choice(["", "", ".int", ".name", ".len", ".bool", ".str"])
    forms = [
        f"{t} = {lit}", f"{t}={lit}", f"{t} = !{v}{cast}", f"{t}=!{v}", f"{t} = ${e}",
        f"{t} = !{v} + - + !{w}{cast}", f"{t} = !{v}.name + -cluster- + !{w}.name",
        f"{t} = {lit} + !{v}", f"{t} = !{v} + \" \" + !{w}", f"{t} = !{v} +", f"{t} = + !{v}",
        f"set {t} = {lit}", f"set {t} = !{v}{cast}", f"set {t} = ${e}", f"set {t}=!{v}",
        f"set {t} = 60 seconds", f"{t} = 60 seconds", f"{t} = 0.0, 0.0", f"{t} = \"\"",
        f"{t} = ''", f"{t} = !nope", f"set {t} = \"\"", f"{t} = if !{v}{cast} == {lit}",
        f"{t} = if !{v}", f"{t} = \"a b\"", f"{t} = '{lit}'", f"{t} = {lit}.int",
        f"{t} = 32148.int", f"{t}==5", f"{t} = !{v}[1:3]", f"{t} = !!{v}", f"{t} = - + ${e} + d",
        f"${e.upper()} = {lit}", f"{t} = ${e} + /x", f"{t} = {lit} {lit}", f"{t} =", f"= {lit}",
        f"{t} = !{v}/x.al", f"set {t} = ''",
    ]
    return rng.choice(forms)


def assignments(rng, n_random):
    cases = []
    for _ in range(n_random):
        vars_ = pick_vars(rng)
        env = pick_env(rng)
        facts = pick_facts(rng, 0.3)
        names = [n for n, _ in vars_]
        lines = []
        for _ in range(rng.randint(1, 5)):
            if facts and rng.random() < 0.35:
                f, t = rng.choice(facts), rng.choice(["x", "y", "ledger_conn"])
                lines.append(rng.choice([f"{t} = !{f}", f"{t} = !{f} + : + !ab", f"set {t} = !{f}",
                                         f"{t} = !{f}.name + -cluster", f"{t} = !{f}:32048"]))
            else:
                lines.append(assignment_line(rng, names or ["val"], list(env)))
        cases.append({"vars": vars_, "env": env, "facts": facts, "lines": lines})
    return cases


# ---- policy text and id ------------------------------------------------------------------------
def policy_texts(rng, corpus, n_random):
    cases = [{"text": text, "source": name} for name, text in corpus]
    mutations = [
        lambda t: t.replace("'", '"'), lambda t: t.replace('"', "'"),
        lambda t: t.replace("}}", "},}", 1), lambda t: t.replace("]", ", ]", 1),
        lambda t: t.rstrip() + ",", lambda t: "[" + t + "]", lambda t: t + " x",
        lambda t: t.replace("'config'", "'operator'", 1), lambda t: t.replace("{", "{'flag': True, ", 1),
        lambda t: t.replace("{", "{'n': None, ", 1), lambda t: t.replace("{", "{'big': 123456789012345678901234567890, ", 1),
        lambda t: t.replace("{", "{'f': 1e5, 'g': 1.50, ", 1), lambda t: t.replace("{", "{'dup': 1, 'dup': 2, ", 1),
        lambda t: t.replace("{", "{'pipe': 'a|b', ", 1), lambda t: t.replace("{", "{'u': '\u00e9t\u00e9', ", 1),
        lambda t: t.replace("{", "{'esc': 'a\\nb\\\"c', ", 1), lambda t: t.replace("{", "{'ref': !ip, ", 1),
        lambda t: t.replace("{", "{'sq': ' !ip', ", 1), lambda t: t.replace("{", "{'lead': 01, ", 1),
        lambda t: t.replace("{", "{'nan': NaN, ", 1), lambda t: t.replace("{", "{'t': true, 'nl': null, ", 1),
        lambda t: t.replace("{", "{'id': 'abc', ", 1), lambda t: t.replace("{", "{'date': 'x', 'ledger': 'global', ", 1),
        lambda t: t.replace(":", " : "), lambda t: t.replace(", ", ",\n    "), lambda t: t.replace("{", "{ # c\n", 1),
        lambda t: t.replace("'", "'", 1)[:-1], lambda t: t.replace("{", "{'nested': {'a': [1, {'b': 'c'}]}, ", 1),
        lambda t: t.replace("{", "{'neg': -5, 'sci': 2.5e-3, ", 1), lambda t: t.replace("{", "{'tab':\t'x', ", 1),
    ]
    for i in range(n_random):
        name, text = rng.choice(corpus)
        t = text
        applied = []
        for _ in range(rng.randint(1, 3)):
            k = rng.randrange(len(mutations))
            t = mutations[k](t)
            applied.append(k)
        cases.append({"text": t, "source": name, "mutations": applied})
    small = ["{}", "{'config': {}}", "{'config': []}", "{'config': {'name': 'x'}, 'other': {}}",
             '{"config": {"name": "a", "ip": "!ip"}}', "{'config': {'name': 'a', 'port': !port}}",
             "not a policy", "", "{'config': {'name': 'x',}}", "{'a': {'b': 1}}",
             "{'config': {'name': \"it's\"}}", "{'config': {'name': 'say \"hi\"'}}"]
    cases += [{"text": t, "source": "hand-written"} for t in small]
    return cases


def policy_vars(rng):
    """Variables a node could hold when `blockchain prepare policy` substitutes unquoted refs."""
    return [[n, rng.choice(["10.0.0.5", "32148", "", "New Company", "true"])]
            for n in ["ip", "port", "node_name"] if rng.random() < 0.5]


# ---- config from policy ------------------------------------------------------------------------
PORT_SHAPES = ["32148", "32149", "2048", "0", "", "abc", "65536", "-1", " 32148", "3.5", "80"]
BOOL_SHAPES = ["true", "false", "True", "", "yes"]
IP_SHAPES = ["10.0.0.5", "192.168.1.10", "", "0.0.0.0", "my-host", "127.0.0.1"]
THREAD_SHAPES = ["6", "1", "0", "", "abc", "-2", "3"]


def value_for(rng, name):
    n = name.lower()
    if "port" in n:
        return rng.choice(PORT_SHAPES)
    if "bind" in n or n.startswith(("enable", "is_", "deploy", "compress", "archive", "memory",
                                    "create", "update", "system_query", "write", "monitor",
                                    "syslog", "docker", "store")):
        return rng.choice(BOOL_SHAPES)
    if n in ("ip", "external_ip", "overlay_ip") or n.endswith("_ip"):
        return rng.choice(IP_SHAPES)
    if "threads" in n:
        return rng.choice(THREAD_SHAPES)
    if n == "ledger_conn":
        return rng.choice(["10.0.0.5:32048", "127.0.0.1:32048", "false", "", "host:1"])
    if n in ("local_scripts", "anylog_path"):
        return rng.choice(["/app/deployment-scripts", "/app", "", "/opt/x y"])
    if n == "node_type":
        return rng.choice(["operator", "master", "query", "publisher", "generic", ""])
    return rng.choice(["New Company", "new_company", "x", "", "5", "30 seconds", "edge-node operator"])


def references_in(text):
    return sorted(set(re.findall(r"!([A-Za-z_][A-Za-z_0-9]*)", text)))


def config_policies(rng, corpus, variants):
    cases = []
    for name, text in corpus:
        names = references_in(text)
        for k in range(variants):
            vars_ = [[n, value_for(rng, n)] for n in names if rng.random() < 0.85]
            facts = [f for f in ("ip", "external_ip", "hostname") if rng.random() < 0.3]
            vars_ = [v for v in vars_ if v[0] not in facts]
            cases.append({"policy_file": name, "vars": vars_, "facts": facts})
    return cases


# ---- set_params --------------------------------------------------------------------------------
INTERESTING_ENV = {
    "NODE_TYPE": ["operator", "master", "query", "generic", "publisher", "master-operator",
                  "master-publisher", ""],
    "TCP_THREADS": ["0", "abc", "-3", "8", ""], "REST_TIMEOUT": ["-1", "abc", "0", "20"],
    "TCP_BIND": ["True", "yes", "TRUE", "false"], "REST_BIND": ["true", "1"],
    "ANYLOG_SERVER_PORT": ["", "32148", "40000", "abc"], "ANYLOG_REST_PORT": ["", "32149"],
    "ANYLOG_BROKER_PORT": ["", "32150"],
    "LEDGER_CONN": ["127.0.0.1:32048", "10.1.1.1:32048", "127.0.0.1:40000", "", "127.0.0.1"],
    "OVERLAY_IP": ["", "10.10.1.15"], "NIC_TYPE": ["", "eth0", "eth1", "wlan9"],
    "ENABLE_DNS": ["true", "false"], "EXTERNAL_DNS": ["", "edge.example.com"],
    "DNS": ["", "my.dns"], "DNS_DOMAIN": ["", "example.org"],
    "COMPANY_NAME": ["New Company", "Acme  Corp. Ltd", "!acme", "", "x"],
    "NODE_NAME": ["", "my-node", "Node 1"], "CLUSTER_NAME": ["", "new-cluster", "nc-cluster", "c1"],
    "DEFAULT_DBMS": ["", "my_dbms"], "MSG_DBMS": ["", "other"],
    "ENABLE_MQTT": ["true", "false", "TRUE"], "MQTT_BROKER": ["", "1.2.3.4"],
    "MQTT_PASSWD": ["!secret", "pw"], "MEMORY": ["false", "False", "true", ""],
    "SYSTEM_QUERY": ["true", "false", ""], "IS_HIDDEN": ["true", "True", "false", ""],
    "START_DATE": ["", "0", "-7d", "7", "abc"], "OPERATOR_THREADS": ["0", "2", "-1", "x"],
    "QUERY_POOL": ["0", "4"], "MEMBER": ["5", "0", "x"], "DESTINATION": ["", "dbms"],
    "BLOCKCHAIN_SOURCE": ["master", "optimism"], "ARCHIVE": ["true", "false", "TRUE"],
    "ARCHIVE_SQL": ["true"], "DB_TYPE": ["", "psql", "sqlite", "mysql"],
    "DB_USER": ["", "admin@10.0.0.9:pw"], "AUTOCOMMIT": ["false", "FALSE", "no"],
    "LOCATION": ["", "40.7, -74.0"], "COUNTRY": ["", "US"], "TRACE_LEVEL": ["", "1", "2"],
    "ENABLE_TRACEBACK": ["True", ""], "DISABLE_CLI": ["true", ""], "IS_MAIN": ["true", "false", "x"],
    "ENABLE_PARTITIONS": ["false", "no"], "BLOBS_STORAGE": ["true", ""], "BLOBS_FOLDER": ["true", "false"],
    "ANYLOG_PATH": ["", "/home/edge"], "CONFIG_NAME": ["", "my-config"],
    "SYSTEM_QUERY_DB": ["psql", "mysql"], "ENABLE_HA": ["true", "yes"],
    "THRESHOLD_TIME": ["", "30 seconds"], "WRITE_IMMEDIATE": ["false", "true"],
}

HOSTNAMES = ["edge-node", "Edge Node 7", "node_1", "gw.local", "x"]


def node_facts(rng):
    a, b = rng.randint(1, 254), rng.randint(1, 254)
    return {"ip": f"10.{a}.{b}.{rng.randint(2, 250)}", "hostname": rng.choice(HOSTNAMES)}


def set_params_cases(rng, layerings, variants, image_env):
    cases = []
    for lid, files, env in layerings:
        for fix in (False, True):
            base = dict(env)
            if fix:
                base["LOCAL_SCRIPTS"] = "/app/deployment-scripts"
            cases.append({"layering": lid, "env_files": files, "local_scripts_fixed": fix,
                          "overrides": {}, "env": base, "node": node_facts(rng)})
            for _ in range(variants if fix else 1):
                over = {}
                for key in rng.sample(sorted(INTERESTING_ENV), rng.randint(1, 5)):
                    over[key] = rng.choice(INTERESTING_ENV[key])
                e = dict(base)
                e.update(over)
                cases.append({"layering": lid, "env_files": files, "local_scripts_fixed": fix,
                              "overrides": over, "env": e, "node": node_facts(rng)})
    for k in range(6):
        over = {"NODE_TYPE": rng.choice(INTERESTING_ENV["NODE_TYPE"])} if k else {}
        cases.append({"layering": "empty", "env_files": [], "local_scripts_fixed": False,
                      "overrides": over, "env": {**image_env, **over}, "node": node_facts(rng)})
    return cases


def read_policies(directory):
    out = []
    for name in sorted(os.listdir(directory)):
        if name.endswith(".policy"):
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                out.append((name, f.read()))
    return out


def script_lines(corpus):
    """Every string of every corpus policy's `script` list (found as quoted strings)."""
    lines = []
    for _, text in corpus:
        m = re.search(r"['\"]script['\"]\s*:\s*\[(.*?)\]\s*[,}]", text, re.S)
        if not m:
            continue
        for s in re.findall(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", m.group(1)):
            lines.append(s[0] or s[1])
    return lines


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, sort_keys=False)
