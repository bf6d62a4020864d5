#!/usr/bin/env python3
"""Records elpc's conformance suite: generated cases answered by EdgeLake's own interpreter.

    /tmp/oracle-venv/bin/python tools/conformance/record.py \
        [--edgelake /tmp/edgelake] [--scripts /tmp/deployment-scripts] [--seed 9] [--only CATEGORY]

writes `tests/conformance/<category>.jsonl`: a header line (EdgeLake and deployment-scripts
commits, Python, seed, counts) and one line per case, `{"id", "input", "expect", "boot"}`.
`boot` maps an answer field to why only the node knows it: the recorder ran the case again
with each fact elpc is not given changed (the node's IP, its environment, a command's
result, ...), and every field that changed is listed with the facts that changed it.
See tests/conformance/README.md.
"""

import argparse
import json
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import generate as gen  # noqa: E402
from edgelake_runtime import Runtime, Session  # noqa: E402
from sandbox import run_set_params, encode  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "tests", "conformance")
POLICIES = os.path.join(ROOT, "tests", "corpus", "policies")
ENV_DIR = os.path.join(OUT, "env")


def enc_value(v):
    return {"value": encode(v), "type": type(v).__name__}


# ---- facts elpc is not told, and how the recorder varies them ------------------------------------
def observe(run, base_facts, alternates, reasons, joint=False):
    """Runs `run(facts)` with the base facts, then once per alternate value of each fact (and,
    with `joint`, with the k-th alternate of every fact at once); a field whose answer
    changes is decided at boot, for the facts that changed it."""
    base = run(base_facts)
    boot = {}

    def note(other, facts):
        for path in differing(base, other):
            reasons_of = boot.setdefault(path, [])
            for fact in facts:
                if reasons[fact] not in reasons_of:
                    reasons_of.append(reasons[fact])

    for fact, values in alternates.items():
        for value in values:
            note(run({**base_facts, fact: value}), [fact])
    if joint and len(alternates) > 1:
        for k in range(max(len(v) for v in alternates.values())):
            changed = {f: v[k] for f, v in alternates.items() if k < len(v)}
            note(run({**base_facts, **changed}), list(changed))
    return base, boot


def differing(a, b, prefix=""):
    """The paths (`lines.3.then`, `dictionary.x`) where two answers differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = list(a) + [k for k in b if k not in a]
    elif isinstance(a, list) and isinstance(b, list):
        keys = range(max(len(a), len(b)))
        a, b = dict(enumerate(a)), dict(enumerate(b))
    else:
        return [prefix.rstrip(".")] if a != b else []
    paths = []
    for k in keys:
        x, y = a.get(k, "<absent>"), b.get(k, "<absent>")
        paths += differing(x, y, f"{prefix}{k}.")
    return paths


def dictionary_facts(inp):
    alternates = {f: gen.FACT_VALUES[f][1:] for f in inp.get("facts", [])}
    base = {f: gen.FACT_VALUES[f][0] for f in inp.get("facts", [])}
    return base, alternates, gen.FACT_REASONS


def setup(rt, inp, facts):
    rt.reset(inp.get("env"), {})
    for name, value in facts.items():
        rt.params.add_param(name, value)
    for name, value in inp.get("vars", []):
        rt.params.add_param(name, value)


def dictionary_of(rt):
    return {k: encode(v) for k, v in rt.dictionary().items()}


# ---- categories --------------------------------------------------------------------------------
def record_reference(rt, inp):
    def run(facts):
        setup(rt, inp, facts)
        given = dictionary_of(rt)
        try:
            out = {"value": enc_value(rt.params.get_value_if_available(inp["word"]))}
        except Exception as e:
            out = {"value": {"exception": f"{type(e).__name__}: {e}"}}
        out["_dictionary"] = given
        return out

    base, alternates, reasons = dictionary_facts(inp)
    out, boot = observe(run, base, alternates, reasons)
    inp["dictionary"] = out.pop("_dictionary")
    boot = {k: v for k, v in boot.items() if not k.startswith("_dictionary")}
    return out, boot


def record_tokenizer(rt, inp):
    rt.reset()
    status = rt.status()
    words, left, right = rt.utils_data.cmd_line_to_list_with_json(status, inp["line"], 0, 0)
    out = {"words": words, "left": left, "right": right,
           "next_command": status.get_next_comand() if status.is_with_next_comand() else None}
    return out, {}


def record_condition(rt, inp):
    def run(facts):
        setup(rt, inp, facts)
        given = dictionary_of(rt)
        raw = {}
        real = rt.params.process_analyzed_if

        def analyzed(*a, **kw):
            r = real(*a, **kw)
            raw["code"] = r[1]
            return r

        rt.params.process_analyzed_if = analyzed
        session = Session()
        crash = None
        try:
            ret = rt.run(rt.status(), inp["line"], session)
        except Exception as e:      # EdgeLake itself raises: the node's command crashes
            ret, crash = None, f"{type(e).__name__}: {e}"
        finally:
            rt.params.process_analyzed_if = real
        code = raw.get("code")
        result = "error" if code is None or code == -1 else ("false" if code == 0 else "true")
        if crash:
            result = "crash"
        then = [c[1] for c in session.calls if c[0] == 1]
        out = {"result": result, "ret": ret, "then": then[0] if then else None,
               "_dictionary": given}
        if crash:
            out["crash"] = crash
        return out

    base, alternates, reasons = dictionary_facts(inp)
    # Three values per fact can all miss what a condition tests (`!ip endswith 1 and !ip
    # contains 92`): also try the line's literal words and every pair of them joined.
    literals = [w for w in inp["line"].split() if w[:1] not in "!$(" and w not in (
        "if", "then", "and", "or", "not", "==", "!=", "<", ">", "<=", ">=", "contains",
        "startswith", "endswith", "childfrom")]
    extra = literals + [a + b for a in literals for b in literals if a != b]
    for fact in alternates:
        alternates[fact] = alternates[fact] + [x for x in extra if x not in alternates[fact]]
    out, boot = observe(run, base, alternates, reasons, joint=True)
    inp["dictionary"] = out.pop("_dictionary")
    boot = {k: v for k, v in boot.items() if not k.startswith("_dictionary")}
    return out, boot


def record_assignment(rt, inp):
    def run(facts):
        facts = dict(facts)
        results = facts.pop("results")
        setup(rt, inp, facts)
        given = dictionary_of(rt)
        status = rt.status()
        rets = []
        session = Session(results=results)
        for line in inp["lines"]:
            # As in a policy's script list: the first line that fails ends it.
            try:
                rets.append(rt.run(status, line, session))
            except Exception as e:      # the node's command crashes
                rets.append(f"crash: {type(e).__name__}: {e}")
            if rets[-1]:
                break
        return {"rets": rets, "dictionary": dictionary_of(rt), "env": dict(os.environ),
                "_dictionary": given}

    base, alternates, reasons = dictionary_facts(inp)
    base["results"] = None
    alternates["results"] = ["<result>"]
    reasons = {**reasons, "results": CONFIG_REASONS["results"]}
    out, boot = observe(run, base, alternates, reasons)
    inp["dictionary"] = out.pop("_dictionary")
    boot = {k: v for k, v in boot.items() if not k.startswith("_dictionary")}
    return out, boot


def prepare(rt, text, variables, facts=None):
    """`blockchain prepare policy !new_policy` with the text in `new_policy`, on a node whose
    dictionary `params.init` filled (with `facts`) before `variables` were set."""
    rt.reset({}, {})
    if facts:
        init_node(rt, facts)
    for name, value in variables:
        rt.params.add_param(name, value)
    rt.params.get_user_defined()["new_policy"] = text
    hashed = []
    real = rt.utils_data.get_string_hash

    def get_hash(hash_type, data, prefix):
        hashed.append(data)
        return real(hash_type, data, prefix)

    rt.utils_data.get_string_hash = get_hash
    try:
        ret, _ = rt.member_cmd.blockchain_prep(rt.status(), bytearray(2048),
                                               ["blockchain", "prepare", "policy", "!new_policy"], 0, None)
    except Exception as e:          # the node's command crashes
        return {"crash": f"{type(e).__name__}: {e}"}
    finally:
        rt.utils_data.get_string_hash = real
    out = {"ret": ret, "ret_text": rt.status_text(ret)}
    if not ret:
        policy = rt.utils_json.str_to_json(rt.params.get_param("new_policy"))
        inner = next(iter(policy.values()))
        inner.pop("date", None)
        out["policy"] = policy
        out["id"] = inner.get("id")
    if hashed:
        out["hashed"] = hashed[0]
    return out


NODE_BASE = {"ip": "10.0.0.5", "external_ip": "203.0.113.7", "hostname": "edge-node",
             "home": "/app/EdgeLake", "user": "root", "is_vm": False}


def record_policy(rt, inp):
    def run(facts):
        return prepare(rt, inp["text"], inp.get("vars", []), facts)

    alternates = {f: gen.FACT_VALUES[f][1:] for f in ("ip", "external_ip", "hostname")}
    alternates.update({"home": ["/opt/node"], "user": ["edge"], "is_vm": [True]})
    return observe(run, dict(NODE_BASE), alternates, CONFIG_REASONS)


CONFIG_REASONS = {
    "ip": gen.FACT_REASONS["ip"], "external_ip": gen.FACT_REASONS["external_ip"],
    "hostname": gen.FACT_REASONS["hostname"],
    "home": "the node's home directory (EDGELAKE_HOME)",
    "user": "the user the node runs as ($HOME)",
    "is_vm": "whether the node runs in a VM",
    "env": "the node's environment (no env file given)",
    "results": "the result of a command the node runs",
    "process": "a variable a processed script may set",
    "answers": "what a command returns or a processed script sets on the node",
}


def init_node(rt, facts):
    """The dictionary as `params.init` leaves it, with the facts of this run (offline: the
    reverse DNS lookup of the public IP finds nothing at once)."""
    import socket
    import dns.resolver

    def no_dns(*a, **kw):
        raise dns.resolver.NoNameservers("offline (conformance recorder)")

    dns.resolver.resolve = no_dns
    rt.member_cmd.tcpip_server.get_ip = lambda: facts["ip"]
    rt.member_cmd.tcpip_server.get_external_ip = lambda: facts["external_ip"]
    rt.params.is_running_in_vm = lambda: facts["is_vm"]
    socket.gethostname = lambda: facts["hostname"]
    os.environ["HOME"] = "/root" if facts["user"] == "root" else "/home/" + facts["user"]
    with_out = {}
    import contextlib
    import io
    with contextlib.redirect_stdout(io.StringIO()):
        rt.params.init(facts["home"])
    del os.environ["HOME"]
    rt.params.add_param("hostname", facts["hostname"])
    return with_out


def record_config(rt, inp, policy_text):
    import dns.resolver

    def no_dns(*a, **kw):
        raise dns.resolver.NoNameservers("offline (conformance recorder)")

    dns.resolver.resolve = no_dns
    env_refs = sorted(set(__import__("re").findall(r"\$([A-Za-z_][A-Za-z_0-9]*)", policy_text)))
    names = gen.references_in(policy_text)

    def run(facts):
        rt.reset(facts["env"], {})
        init_node(rt, facts)
        for name, value in inp["vars"]:
            rt.params.add_param(name, value)
        prepared, source = prepare_in_place(rt, policy_text), "text"
        if prepared is None:
            # The node refuses the text (list-wrapped, trailing comma, ...): store what the text
            # means as Python, as strict JSON, which is how a user would submit it instead.
            meaning = python_literal(policy_text)
            if meaning is None:
                return {"prepared": None}
            prepared, source = prepare_in_place(rt, json.dumps(meaning)), "python-literal"
            if prepared is None:
                return {"prepared": None}
        rt.ledger_policy = prepared
        answers = facts.get("answers")
        session = Session(results=answers if answers is not None else facts["results"],
                          process_defines=answers or facts["process"])
        crash = None
        try:
            with rt.recording(session):
                ret = rt.member_cmd.config_from_policy(
                    rt.status(), bytearray(2048),
                    ["config", "from", "policy", "where", "id", "=", "x"], 0)
        except Exception as e:      # the node's command crashes
            ret, crash = None, f"{type(e).__name__}: {e}"
        finally:
            rt.ledger_policy = None
        lines = []
        for depth, command, code in session.calls:
            if depth == 0:
                lines.append({"command": command, "ret": code, "then": None})
            elif depth == 1 and lines:
                lines[-1]["then"] = command
        processed = [s[2] for s in session.stubbed if s[0] == "process"]
        for line in lines:
            run_text = line["then"] or line["command"]
            if run_text.split()[:1] == ["process"] or " = process " in run_text:
                line["process"] = processed.pop(0) if processed else None
        servers = [{"server": s["server"],
                    "args": {k: encode(v) for k, v in s["args"].items() if k != "trace"}}
                   for s in session.servers]
        out = {"prepared": source, "ret": ret, "ret_text": rt.status_text(ret) if ret else "",
               "servers": servers, "lines": lines}
        if crash:
            out["crash"] = crash
        return out

    base = {"ip": "10.0.0.5", "external_ip": "203.0.113.7", "hostname": "edge-node",
            "home": "/app/EdgeLake", "user": "root", "is_vm": False, "env": {},
            "results": None, "process": {}}
    alternates = {f: [v] for f, v in [("home", "/opt/node"), ("user", "edge"), ("is_vm", True)]}
    alternates["answers"] = answer_variants(inp, policy_text, names)
    given = {n for n, _ in inp["vars"]}
    for f in ("ip", "external_ip", "hostname"):
        if f not in given:      # params.init (or set_params) sets it; elpc is not told
            alternates[f] = gen.FACT_VALUES[f][1:]
    if env_refs:
        alternates["env"] = [{n: "/env/" + n.lower() for n in env_refs}]
    given = {n: v for n, v in inp["vars"]}
    for f in ("ip", "external_ip", "hostname"):
        if f in given:
            base[f] = given[f] or base[f]
    return observe(run, base, alternates, CONFIG_REASONS)


def python_literal(text):
    """The policy the text means as a Python literal (first element of a list), or None."""
    import ast
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, list) and value:
        value = value[0]
    return value if isinstance(value, dict) else None


def answer_variants(inp, policy_text, names):
    """Values the node's commands and processed scripts may leave in the variables a policy
    names: every combination of `""`, `true`, `false` and a text over the names its script
    assigns from a command or may get from a processed script (all of them when there are at
    most three, else 64 drawn at random, seeded by the case)."""
    import itertools
    import re
    assigned = set(re.findall(r"(?:^|[\[,'\"]|then)\s*([A-Za-z_]\w*)\s*=\s*[A-Za-z]", policy_text))
    read = set(re.findall(r"!([A-Za-z_]\w*)", " ".join(re.findall(r"\bif\b(.*?)\bthen\b", policy_text))))
    targets = read & (assigned | (set(names) if "process" in policy_text else set()))
    targets = sorted(targets)
    # the words the policy compares with, so that a comparison can come out either way
    compared = re.findall(r"(?:==|!=|contains|startswith|endswith)\s+([^\s'\"()]+)", policy_text)
    values = ["", "true", "false", "<answer>"] + sorted(set(compared) - {"true", "false"})[:6]
    if not targets:
        return []
    if len(targets) <= 3:
        combos = list(itertools.product(values, repeat=len(targets)))
    else:
        rng = random.Random(json.dumps(inp, sort_keys=True))
        combos = [[rng.choice(values) for _ in targets] for _ in range(96)]
        # every pair of targets through the values that decide most tests
        for i, j in itertools.combinations(range(len(targets)), 2):
            for a, b in itertools.product(["", "true", "false"], repeat=2):
                combo = ["<answer>"] * len(targets)
                combo[i], combo[j] = a, b
                combos.append(combo)
    return [dict(zip(targets, c)) for c in combos]


def prepare_in_place(rt, text):
    """The policy as the ledger stores it after `blockchain prepare policy` (dictionary kept)."""
    rt.params.get_user_defined()["new_policy"] = text
    ret, _ = rt.member_cmd.blockchain_prep(rt.status(), bytearray(2048),
                                           ["blockchain", "prepare", "policy", "!new_policy"], 0, None)
    if ret:
        rt.params.reset_key("new_policy")
        return None
    policy = rt.utils_json.str_to_json(rt.params.get_param("new_policy"))
    rt.params.reset_key("new_policy")
    return policy


SET_PARAMS_REASONS = {
    "external_ip": "the node's public IP address (`external_ip`), looked up at boot",
    "is_vm": "whether the node runs in a VM, probed at boot",
    "user": "the user the node runs as ($HOME)",
    "nics": "the address of the network interface NIC_TYPE names",
    "network": "ipinfo.io's answer at boot (location lookup)",
    "reverse_dns": "reverse DNS of the public IP at boot",
    "setup_cfg": "the deployment scripts' setup.cfg, read by a shell command at boot",
}


def record_set_params(rt, inp):
    node = inp["node"]

    def run(facts):
        out = run_set_params(rt, inp["env"], facts)
        keep = {k: out[k] for k in ("ret_val", "ret_text", "set_params_ran", "stopped_before",
                                    "dictionary", "exception") if k in out}
        return keep

    base = {"ip": node["ip"], "hostname": node["hostname"], "external_ip": "203.0.113.7",
            "is_vm": False, "user": "root",
            "nics": {"lo": "127.0.0.1", "eth0": node["ip"], "eth1": "192.168.7.20"},
            "network": None, "reverse_dns": None, "setup_cfg": None}
    every_nic = {n: f"198.51.100.{i + 10}" for i, n in
                 enumerate(["lo", "eth0", "eth1", "wlan9"] + [inp["env"].get("NIC_TYPE", "x")])}
    alternates = {
        "external_ip": ["198.51.100.77"], "is_vm": [True], "user": ["edge"], "nics": [every_nic],
        "network": [{"ip": "198.51.100.9", "loc": "1.5,2.5", "country": "XX", "region": "YY",
                     "city": "ZZ"}],
        "reverse_dns": ["host.example.net"], "setup_cfg": ["9.9.9 (another setup.cfg)\r\n"],
    }
    return observe(run, base, alternates, SET_PARAMS_REASONS)


# ---- env layerings (for set_params) -------------------------------------------------------------
def parse_env_file(path, known):
    """docker compose's reading of an env_file, through python-dotenv (interpolating from the
    files before it); the resolved values are stored in the cases, so replay needs no parser."""
    import io
    from dotenv import dotenv_values
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(known)
        with open(path, encoding="utf-8") as f:
            values = dotenv_values(stream=io.StringIO(f.read()), interpolate=True)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {k: "" if v is None else v for k, v in values.items()}


def layerings():
    with open(os.path.join(ENV_DIR, "layerings.json"), encoding="utf-8") as f:
        spec = json.load(f)
    out = []
    image = dockerfile_env()
    for lid, files in spec.items():
        env = dict(image)
        for name in files:
            env.update(parse_env_file(os.path.join(ENV_DIR, name), env))
        out.append((lid, files, env))
    return out


def dockerfile_env():
    """The ENV of EdgeLake's Dockerfile: the environment env_file values override."""
    with open(os.path.join(ARGS.edgelake, "Dockerfile"), encoding="utf-8") as f:
        logical = f.read().replace("\\\n", " ").splitlines()   # join continued lines
    env = {}
    for line in logical:
        words = line.split()
        if words[:1] == ["ENV"]:
            for word in words[1:]:
                name, eq, value = word.partition("=")
                if eq:
                    env[name] = value
    return env


# ---- driver ------------------------------------------------------------------------------------
CATEGORIES = ["reference", "tokenizer", "condition", "assignment", "policy", "config_policy",
              "set_params"]


def build(category, rng, corpus):
    if category == "reference":
        return gen.reference(rng, 2400)
    if category == "tokenizer":
        return gen.tokenizer(rng, 1400, gen.script_lines(corpus))
    if category == "condition":
        return gen.conditions(rng, 1800)
    if category == "assignment":
        return gen.assignments(rng, 1200)
    if category == "policy":
        cases = gen.policy_texts(rng, corpus, 560)
        for c in cases:
            c["vars"] = gen.policy_vars(rng)
        return cases
    if category == "config_policy":
        return gen.config_policies(rng, corpus, 10)
    if category == "set_params":
        return gen.set_params_cases(rng, layerings(), 8, dockerfile_env())
    raise ValueError(category)


def record(rt, category, inputs, corpus):
    texts = dict(corpus)
    out = []
    for i, inp in enumerate(inputs):
        if category == "reference":
            expect, boot = record_reference(rt, inp)
        elif category == "tokenizer":
            expect, boot = record_tokenizer(rt, inp)
        elif category == "condition":
            expect, boot = record_condition(rt, inp)
        elif category == "assignment":
            expect, boot = record_assignment(rt, inp)
        elif category == "policy":
            expect, boot = record_policy(rt, inp)
        elif category == "config_policy":
            expect, boot = record_config(rt, inp, texts[inp["policy_file"]])
        else:
            expect, boot = record_set_params(rt, inp)
        case = {"id": f"{category}-{i:05d}", "input": inp, "expect": expect}
        if boot:
            case["boot"] = boot
        out.append(case)
    return out


def main():
    global ARGS
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--edgelake", default=os.environ.get("EDGELAKE_SRC", "/tmp/edgelake"))
    p.add_argument("--scripts", default=os.environ.get("DEPLOYMENT_SCRIPTS_SRC", "/tmp/deployment-scripts"))
    p.add_argument("--seed", type=int, default=9)
    p.add_argument("--only", choices=CATEGORIES, action="append")
    ARGS = p.parse_args()
    rt = Runtime(ARGS.edgelake, ARGS.scripts)
    corpus = gen.read_policies(POLICIES)
    write_runtime_facts(rt)
    for index, category in enumerate(CATEGORIES):
        if ARGS.only and category not in ARGS.only:
            continue
        started = time.time()
        rng = random.Random(f"{ARGS.seed}/{category}")
        inputs = build(category, rng, corpus)
        cases = record(rt, category, inputs, corpus)
        header = {"conformance": {
            "category": category, "cases": len(cases), "seed": ARGS.seed,
            "edgelake": {"repository": "github.com/EdgeLake/EdgeLake", "commit": rt.commit},
            "deployment_scripts": {"repository": "github.com/EdgeLake/deployment-scripts",
                                   "commit": rt.scripts_commit},
            "python": rt.python, "recorder": "tools/conformance/record.py",
        }}
        path = os.path.join(OUT, f"{category}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(header, ensure_ascii=False) + "\n")
            for case in cases:
                f.write(json.dumps(case, ensure_ascii=False) + "\n")
        sys.stderr.write(f"{category}: {len(cases)} cases in {time.time() - started:.1f} s\n")


def write_runtime_facts(rt):
    """Facts of the runtime elpc keeps as data, for the replay to hold its tables to: the
    command table's keys (how `process_cmd` finds a command), and the image environment."""
    commands = {k: v.get("words_min", 0) for k, v in sorted(rt.member_cmd.commands.items())}
    facts = {
        "edgelake": {"repository": "github.com/EdgeLake/EdgeLake", "commit": rt.commit},
        "command_keys": {k: (1 if v is True else int(v)) for k, v in commands.items()},
        "max_command_words": rt.member_cmd.max_command_words,
        "image_environment": dockerfile_env(),
    }
    with open(os.path.join(OUT, "runtime.json"), "w", encoding="utf-8") as f:
        json.dump(facts, f, indent=1, ensure_ascii=False)
        f.write("\n")


ARGS = None

if __name__ == "__main__":
    main()
