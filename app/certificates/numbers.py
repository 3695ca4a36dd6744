"""Certificate numbers: random, never sequential, read aloud and typed by hand.

`KA-7K3M-Q9TX-C`: eight random characters and a check character, from the 31 letters and digits
that cannot be mistaken for one another (no 0/O, 1/I/L). 31 is prime, which is what makes the
check work: with weights 1…9 on the positions, the weighted sum mod 31 changes when any one
character is wrong and when any two characters are swapped, so a typo is caught before any
lookup. (A 32-letter alphabet would need one of the look-alikes back.)"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PREFIX = "KA"
BODY_LENGTH = 8
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_MODULUS = len(ALPHABET)  # 31, prime


def _check(body: str) -> str:
    # Choose c so that sum(weight * value) over body and check is 0 mod 31.
    total = sum((i + 1) * _VALUE[c] for i, c in enumerate(body))
    weight = len(body) + 1
    return ALPHABET[(-total * pow(weight, -1, _MODULUS)) % _MODULUS]


def new_number() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return f"{PREFIX}-{body[:4]}-{body[4:]}-{_check(body)}"


def normalise(typed: str) -> str | None:
    """The number in its printed form, from what someone typed (any case, with or without
    dashes or spaces, "KA" optional); None when it cannot be one or its check fails."""
    if not isinstance(typed, str) or len(typed) > 40:
        return None
    compact = "".join(c for c in typed.upper() if c.isalnum())
    if compact.startswith(PREFIX) and len(compact) == len(PREFIX) + BODY_LENGTH + 1:
        compact = compact[len(PREFIX) :]
    if len(compact) != BODY_LENGTH + 1 or any(c not in _VALUE for c in compact):
        return None
    body, check = compact[:BODY_LENGTH], compact[BODY_LENGTH]
    if _check(body) != check:
        return None
    return f"{PREFIX}-{body[:4]}-{body[4:]}-{check}"
