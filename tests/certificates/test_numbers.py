"""Certificate numbers: random, unique over 10,000, never sequential, and a typo — one wrong
character or two swapped — is caught by the check character."""

from __future__ import annotations

import re

from app.certificates.numbers import ALPHABET, new_number, normalise

SHAPE = re.compile(r"^KA-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]$")


def test_ten_thousand_numbers_are_unique_well_formed_and_not_sequential():
    numbers = [new_number() for _ in range(10_000)]
    assert len(set(numbers)) == 10_000
    assert all(SHAPE.match(n) and normalise(n) == n for n in numbers)
    assert not set("0O1IL") & set("".join(n[3:] for n in numbers))
    # Not sequential: consecutive numbers share no long common prefix, and sorting them does
    # not give back the order they were issued in.
    bodies = [n[3:12] for n in numbers]
    assert sum(a[:4] == b[:4] for a, b in zip(bodies, bodies[1:], strict=False)) < 5
    assert sorted(numbers) != numbers


def test_typing_is_forgiving_about_case_dashes_spaces_and_the_prefix():
    number = new_number()
    body = number.replace("-", "")
    for typed in (number.lower(), body, body[2:], " ".join(number.split("-")), f" {number} "):
        assert normalise(typed) == number


def test_every_single_wrong_character_is_caught():
    for _ in range(200):
        number = new_number()
        compact = number.replace("-", "")[2:]
        for position in range(len(compact)):
            for wrong in ALPHABET:
                if wrong != compact[position]:
                    typo = compact[:position] + wrong + compact[position + 1 :]
                    assert normalise(typo) is None, (number, typo)


def test_every_swap_of_two_different_characters_is_caught():
    for _ in range(500):
        compact = new_number().replace("-", "")[2:]
        for i in range(len(compact)):
            for j in range(i + 1, len(compact)):
                if compact[i] != compact[j]:
                    swapped = list(compact)
                    swapped[i], swapped[j] = swapped[j], swapped[i]
                    assert normalise("".join(swapped)) is None


def test_nonsense_is_no_number():
    for typed in (
        "",
        "KA",
        "KA-0000-0000-0",
        "x" * 200,
        "KA-7K3M-Q9TX",
        "KA-7K3M-Q9TX-CC",
        None,
        42,
    ):
        assert normalise(typed) is None
