#!/usr/bin/env python3
# Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
"""Embeds the IVS Real-Time endpoint rules and partition data into a C++ header.

Reads the vendored copies tools/codegen/endpoints/endpoint-ruleset.json and partitions.json (the
same files the tests use), checks that the rule set needs only what the interpreter in
include/ivsrt/detail/endpoint_rules.hpp implements and what resolve_endpoint binds, and writes
include/ivsrt/detail/generated/endpoint_data.hpp holding both documents as string constants, minified and
without their prose (the "documentation" and "description" members, which nothing evaluates).

    tools/codegen/embed_endpoints.py          regenerate the header
    tools/codegen/embed_endpoints.py --check  exit 1 if the header is missing or stale
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tools" / "codegen" / "endpoints"
RULESET = DATA / "endpoint-ruleset.json"
PARTITIONS = DATA / "partitions.json"
HEADER = ROOT / "include" / "ivsrt" / "detail" / "generated" / "endpoint_data.hpp"

# Keep in step with rule_set::evaluation::call in endpoint_rules.hpp.
FUNCTIONS = {
    "isSet", "not", "booleanEquals", "stringEquals", "getAttr", "isValidHostLabel", "uriEncode",
    "substring", "parseURL", "aws.partition",
}
# Keep in step with resolve_endpoint in impl/endpoint.ipp.
BUILTINS = {"AWS::Region", "AWS::UseFIPS", "AWS::UseDualStack", "SDK::Endpoint"}

CHUNK = 80  # characters of JSON per raw-string line; keeps lines within the 100-column limit


class Unsupported(Exception):
    pass


def check_expression(expr, where):
    if isinstance(expr, list):
        for item in expr:
            check_expression(item, where)
    elif isinstance(expr, dict) and "fn" in expr:
        check_call(expr, where)


def check_call(call, where):
    if call["fn"] not in FUNCTIONS:
        raise Unsupported(f"{where}: function {call['fn']!r} is not implemented")
    check_expression(call["argv"], where)


def check_rules(rules, where):
    if not rules:
        raise Unsupported(f"{where}: empty rule list")
    for i, rule in enumerate(rules):
        here = f"{where}[{i}]"
        for condition in rule["conditions"]:
            check_call(condition, here)
        kind = rule["type"]
        if kind == "tree":
            check_rules(rule["rules"], here + ".rules")
        elif kind == "endpoint":
            endpoint = rule["endpoint"]
            if endpoint.get("headers"):
                raise Unsupported(f"{here}: endpoint headers are not implemented")
            check_expression(endpoint["url"], here)
        elif kind == "error":
            check_expression(rule["error"], here)
        else:
            raise Unsupported(f"{here}: rule type {kind!r} is not implemented")


def check_ruleset(ruleset):
    if not str(ruleset["version"]).startswith("1."):
        raise Unsupported(f"rules engine version {ruleset['version']} is not implemented")
    for name, param in ruleset["parameters"].items():
        if param["type"] not in ("string", "boolean"):
            raise Unsupported(f"parameter {name}: type {param['type']!r} is not implemented")
        if param.get("builtIn") not in BUILTINS and "default" not in param:
            raise Unsupported(f"parameter {name}: resolve_endpoint does not set it")
    check_rules(ruleset["rules"], "rules")


def check_partitions(partitions):
    ids = []
    for p in partitions["partitions"]:
        for key in ("id", "regionRegex", "outputs", "regions"):
            if key not in p:
                raise Unsupported(f"partition {p.get('id')!r} lacks {key!r}")
        ids.append(p["id"])
    if "aws" not in ids:
        raise Unsupported("no 'aws' partition to fall back to")


def raw_string_lines(text):
    """Adjacent raw string literals, split between JSON tokens where possible."""
    lines = []
    while text:
        chunk = text[:CHUNK]
        if len(text) > CHUNK:
            cuts = [i for i in range(CHUNK // 2, CHUNK)
                    if chunk[i - 1] == "," or (chunk[i] == '"' and chunk[i - 1] in ":[{")]
            if cuts:
                chunk = chunk[:cuts[-1]]
        if ')json"' in chunk:
            raise Unsupported("data contains the raw string delimiter")
        lines.append(f'    R"json({chunk})json"')
        text = text[len(chunk):]
    return "\n".join(lines)


def without_prose(value):
    if isinstance(value, dict):
        return {k: without_prose(v) for k, v in value.items()
                if k not in ("documentation", "description")}
    if isinstance(value, list):
        return [without_prose(v) for v in value]
    return value


def minify(document):
    return json.dumps(without_prose(document), separators=(",", ":"), ensure_ascii=True)


def generate():
    ruleset = json.loads(RULESET.read_text(encoding="utf-8"))
    partitions = json.loads(PARTITIONS.read_text(encoding="utf-8"))
    check_ruleset(ruleset)
    check_partitions(partitions)
    return f"""\
// Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
// Generated by tools/codegen/embed_endpoints.py from tools/codegen/endpoints/endpoint-ruleset.json
// and partitions.json (AWS data, Apache-2.0; see tools/codegen/endpoints/NOTICE). Do not edit.
#pragma once

#include <string_view>

namespace ivsrt::detail {{

// The IVS Real-Time endpoint rule set (Smithy rules language).
inline constexpr std::string_view endpoint_ruleset_json =
{raw_string_lines(minify(ruleset))};

// The AWS partitions read by the rules' aws.partition function.
inline constexpr std::string_view partitions_json =
{raw_string_lines(minify(partitions))};

}}  // namespace ivsrt::detail
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="fail if the generated header is missing or stale")
    args = parser.parse_args()
    try:
        text = generate()
    except (Unsupported, KeyError) as e:
        print(f"embed_endpoints: unsupported endpoint data: {e}", file=sys.stderr)
        return 2
    current = HEADER.read_text(encoding="utf-8") if HEADER.exists() else None
    if args.check:
        if current != text:
            print(f"embed_endpoints: {HEADER.relative_to(ROOT)} is stale; "
                  "run tools/codegen/embed_endpoints.py", file=sys.stderr)
            return 1
        return 0
    if current != text:
        HEADER.write_text(text, encoding="utf-8")
        print(f"embed_endpoints: wrote {HEADER.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
