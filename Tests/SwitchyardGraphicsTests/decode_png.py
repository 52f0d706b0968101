#!/usr/bin/env python3
"""decode_png.py -- an independent PNG decoder for the graphics tests (standard library only).

usage: decode_png.py IMAGE.png PIXELS.raw
  Checks the signature, every chunk's CRC-32, the chunk order (IHDR first, IEND last, IDAT
  together), inflates the IDAT data, undoes the five filters and writes the raw pixels (row by
  row, channels interleaved) to PIXELS.raw. Prints one JSON object: width, height, bit_depth,
  color_type, interlace, chunks (types in order), filters (rows per filter type).
  Exits 1 with a message on stderr for anything a conforming decoder would reject.
"""
import json, struct, sys, zlib

CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # grey, RGB, grey + alpha, RGBA (bit depth 8 only)


def fail(message):
    sys.stderr.write(f"decode_png: {message}\n")
    sys.exit(1)


def chunks(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail("not a PNG signature")
    offset = 8
    while offset < len(data):
        if offset + 12 > len(data):
            fail(f"truncated chunk at byte {offset}")
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if len(body) != length or offset + 12 + length > len(data):
            fail(f"chunk {kind!r} runs past the end of the file")
        (crc,) = struct.unpack(">I", data[offset + 8 + length:offset + 12 + length])
        if zlib.crc32(kind + body) != crc:
            fail(f"bad CRC in chunk {kind!r}")
        yield kind.decode("latin-1"), body
        offset += 12 + length


def unfilter(raw, width, height, bpp):
    stride = width * bpp
    if len(raw) != (stride + 1) * height:
        fail(f"inflated {len(raw)} bytes, expected {(stride + 1) * height}")
    pixels = bytearray(stride * height)
    prior = bytearray(stride)
    counts = {}
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        counts[kind] = counts.get(kind, 0) + 1
        if kind == 0:
            pass
        elif kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            for i in range(stride):
                line[i] = (line[i] + prior[i]) & 0xFF
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prior[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prior[i]
                c = prior[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + predictor) & 0xFF
        else:
            fail(f"row {y} has filter type {kind}")
        pixels[y * stride:(y + 1) * stride] = line
        prior = line
    return bytes(pixels), counts


def main():
    if len(sys.argv) != 3:
        fail("usage: decode_png.py IMAGE.png PIXELS.raw")
    data = open(sys.argv[1], "rb").read()
    found = list(chunks(data))
    kinds = [kind for kind, _ in found]
    if not kinds or kinds[0] != "IHDR" or kinds[-1] != "IEND" or kinds.count("IEND") != 1:
        fail(f"chunk order {kinds}")
    idat = [i for i, kind in enumerate(kinds) if kind == "IDAT"]
    if not idat or idat != list(range(idat[0], idat[-1] + 1)):
        fail(f"IDAT chunks missing or not consecutive: {kinds}")
    header = found[0][1]
    if len(header) != 13:
        fail("IHDR is not 13 bytes")
    width, height, depth, color, compression, filtering, interlace = struct.unpack(">IIBBBBB", header)
    if width == 0 or height == 0 or depth != 8 or color not in CHANNELS or compression != 0 or filtering != 0 or interlace != 0:
        fail(f"unsupported header {width}x{height} depth {depth} colour {color} interlace {interlace}")
    raw = zlib.decompress(b"".join(body for kind, body in found if kind == "IDAT"))
    pixels, counts = unfilter(raw, width, height, CHANNELS[color])
    open(sys.argv[2], "wb").write(pixels)
    print(json.dumps({
        "width": width, "height": height, "bit_depth": depth, "color_type": color, "interlace": interlace,
        "chunks": kinds, "filters": {str(k): v for k, v in sorted(counts.items())},
    }))


main()
