// zlib for Swift: deflate (compress2, compressBound) and CRC-32 for the PNG encoder.
#ifndef CSWITCHYARD_ZLIB_SHIM_H
#define CSWITCHYARD_ZLIB_SHIM_H

#include <zlib.h>

#endif
