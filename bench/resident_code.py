#!/usr/bin/env python3
"""Which code of a running process is resident, counted in the kernel's fault-around blocks.

For each executable file mapping of PID (the binary, libswiftCore, Foundation, ...), reads
/proc/PID/pagemap (root only) and prints the resident pages of its text and the 64 KiB aligned
blocks it touches: how many of those blocks hold at least one resident page, and how many are
resident whole. A read fault on a file that is in the page cache maps the whole aligned block
around the faulting page (the kernel's fault-around, 64 KiB by default), so when nearly every
touched block is resident whole, the resident text is the touched blocks times 64 KiB, not the
code that ran.

usage: resident_code.py PID [--top 12]
"""
import argparse
import struct

PAGE = 4096
BLOCK_PAGES = 16  # the kernel's fault_around_bytes (64 KiB) in pages


def executable_mappings(pid):
    with open(f"/proc/{pid}/maps") as maps:
        for line in maps:
            fields = line.split()
            if len(fields) >= 6 and "x" in fields[1] and fields[5].startswith("/"):
                low, high = (int(part, 16) for part in fields[0].split("-"))
                yield fields[5].rsplit("/", 1)[-1], low, high


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pid", type=int)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args()
    resident, touched, whole = {}, {}, {}
    with open(f"/proc/{args.pid}/pagemap", "rb") as pagemap:
        for name, low, high in executable_mappings(args.pid):
            first, count = low // PAGE, (high - low) // PAGE
            pagemap.seek(first * 8)
            entries = pagemap.read(count * 8)
            present = [struct.unpack_from("<Q", entries, 8 * i)[0] >> 63 for i in range(count)]
            resident[name] = resident.get(name, 0) + sum(present)
            for block in range(first - first % BLOCK_PAGES, first + count, BLOCK_PAGES):
                pages = [present[page - first] for page in range(block, block + BLOCK_PAGES) if first <= page < first + count]
                if any(pages):
                    touched[name] = touched.get(name, 0) + 1
                    whole[name] = whole.get(name, 0) + all(pages)
    print(f"{'mapping':40} {'text resident (MiB)':>20} {'64 KiB blocks touched':>22} {'resident whole':>15}")
    for name in sorted(resident, key=resident.get, reverse=True)[: args.top]:
        print(f"{name:40} {resident[name] * PAGE / 2**20:20.1f} {touched.get(name, 0):22} {whole.get(name, 0):15}")
    total = sum(resident.values())
    print(f"{'all executable mappings':40} {total * PAGE / 2**20:20.1f} {sum(touched.values()):22} {sum(whole.values()):15}")


if __name__ == "__main__":
    main()
