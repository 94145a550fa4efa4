# Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
"""The AWS model of IVS Real-Time as generate.py sees it: shapes, operations, members, the C++
names and types they get, and the checks that the model holds nothing the generator cannot handle
(ModelError). Standard library only."""

import re

# Patterns the client does not enforce, and why.
UNENFORCED_PATTERNS = {
    "ResourceArn": [
        "The model's pattern allows a single character between the account and the '/'",
        "(\":[a-z-]/\"), so no real ARN (\":stage/\") matches it: it is not enforced.",
    ],
}

# Limits the IVS API reference documents but the model does not carry, checked with the model's
# own (shape: (kind, bound, where it is documented)).
DOCUMENTED_LIMITS = {
    "ParticipantTokenAttributes": (
        "total_bytes", 1024,
        "IVS Real-Time API reference, ParticipantToken and ParticipantTokenConfiguration: "
        "attributes, 1 KB total"),
}

CPP_KEYWORDS = set("""
    alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t
    char32_t class compl concept const consteval constexpr constinit const_cast continue
    co_await co_return co_yield decltype default delete do double dynamic_cast else enum explicit
    export extern false float for friend goto if inline int long mutable namespace new noexcept
    not not_eq nullptr operator or or_eq private protected public register reinterpret_cast
    requires return short signed sizeof static static_assert static_cast struct switch template
    this thread_local throw true try typedef typeid typename union unsigned using virtual void
    volatile wchar_t while xor xor_eq""".split())


def snake(name):
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s)
    return re.sub(r"[^A-Za-z0-9]+", "_", s).strip("_").lower()


def identifier(name, reserved=()):
    s = snake(name)
    if s[0].isdigit():
        s = "v" + s
    return s + "_" if s in CPP_KEYWORDS or s in reserved else s


class ModelError(ValueError):
    """Something in the model this generator does not handle."""


def fail(message):
    raise ModelError(message)


class Member:
    def __init__(self, name, data, required):
        self.json = name
        self.cpp = identifier(name)
        self.shape = data["shape"]
        self.required = required
        self.location = data.get("location")  # None (body), "uri", "querystring" or "header"
        self.location_name = data.get("locationName", name)
        self.idempotency_token = data.get("idempotencyToken", False)


# The form of the tokens the client makes (detail::random_uuid_v4).
SAMPLE_UUID = "0f8fad5b-d9cb-469f-a165-70867728950e"


def admits_uuid(shape):
    """Whether a string shape accepts the UUIDs the client puts in unset idempotency tokens."""
    return (shape.get("min", 0) <= len(SAMPLE_UUID) <= shape.get("max", len(SAMPLE_UUID))
            and ("pattern" not in shape or re.fullmatch(shape["pattern"], SAMPLE_UUID) is not None))


class Model:
    def __init__(self, service, paginators):
        self.shapes = service["shapes"]
        self.ops = [service["operations"][k] for k in sorted(service["operations"])]
        self.paginators = paginators["pagination"]
        self.io = {}  # shape name -> (operation, "request" | "result")
        for op in self.ops:
            self.io[op["input"]["shape"]] = (op, "request")
            self.io[op["output"]["shape"]] = (op, "result")
        self.errors = sorted({e["shape"] for op in self.ops for e in op["errors"]})
        self.structs = sorted(n for n, s in self.shapes.items()
                              if s["type"] == "structure" and not s.get("exception"))
        self.enums = sorted(n for n, s in self.shapes.items() if "enum" in s)
        self.members = {n: [Member(m, d, m in self.shapes[n].get("required", []))
                            for m, d in self.shapes[n]["members"].items()] for n in self.structs}
        # The shapes each operation's request and result hold, at any depth.
        self.reached = {role: {op["name"]: self.reach(op[key]["shape"]) for op in self.ops}
                        for role, key in (("request", "input"), ("result", "output"))}
        self.check()

    def check(self):
        """Fails on anything of the model this generator does not handle."""
        for name in self.structs:
            role = self.io.get(name, (None, None))[1]
            for m in self.members[name]:
                target = self.shapes[m.shape]
                if m.location and role is None:
                    fail(f"{name}.{m.json}: HTTP binding outside an operation's input or output")
                if m.location == "uri" and not (target["type"] == "string" and m.required):
                    fail(f"{name}.{m.json}: only required string URI labels are supported")
                if m.location == "querystring" and not (
                        target["type"] == "list" and m.required
                        and self.shapes[target["member"]["shape"]]["type"] == "string"):
                    fail(f"{name}.{m.json}: only required string-list query keys are supported")
                if m.location == "header" and (role != "result" or target["type"] != "string"):
                    fail(f"{name}.{m.json}: only string response headers are supported")
                if m.idempotency_token and (m.required or target["type"] != "string"):
                    fail(f"{name}.{m.json}: idempotency tokens must be optional strings")
                if m.idempotency_token and not admits_uuid(target):
                    fail(f"{name}.{m.json}: the client fills an unset token with a UUID, "
                         f"which {m.shape} rejects")
                if target["type"] == "map" and \
                        self.shapes[target["key"]["shape"]]["type"] != "string":
                    fail(f"{m.shape}: map keys must be strings")
        used = set().union(*(shapes for by_op in self.reached.values() for shapes in by_op.values()))
        if set(self.structs + self.enums) - used:
            fail(f"shapes no operation uses: {sorted(set(self.structs + self.enums) - used)}")
        members = {d for n in self.structs for d in self.dependencies(n)}
        if members & set(self.io):
            fail(f"operation inputs or outputs used as members: {sorted(members & set(self.io))}")

    def reach(self, name, seen=None):
        """`name` and every shape it holds, at any depth."""
        seen = set() if seen is None else seen
        if name in seen:
            return seen
        seen.add(name)
        s = self.shapes[name]
        if s["type"] == "structure":
            for m in s["members"].values():
                self.reach(m["shape"], seen)
        elif s["type"] == "list":
            self.reach(s["member"]["shape"], seen)
        elif s["type"] == "map":
            self.reach(s["key"]["shape"], seen)
            self.reach(s["value"]["shape"], seen)
        return seen

    # ---- names and types

    def cpp_name(self, shape):
        if shape in self.io:
            op, role = self.io[shape]
            return f"{snake(op['name'])}_{role}"
        return identifier(shape)

    def usage(self, shape):
        """Where a named shape appears: "in requests of A and B; in results of C"."""
        parts = []
        for role, by_op in self.reached.items():
            ops = [name for name, shapes in by_op.items() if shape in shapes]
            if ops:
                listed = ops[0] if len(ops) == 1 else ", ".join(ops[:-1]) + " and " + ops[-1]
                parts.append(f"in {role}s of {listed}")
        return "; ".join(parts)

    def is_named(self, shape):
        return shape in self.structs or shape in self.enums

    def cpp_type(self, shape, owner=None):
        """The C++ type of a value of `shape`, inside the structure `owner` (whose members may
        hide a type's name: those types are qualified)."""
        s = self.shapes[shape]
        if self.is_named(shape):
            name = self.cpp_name(shape)
            hidden = owner is not None and any(m.cpp == name for m in self.members[owner])
            return f"model::{name}" if hidden else name
        t = s["type"]
        if t == "list":
            return f"std::vector<{self.cpp_type(s['member']['shape'], owner)}>"
        if t == "map":
            return f"std::map<std::string, {self.cpp_type(s['value']['shape'], owner)}>"
        return {"string": "std::string", "integer": "std::int32_t", "float": "double",
                "double": "double", "boolean": "bool", "timestamp": "timestamp"}.get(t) or \
            fail(f"{shape}: unsupported type {t}")

    def member_type(self, owner, m):
        s = self.shapes[m.shape]
        if m.required:
            return self.cpp_type(m.shape, owner)
        if s["type"] == "list":
            return f"optional_list<{self.cpp_type(s['member']['shape'], owner)}>"
        if s["type"] == "map":
            return f"optional_map<{self.cpp_type(s['value']['shape'], owner)}>"
        return f"std::optional<{self.cpp_type(m.shape, owner)}>"

    def dependencies(self, struct):
        """Named shapes (structures, enums) the members of `struct` hold, directly or in lists
        and maps."""
        out = set()
        for m in self.members[struct]:
            self.element_dependencies(m.shape, out)
        return out

    def element_dependencies(self, shape, out):
        s = self.shapes[shape]
        if self.is_named(shape):
            out.add(shape)
        elif s["type"] == "list":
            self.element_dependencies(s["member"]["shape"], out)
        elif s["type"] == "map":
            self.element_dependencies(s["value"]["shape"], out)

    def topological_structs(self):
        order, seen = [], set()

        def visit(name):
            if name in seen:
                return
            seen.add(name)
            for d in sorted(self.dependencies(name)):
                if d in self.structs:
                    visit(d)
            order.append(name)

        for name in self.structs:
            visit(name)
        return order

    def sensitive(self, shape):
        s = self.shapes[shape]
        if s.get("sensitive"):
            return True
        if s["type"] == "list":
            return self.sensitive(s["member"]["shape"])
        if s["type"] == "map":
            return self.sensitive(s["key"]["shape"]) or self.sensitive(s["value"]["shape"])
        return False

    def body_members(self, struct):
        return [m for m in self.members[struct] if m.location is None]

    def pattern(self, shape):
        p = self.shapes[shape].get("pattern")
        return None if p is None or shape in UNENFORCED_PATTERNS else p
