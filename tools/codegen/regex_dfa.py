# Copyright (c) 2026 the ivsrt authors. Distributed under the Apache License, Version 2.0.
"""The regular expressions of the AWS model's validation patterns, compiled at generation time.

A pattern is parsed into a small regex tree, then compiled either into a scanner chain (a sequence
of literals and repeated byte sets that never needs backtracking) or into a DFA. This module only
computes them; generate.py writes them as C++.

A pattern matches the whole value (the service's semantics: that is why ResourceArn's can never
match). Byte semantics: '.' is any byte but \n and \r, classes hold ASCII only.

Standard library only. Unsupported or malformed patterns raise PatternError.
"""

import re


class PatternError(ValueError):
    """A pattern this compiler does not support, or cannot compile."""


ALL_BYTES = frozenset(range(256))
ESCAPES = {
    "r": frozenset([13]), "n": frozenset([10]), "t": frozenset([9]), "f": frozenset([12]),
    "v": frozenset([11]), "s": frozenset(b" \t\n\x0b\x0c\r"), "d": frozenset(range(48, 58)),
    "w": frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"),
}
for _k in "sdw":
    ESCAPES[_k.upper()] = ALL_BYTES - ESCAPES[_k]


class RegexParser:
    """Nodes: ("set", bytes), ("cat", [nodes]), ("alt", [nodes]), ("rep", node, lo, hi|None),
    ("bol",), ("eol",)."""

    def __init__(self, pattern):
        self.p = pattern
        self.i = 0

    def parse(self):
        node = self.alternation()
        if self.i != len(self.p):
            self.error("unbalanced ')'")
        return node

    def error(self, what):
        raise PatternError(f"pattern {self.p!r}, offset {self.i}: {what}")

    def peek(self):
        return self.p[self.i] if self.i < len(self.p) else ""

    def take(self):
        if self.i >= len(self.p):
            self.error("unexpected end")
        self.i += 1
        return self.p[self.i - 1]

    def alternation(self):
        alternatives = [self.sequence()]
        while self.peek() == "|":
            self.i += 1
            alternatives.append(self.sequence())
        return alternatives[0] if len(alternatives) == 1 else ("alt", alternatives)

    def sequence(self):
        items = []
        while self.peek() not in ("", "|", ")"):
            items.append(self.quantified(self.atom()))
        return ("cat", items)

    def atom(self):
        c = self.take()
        if c == "(":
            if self.p.startswith("?:", self.i):
                self.i += 2
            elif self.peek() == "?":
                self.error("unsupported group")
            node = self.alternation()
            if self.take() != ")":
                self.error("expected ')'")
            return node
        if c == "[":
            return ("set", self.char_class())
        if c == ".":
            return ("set", ALL_BYTES - {10, 13})
        if c == "^":
            return ("bol",)
        if c == "$":
            return ("eol",)
        if c == "\\":
            return ("set", self.escape())
        if c in "*+?{":
            self.error("nothing to repeat")
        return ("set", self.literal(c))

    def literal(self, c):
        if ord(c) > 0x7F:
            self.error("non-ASCII literal")
        return frozenset([ord(c)])

    def escape(self):
        c = self.take()
        if c in ESCAPES:
            return ESCAPES[c]
        if c.isalnum():
            self.error(f"unsupported escape \\{c}")
        return self.literal(c)

    def char_class(self):
        negate = self.peek() == "^"
        if negate:
            self.i += 1
        chars = set()
        first = True
        while True:
            c = self.take()
            if c == "]" and not first:
                break
            first = False
            low = self.escape() if c == "\\" else self.literal(c)
            # A '-' between two single characters makes a range; elsewhere it is literal.
            if len(low) == 1 and self.peek() == "-" and self.p[self.i + 1:self.i + 2] not in ("]", ""):
                self.i += 1
                c = self.take()
                high = self.escape() if c == "\\" else self.literal(c)
                (a,), (b,) = low, high
                if len(high) != 1 or a > b:
                    self.error("bad range")
                chars.update(range(a, b + 1))
            else:
                chars.update(low)
        return frozenset(ALL_BYTES - chars if negate else chars)

    def quantified(self, atom):
        c = self.peek()
        if c == "{":
            m = re.compile(r"\{(\d+)(,(\d*))?\}").match(self.p, self.i)
            if not m:
                self.error("bad repetition")
            self.i = m.end()
            lo = int(m.group(1))
            hi = lo if m.group(2) is None else (int(m.group(3)) if m.group(3) else None)
        elif c in ("*", "+", "?"):
            self.i += 1
            lo, hi = {"*": (0, None), "+": (1, None), "?": (0, 1)}[c]
        else:
            return atom
        if self.peek() in ("?", "+"):
            self.error("lazy and possessive repetitions are unsupported")
        if atom[0] in ("bol", "eol"):
            self.error("repeated anchor")
        return ("rep", atom, lo, hi)


def contains_anchor(node):
    if node[0] in ("bol", "eol"):
        return True
    if node[0] in ("cat", "alt"):
        return any(contains_anchor(n) for n in node[1])
    return node[0] == "rep" and contains_anchor(node[1])


def parse_pattern(pattern):
    """The pattern's top-level alternatives, each a ("cat", items) without its edge anchors."""
    tree = RegexParser(pattern).parse()
    alternatives = []
    for alt in tree[1] if tree[0] == "alt" else [tree]:
        items = list(alt[1]) if alt[0] == "cat" else [alt]
        if items and items[0] == ("bol",):
            items = items[1:]
        if items and items[-1] == ("eol",):
            items = items[:-1]
        node = ("cat", items)
        if contains_anchor(node):
            raise PatternError(f"pattern {pattern!r}: anchors are only supported at the edges")
        alternatives.append(node)
    return alternatives


def nullable(node):
    kind = node[0]
    if kind == "set":
        return False
    if kind == "cat":
        return all(nullable(n) for n in node[1])
    if kind == "alt":
        return any(nullable(n) for n in node[1])
    return node[2] == 0 or nullable(node[1])


def flatten(node):
    """[(bytes, lo, hi)] when `node` is a plain sequence of (repeated) byte sets, else None."""
    if node[0] == "set":
        return [(node[1], 1, 1)]
    if node[0] == "cat":
        out = []
        for item in node[1]:
            part = flatten(item)
            if part is None:
                return None
            out += part
        return out
    if node[0] == "rep" and node[1][0] == "set" and (node[2], node[3]) in ((0, 1), (0, None), (1, None)):
        return [(node[1][1], node[2], node[3])]
    return None


def scanner_plan(alternatives):
    """Per alternative, the elements of a scanner chain; None if greedy matching is not exact."""
    plans = []
    for alt in alternatives:
        elements = flatten(alt)
        if elements is None:
            return None
        for i, (chars, lo, hi) in enumerate(elements):
            if lo == hi:
                continue
            follow = set()
            for next_chars, next_lo, _ in elements[i + 1:]:
                follow |= next_chars
                if next_lo >= 1:
                    break
            if chars & follow:
                return None
        plans.append(elements)
    return plans


def build_dfa(alternatives):
    """(byte_class[256], next_state rows, accepting): state 0 rejects, state 1 starts."""
    eps, edges = [], []

    def new_state():
        eps.append([])
        edges.append([])
        return len(eps) - 1

    def thompson(node):
        kind = node[0]
        start, end = new_state(), new_state()
        if kind == "set":
            edges[start].append((node[1], end))
        elif kind == "cat":
            cur = start
            for item in node[1]:
                s, e = thompson(item)
                eps[cur].append(s)
                cur = e
            eps[cur].append(end)
        elif kind == "alt":
            for item in node[1]:
                s, e = thompson(item)
                eps[start].append(s)
                eps[e].append(end)
        else:
            _, inner, lo, hi = node
            cur = start
            for _ in range(lo):
                s, e = thompson(inner)
                eps[cur].append(s)
                cur = e
            if hi is None:
                s, e = thompson(inner)
                eps[cur] += [s, end]
                eps[e] += [s, end]
            else:
                for _ in range(hi - lo):
                    s, e = thompson(inner)
                    eps[cur] += [s, end]
                    cur = e
                eps[cur].append(end)
        return start, end

    start = new_state()
    accept = set()
    for alt in alternatives:
        s, e = thompson(alt)
        eps[start].append(s)
        accept.add(e)

    def closure(states):
        stack, seen = list(states), set(states)
        while stack:
            for n in eps[stack.pop()]:
                if n not in seen:
                    seen.add(n)
                    stack.append(n)
        return frozenset(seen)

    sets = sorted({chars for e in edges for chars, _ in e}, key=sorted)
    signature = [tuple(b in chars for chars in sets) for b in range(256)]
    class_of, representatives = {}, []
    for b in range(256):
        if signature[b] not in class_of:
            class_of[signature[b]] = len(representatives)
            representatives.append(b)
    byte_class = [class_of[signature[b]] for b in range(256)]

    dead, first = frozenset(), closure([start])
    index, order, table = {dead: 0, first: 1}, [dead, first], {}
    pending = [first]
    while pending:
        state = pending.pop()
        row = []
        for b in representatives:
            target = closure([t for n in state for chars, t in edges[n] if b in chars])
            if target not in index:
                index[target] = len(order)
                order.append(target)
                pending.append(target)
            row.append(index[target])
        table[index[state]] = row
    table[0] = [0] * len(representatives)
    accepting = [bool(s & accept) for s in order]

    # Moore minimization, keeping the dead state 0 and the start state 1 in place.
    block = [int(a) for a in accepting]
    while True:
        keys = {}
        refined = [keys.setdefault((block[s], tuple(block[t] for t in table[s])), len(keys))
                   for s in range(len(order))]
        if len(keys) == len(set(block)):
            break
        block = refined
    renumber = {block[0]: 0, block[1]: 1}
    for s in range(len(order)):
        renumber.setdefault(block[s], len(renumber))
    rows = [None] * len(renumber)
    final = [False] * len(renumber)
    for s in range(len(order)):
        rows[renumber[block[s]]] = [renumber[block[t]] for t in table[s]]
        final[renumber[block[s]]] = accepting[s]
    if len(rows) > 255 or len(representatives) > 255:
        raise PatternError("pattern too large for a DFA of 8-bit states")
    return byte_class, rows, final
