#!/usr/bin/env python3
"""Checks the end-to-end run (tests/collector/run.sh): the bundle the collector wrote against moto,
then the engine's findings on it, both against tests/collector/expectations.json.

Bundle checks always assert. Finding checks assert only for entries that are not "pending"; a
pending entry (its rule is not written yet) is reported as SKIPPED with its reason, or as
"holds now: flip pending" once the engine already gets it right. While the engine cannot read
bundles at all ("engine_reads_bundles": false and the scan did not recognise the bundle), every
finding check is SKIPPED and the reason is printed.

Usage: check.py EXPECTATIONS BUNDLE RAW_DIR IDS REPORT RULES
"""
import hashlib
import json
import os
import re
import sys

ALLOWED_OPERATION = re.compile(r"^(describe|get|list)-[a-z0-9-]+$")
ERROR_CODE = re.compile(r"An error occurred \(([^)]*)\) when calling")
OUTPUT_FIELDS = ["service", "operation", "region", "args", "command", "started_at",
                 "exit_code", "sha256", "output", "error"]
UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


class Tally:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print(f"  ok    {what}")
        else:
            self.failed += 1
            print(f"  FAIL  {what}" + (f": {detail}" if detail else ""))
        return ok

    def skip(self, what, why):
        self.skipped += 1
        print(f"  SKIP  {what}: {why}")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def substitute(value, ids):
    """Fills {placeholders} with the ids seed.sh printed (moto invents them)."""
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: substitute(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, ids) for v in value]
    return value


def cli_hash(output):
    text = json.dumps(output, indent=4, ensure_ascii=False) + "\n"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def raw_slots(raw_dir):
    """Raw stdout/argv of every call, in the collector's own order (groups, then sequence)."""
    slots = []
    for group in sorted(os.listdir(raw_dir)):
        path = os.path.join(raw_dir, group)
        names = sorted(n[:-5] for n in os.listdir(path) if n.endswith(".meta"))
        slots.extend(os.path.join(path, n) for n in names)
    return slots


def check_bundle(t, exp, bundle, raw_dir, ids):
    print("bundle format")
    t.check(bundle.get("format") == "stratoscope-aws-bundle", "format is stratoscope-aws-bundle")
    t.check(bundle.get("format_version") == 1, "format_version is 1")
    m = bundle.get("manifest", {})
    outputs = bundle.get("outputs", [])
    for key in ["collector", "collector_version", "account_id", "partition", "caller_arn",
                "started_at", "finished_at", "regions", "tool_versions", "outputs"]:
        t.check(key in m, f"manifest has {key}")
    t.check(m.get("account_id") == exp["account_id"], "manifest account_id", m.get("account_id"))
    t.check(m.get("partition") == "aws", "manifest partition is aws")
    t.check(m.get("regions") == exp["regions"], "manifest regions are the --regions list",
            m.get("regions"))
    t.check(m.get("outputs") == len(outputs), "manifest outputs counts the outputs")
    t.check(all(UTC.match(m.get(k, "")) for k in ["started_at", "finished_at"]),
            "manifest times are UTC timestamps")
    t.check({"aws-cli", "bash", "python3"} <= set(m.get("tool_versions", {})),
            "tool_versions names aws-cli, bash and python3")

    print("every output")
    slots = raw_slots(raw_dir)
    t.check(len(slots) == len(outputs), "one raw stdout kept per output",
            f"{len(slots)} raw, {len(outputs)} outputs")
    problems = []
    for i, (o, slot) in enumerate(zip(outputs, slots)):
        where = f"outputs[{i}] {o.get('service')} {o.get('operation')}"
        if [k for k in OUTPUT_FIELDS if k not in o]:
            problems.append(f"{where}: missing {[k for k in OUTPUT_FIELDS if k not in o]}")
            continue
        op = o["operation"]
        if not (ALLOWED_OPERATION.match(op) or op == "generate-credential-report"):
            problems.append(f"{where}: not a read-only operation")
        with open(slot + ".out", "rb") as f:
            stdout = f.read()
        with open(slot + ".argv", "rb") as f:
            argv = f.read().decode().split("\0")[:-1]
        if hashlib.sha256(stdout).hexdigest() != o["sha256"]:
            problems.append(f"{where}: sha256 differs from the raw stdout")
        if argv[1:3] != [o["service"], op]:
            problems.append(f"{where}: raw argv {argv[1:3]} is another call")
        if "--output json" not in o["command"] or not o["command"].startswith("aws "):
            problems.append(f"{where}: command lacks 'aws … --output json': {o['command']}")
        if o["exit_code"] == 0:
            if o["error"] is not None:
                problems.append(f"{where}: exit 0 but an error is recorded")
            if stdout.strip() and json.loads(stdout) != o["output"]:
                problems.append(f"{where}: output is not the parsed stdout")
            # docs/bundle-format.md: re-serialising as the CLI prints reproduces the hash.
            if o["output"] is not None and cli_hash(o["output"]) != o["sha256"]:
                problems.append(f"{where}: output re-serialised as the CLI prints has another hash")
        else:
            err = o["error"] or {}
            with open(slot + ".err", "rb") as f:
                stderr = f.read().decode("utf-8", "replace")
            match = ERROR_CODE.search(stderr)
            if o["output"] is not None:
                problems.append(f"{where}: failed call has an output")
            if err.get("code") != (match.group(1) if match else None):
                problems.append(f"{where}: error code {err.get('code')!r} is not stderr's")
            if not err.get("message"):
                problems.append(f"{where}: failed call without an error message")
        if o["region"] is not None and f"--region {o['region']}" not in o["command"]:
            problems.append(f"{where}: region {o['region']} is not the one the command used")
    t.check(not problems, f"{len(outputs)} outputs: fields, read-only operation, sha256 of raw "
            "stdout and of the re-serialised output, parsed output, error code from stderr", "\n        ".join(problems))

    print("coverage: every call, globally and in every region")
    seen = {(o.get("service"), o.get("operation"), o.get("region")) for o in outputs}
    for service, operation in (tuple(c.split(" ", 1)) for c in exp["global_calls"]):
        t.check((service, operation, None) in seen, f"global {service} {operation}")
    for region in exp["regions"]:
        missing = [c for c in exp["regional_calls"]
                   if tuple(c.split(" ", 1)) + (region,) not in seen]
        t.check(not missing, f"{len(exp['regional_calls'])} regional calls in {region}",
                f"missing {missing}")

    print("recorded calls (errors are evidence)")
    for c in substitute(exp["calls"], ids):
        label = f"{c['service']} {c['operation']} {c.get('args', {})} {c.get('region') or ''}"
        hits = [o for o in outputs
                if o.get("service") == c["service"] and o.get("operation") == c["operation"]
                and o.get("args") == c.get("args", {})
                and ("region" not in c or o.get("region") == c["region"])]
        if not t.check(len(hits) == 1, label, f"{len(hits)} matching outputs"):
            continue
        o = hits[0]
        if "error_code" in c:
            t.check(o["exit_code"] != 0 and (o["error"] or {}).get("code") == c["error_code"],
                    f"  … failed with {c['error_code']!r}", json.dumps(o["error"])[:300])
        else:
            t.check(o["exit_code"] == 0 and o["error"] is None, "  … succeeded",
                    json.dumps(o["error"])[:300])
        if "note" in c:
            print(f"        note: {c['note']}")


def check_findings(t, exp, report, rules, ids):
    print("engine verdict on the bundle")
    verdicts = report.get("inputs", [])
    verdict = verdicts[0] if verdicts else {}
    recognised = verdict.get("status") == "recognized"
    print(f"        scan says: {verdict.get('status')}: {verdict.get('message', '')[:400]}")
    if not recognised and not exp["engine_reads_bundles"]:
        print("        SKIPPING every finding check: this engine does not read "
              "stratoscope-aws-bundle yet (expectations.json: engine_reads_bundles=false)")
        for e in exp["findings"]:
            t.skip(f"{e['rule']} on {substitute(e['resource'], ids)}", "bundle not read")
        return
    if recognised and not exp["engine_reads_bundles"]:
        print("        NOTE: the engine reads bundles now: set engine_reads_bundles to true")
    t.check(recognised, "the scan recognised the bundle", verdict.get("message", ""))
    if not recognised:
        return

    print("findings")
    rule_ids = {r["name"]: r["id"] for r in rules.get("rules", [])}
    by_rule = report.get("summary", {}).get("by_rule", {})
    for e in exp["findings"]:
        resource = substitute(e["resource"], ids)
        label = f"{e['rule']} on {resource}: {e['expect']}"
        found = [f for f in report.get("findings", [])
                 if f["rule_name"] == e["rule"] and matches(f["resource"], resource)]
        outcomes = sorted({f["outcome"] for f in found})
        evaluated = by_rule.get(rule_ids.get(e["rule"], ""), {}).get("pass", 0) > 0
        if e["rule"] not in rule_ids:
            holds, why = False, "no such rule in the pack"
        elif e["expect"] == "no finding":
            holds = not found and evaluated
            why = (f"findings {outcomes}" if found
                   else "the rule passed no resource at all, so absence proves nothing")
        else:
            holds, why = outcomes == [e["expect"]], f"findings {outcomes or 'none'}"
        if e.get("pending"):
            state = "holds now: flip pending to false" if holds else why
            t.skip(label, f"pending ({e.get('reason', 'rule not written yet')}); {state}")
        else:
            t.check(holds, label, why)


def matches(resource, expected):
    """An expectation names a resource by id (ARN), or by the id's last part after / or :."""
    rid = resource.get("id", "")
    return rid == expected or rid.endswith("/" + expected) or rid.endswith(":" + expected)


def main():
    exp_path, bundle_path, raw_dir, ids_path, report_path, rules_path = sys.argv[1:7]
    exp, ids = load(exp_path), load(ids_path)
    t = Tally()
    check_bundle(t, exp, load(bundle_path), raw_dir, ids)
    check_findings(t, exp, load(report_path), load(rules_path), ids)
    print(f"collector: {t.passed} passed, {t.failed} failed, {t.skipped} skipped")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
