#!/usr/bin/env python3
"""bench/jsonpath_document.py OUT -- the JSONPath benchmark's document: about 10 KB of JSON.

A bookstore in the shape of RFC 9535's example (store.book[], store.bicycle), with enough books,
customers and orders to make 10 KB of compact JSON. Deterministic: its own linear congruential
generator, so every Python and every machine writes the same bytes.
"""
import json
import sys

TARGET_BYTES = 10 * 1024


class Generator:
    """Numerical Recipes' 32-bit LCG: the same sequence everywhere."""

    def __init__(self, seed):
        self.state = seed

    def next(self, bound):
        self.state = (self.state * 1664525 + 1013904223) % 2**32
        return (self.state >> 8) % bound

    def pick(self, items):
        return items[self.next(len(items))]


FIRST = ["Nigel", "Evelyn", "Herman", "J. R. R.", "Ursula", "Italo", "Toni", "Jorge Luis", "Chinua", "Wisława"]
LAST = ["Rees", "Waugh", "Melville", "Tolkien", "Le Guin", "Calvino", "Morrison", "Borges", "Achebe", "Szymborska"]
WORDS = ["Sayings", "Century", "Sword", "Honour", "Moby", "Dick", "Lord", "Rings", "Invisible", "Cities",
         "Beloved", "Labyrinths", "Things", "Fall", "Apart", "Dispossessed", "Dark", "River", "Winter", "Night"]
CATEGORIES = ["reference", "fiction", "poetry", "history", "science"]


def book(g, number):
    entry = {
        "category": g.pick(CATEGORIES),
        "author": f"{g.pick(FIRST)} {g.pick(LAST)}",
        "title": " ".join(g.pick(WORDS) for _ in range(1 + g.next(3))),
        "price": round(3 + g.next(2500) / 100, 2),
        "stock": g.next(40),
        "tags": [g.pick(WORDS).lower() for _ in range(g.next(3))],
    }
    if number % 2 == 0:
        entry["isbn"] = f"0-{g.next(1000):03d}-{g.next(100000):05d}-{g.next(10)}"
    return entry


def document():
    g = Generator(9535)
    store = {"book": [], "bicycle": {"color": "red", "price": 399, "gears": [3, 7]}}
    doc = {"store": store, "customers": [], "version": 1}
    number = 0
    while len(json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()) < TARGET_BYTES:
        if number % 3 == 2:
            doc["customers"].append({
                "id": f"c{number}",
                "name": f"{g.pick(FIRST)} {g.pick(LAST)}",
                "orders": [{"book": g.next(max(1, len(store["book"]))), "quantity": 1 + g.next(3)}
                           for _ in range(g.next(3))],
            })
        else:
            store["book"].append(book(g, number))
        number += 1
    return doc


if __name__ == "__main__":
    text = json.dumps(document(), separators=(",", ":"), ensure_ascii=False)
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        out.write(text)
    print(f"{sys.argv[1]}: {len(text.encode())} bytes", file=sys.stderr)
