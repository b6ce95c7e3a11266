"""Provinces, cities and counties (GB/T 2260 codes) from the table shipped in data/divisions.csv.

Six-digit codes: a province is `PP0000`, a city `PPCC00`, a county `PPCCDD`. Municipalities and
counties directly under a province have no city row: their parent is the province. Loaded once.
"""

import csv
from functools import cache
from pathlib import Path

PATH = Path(__file__).parent / "data" / "divisions.csv"


@cache
def names():
    with PATH.open(encoding="utf-8") as f:
        return {row["code"]: row["name"] for row in csv.DictReader(f)}


def parent(code):
    table = names()
    if code.endswith("0000"):
        return None
    if code.endswith("00"):
        return code[:2] + "0000"
    city = code[:4] + "00"
    return city if city in table else code[:2] + "0000"


@cache
def children():
    tree = {}
    for code in names():
        tree.setdefault(parent(code), []).append(code)
    return tree


def provinces():
    return [(c, names()[c]) for c in children()[None]]


def below(code):
    """[(code, name)] directly under `code` (cities of a province; counties of a city)."""
    return [(c, names()[c]) for c in children().get(code, [])]


def is_county(code):
    """A code a trip can start from: a county-level division (or a city without counties)."""
    return code in names() and not code.endswith("0000") and not children().get(code)


def full_name(code):
    """'山东省枣庄市滕州市' for 370481."""
    parts, current = [], code
    while current:
        parts.append(names()[current])
        current = parent(current)
    return "".join(reversed(parts))
