"""Reads a DER ECDSA-Sig-Value (P-384) on stdin; writes r||s, 48 bytes each, on stdout."""
import sys

der = sys.stdin.buffer.read()
assert der[0] == 0x30 and der[1] == len(der) - 2, "expected a short-form DER SEQUENCE"
pos, out = 2, b""
for _ in range(2):
    assert der[pos] == 0x02, "expected an INTEGER"
    size = der[pos + 1]
    value = int.from_bytes(der[pos + 2 : pos + 2 + size], "big")
    out += value.to_bytes(48, "big")
    pos += 2 + size
assert pos == len(der)
sys.stdout.buffer.write(out)
