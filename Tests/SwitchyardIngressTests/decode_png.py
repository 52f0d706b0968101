#!/usr/bin/env python3
"""Decodes a PNG from stdin with the standard library only (zlib, struct), independently of the
code under test, and prints {"width", "height", "color_type", "bit_depth", "top_left": [r, g, b], "bottom_left": [r, g, b]}
as JSON. Exits 1 with a message on anything that isn't a valid PNG (bad signature, chunk CRC,
filter byte, truncated data)."""
import json, struct, sys, zlib

def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)

data = sys.stdin.buffer.read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    fail("not a PNG signature")
offset, chunks = 8, []
while offset < len(data):
    length, kind = struct.unpack(">I4s", data[offset:offset + 8])
    body = data[offset + 8:offset + 8 + length]
    crc, = struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])
    if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
        fail(f"bad CRC in chunk {kind!r}")
    chunks.append((kind, body))
    offset += 12 + length
    if kind == b"IEND":
        break
if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
    fail("IHDR must come first and IEND last")
width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
if depth != 8 or color not in (2, 6) or interlace != 0:
    fail(f"unsupported: depth {depth}, colour type {color}, interlace {interlace}")
channels = 3 if color == 2 else 4
raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
stride = width * channels
if len(raw) != height * (stride + 1):
    fail(f"inflated {len(raw)} bytes, expected {height * (stride + 1)}")
previous = bytearray(stride)
rows = []
for y in range(height):
    kind = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for x in range(stride):
        left = line[x - channels] if x >= channels else 0
        up = previous[x]
        upper_left = previous[x - channels] if x >= channels else 0
        if kind == 0:
            pass
        elif kind == 1:
            line[x] = (line[x] + left) & 0xFF
        elif kind == 2:
            line[x] = (line[x] + up) & 0xFF
        elif kind == 3:
            line[x] = (line[x] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - upper_left
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - upper_left)
            line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else upper_left)) & 0xFF
        else:
            fail(f"bad filter type {kind} in row {y}")
    rows.append(line)
    previous = line
print(json.dumps({"width": width, "height": height, "color_type": color, "bit_depth": depth,
                  "top_left": list(rows[0][:3]), "bottom_left": list(rows[-1][:3])}))
