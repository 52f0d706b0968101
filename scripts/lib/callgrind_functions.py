#!/usr/bin/env python3
"""The functions of one program that ran, from callgrind output files, one name per line.

usage: callgrind_functions.py PROGRAM CALLGRIND_OUT...

PROGRAM is the path (or its last part) of the object whose functions are wanted, as callgrind
names it (`ob=`). Names are printed as they are in the symbol table (run callgrind with
--demangle=no), each once, in the order the files name them: a function that ran shows up as a
function with costs (`fn=`) or as the callee of a call (`cfn=`).
"""
import re
import sys

NAMED = re.compile(r"(c?ob|c?fn)=\((\d+)\)(?: (.*))?")
RECURRING = re.compile(r"'\d+$")


def functions(program, path):
    objects, names = {}, {}
    current = callee_object = None
    with open(path, errors="replace") as lines:
        for line in lines:
            match = NAMED.match(line)
            if not match:
                continue
            kind, key, name = match.groups()
            if kind in ("ob", "cob"):
                if name:
                    objects[key] = name.strip()
                if kind == "ob":
                    current, callee_object = objects.get(key), None
                else:
                    callee_object = objects.get(key)
                continue
            # A callee's object is named (`cob=`) just before it when it is not the caller's.
            if name:
                names[key] = (name.strip(), callee_object if kind == "cfn" and callee_object else current)
            callee_object = None
            function, owner = names.get(key, (None, None))
            # Code without a symbol shows as its address, and valgrind adds "(below main)"; a
            # name that recurs is told apart by a suffix ('2, '3...), which the symbol lacks.
            if function and owner and owner.endswith(program) and not function.startswith(("0x", "(")):
                yield RECURRING.sub("", function)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip().splitlines()[2])
    seen = set()
    for path in sys.argv[2:]:
        for function in functions(sys.argv[1], path):
            if function not in seen:
                seen.add(function)
                print(function)


if __name__ == "__main__":
    main()
