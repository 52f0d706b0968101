#!/usr/bin/env python3
"""alloc_sites.py -- per-message heap allocations by call site, from two `perf script` dumps.

  alloc_sites.py SMALL.txt N_SMALL LARGE.txt N_LARGE [--top 20] [--depth 6]

Each dump is `perf script -F comm,tid,event,ip,sym,dso` of a `perf record --call-graph dwarf`
on the libc allocation uprobes (bench/allocs.sh makes them). Only samples of the bench
process itself count (not `timeout`). A call site is the first --depth frames above the
allocator (libc, Swift runtime allocation entry points); per-message count =
(count(LARGE) - count(SMALL)) / (N_LARGE - N_SMALL). Names are demangled with swift-demangle.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess

ALLOCATOR = re.compile(
    r"^(__GI___libc_(malloc|calloc|realloc|memalign)|__libc_(calloc|malloc)|__posix_memalign|malloc|calloc|realloc|"
    r"posix_memalign|aligned_alloc|swift_slowAlloc|swift_allocObject|_swift_allocObject_|swift_allocBox|"
    r"swift_task_alloc|swift::StackAllocator.*|swift_.*Alloc.*)$"
)


def parse(path: str) -> collections.Counter:
    sites: collections.Counter = collections.Counter()
    with open(path, errors="replace") as f:
        block: list[str] = []
        for line in list(f) + [""]:
            if line.strip():
                block.append(line.rstrip("\n"))
                continue
            if block:
                head, frames = block[0], block[1:]
                block = []
                if not head.startswith("SwitchyardBench") and not head.startswith("amqp"):
                    # thread names: SwitchyardBench (main + pool threads), "amqp 127.0.0.1:5680"
                    if head.split()[0] in ("timeout",):
                        continue
                event = head.rsplit(" ", 2)[-2].rstrip(":") if ":" in head else "?"
                syms = []
                for fr in frames:
                    parts = fr.strip().split(" ", 1)
                    if len(parts) < 2:
                        continue
                    sym = parts[1]
                    sym = re.sub(r"\s+\([^)]*\)$", "", sym)  # drop (dso)
                    sym = re.sub(r"\+0x[0-9a-f]+$", "", sym)
                    sym = sym.replace(" (inlined)", "")
                    syms.append(sym)
                while syms and ALLOCATOR.match(syms[0]):
                    syms.pop(0)
                sites[(event.split(":")[-1], tuple(syms))] += 1
    return sites


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("small")
    ap.add_argument("n_small", type=int)
    ap.add_argument("large")
    ap.add_argument("n_large", type=int)
    ap.add_argument("--top", type=int, default=20)
    ap.add_argument("--depth", type=int, default=6)
    args = ap.parse_args()
    a, b = parse(args.small), parse(args.large)
    dn = args.n_large - args.n_small

    def key(site, depth):
        event, syms = site
        return (event, syms[:depth])

    agg_a, agg_b = collections.Counter(), collections.Counter()
    for s, c in a.items():
        agg_a[key(s, args.depth)] += c
    for s, c in b.items():
        agg_b[key(s, args.depth)] += c
    total = (sum(b.values()) - sum(a.values())) / dn
    print(f"allocation calls: {sum(a.values())} (N={args.n_small}), {sum(b.values())} (N={args.n_large}) "
          f"-> {total:.2f} per message")
    rows = sorted(((agg_b[k] - agg_a.get(k, 0)) / dn, k) for k in set(agg_a) | set(agg_b))
    rows.reverse()
    names = sorted({s for _, (_, syms) in rows[: args.top] for s in syms})
    demangled = dict(zip(names, names))
    tool = shutil.which("swift-demangle") or "/opt/swift/usr/bin/swift-demangle"
    try:
        out = subprocess.run([tool, "--simplified"], input="\n".join(names), capture_output=True, text=True,
                             timeout=60).stdout.splitlines()
        if len(out) == len(names):
            demangled = dict(zip(names, out))
    except OSError:
        pass
    for per_msg, (event, syms) in rows[: args.top]:
        if abs(per_msg) < 0.02:
            continue
        chain = "  <-  ".join(demangled.get(s, s)[:110] for s in syms) or "?"
        print(f"{per_msg:6.2f}  {event:15s} {chain}")


if __name__ == "__main__":
    main()
