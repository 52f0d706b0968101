// FreeType 2 for Swift: the public API (reached through ft2build.h, as FreeType requires), the
// load flags Swift cannot import (macros built from other macros), the kerning test (a macro)
// and error texts (FreeType's own table, generated from fterrors.h as that header documents).
#ifndef CSWITCHYARD_FREETYPE_SHIM_H
#define CSWITCHYARD_FREETYPE_SHIM_H

#include <ft2build.h>
#include FT_FREETYPE_H

/// Load a glyph's outline and metrics, hinted, without rendering it.
static const FT_Int32 SY_FT_LOAD_DEFAULT = FT_LOAD_DEFAULT;
/// Load a glyph and render it into an 8-bit anti-aliased coverage bitmap.
static const FT_Int32 SY_FT_LOAD_RENDER = FT_LOAD_RENDER;

/// Whether the face has kerning data that FT_Get_Kerning reads (a 'kern' table).
static inline int sy_ft_has_kerning(FT_Face face) {
    return FT_HAS_KERNING(face) ? 1 : 0;
}

/// FreeType's description of an error code ("cannot open resource", ...). The library itself
/// is built without error strings (FT_Error_String returns NULL), so the table is compiled in
/// here from fterrors.h.
static inline const char *sy_ft_error_text(FT_Error error) {
#undef FTERRORS_H_
#define FT_ERROR_START_LIST switch (error) {
#define FT_ERRORDEF(e, v, s) case v: return s;
#define FT_ERROR_END_LIST }
#include FT_ERRORS_H
    return "unknown FreeType error";
}

#endif
