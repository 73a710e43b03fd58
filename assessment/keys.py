"""Random primary keys for responses and their parts (domain.md §6: keys reveal no insertion
order). 63 random bits: positive in a signed 64-bit column, and a collision among ten million
rows has a probability of about one in two hundred thousand."""

import os
import secrets
import sys

KEY_BITS = 63
_MASK = (1 << KEY_BITS) - 1


def random_key() -> int:
    """The default of every random primary key (never 0)."""
    return secrets.randbelow(_MASK) + 1


def random_keys(count: int) -> list[int]:
    """`count` distinct random keys at once, for the COPY path (one system call, not millions)."""
    keys: list[int] = []
    seen: set[int] = set()
    while len(keys) < count:
        missing = count - len(keys)
        raw = os.urandom(8 * missing)
        for offset in range(0, len(raw), 8):
            key = int.from_bytes(raw[offset : offset + 8], sys.byteorder) & _MASK
            if key and key not in seen:
                seen.add(key)
                keys.append(key)
    return keys
