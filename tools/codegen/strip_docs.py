#!/usr/bin/env python3
# Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
"""Vendors the AWS model for ivs-realtime into tools/codegen/, without its prose.

Removes every "documentation" string (the data stays; AWS's prose does not) and writes the
result with a stable layout. Everything else is kept as is, in the same order.

    tools/codegen/strip_docs.py [AWS_MODELS_DIR]    (default: ../shared/aws-models)
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = {
    "ivs-realtime-2020-07-14.latest.service-2.json": "ivs-realtime-2020-07-14.service-2.json",
    "ivs-realtime-2020-07-14.latest.paginators.json": "ivs-realtime-2020-07-14.paginators.json",
}


def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items()
                if not (k == "documentation" and isinstance(v, str))}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def main():
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / "shared" / "aws-models"
    for name, vendored in FILES.items():
        data = json.loads((source / name).read_text(encoding="utf-8"))
        text = json.dumps(strip(data), indent=1, ensure_ascii=False) + "\n"
        (HERE / vendored).write_text(text, encoding="utf-8")
        print(f"wrote tools/codegen/{vendored}")


if __name__ == "__main__":
    main()
