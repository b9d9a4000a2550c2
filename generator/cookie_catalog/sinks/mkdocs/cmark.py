"""Markdown to HTML by cmark-gfm with its table extension, freeing what it allocates.

cmarkgfm's own wrappers (``markdown_to_html_with_extensions`` and the others, 2025.10.22) free the parser
but neither the document's nodes nor the HTML string: about 2 KB a table row, never returned. Under
``mkdocs serve`` that was 16 MB more memory at every rebuild of the Open Cookie Database's site. The
functions to free them (``cmark_node_free``, the default allocator's ``free``) are exported by the library
cmarkgfm ships, but not wrapped by its cffi module: they are reached here through ctypes, on the same
library; parsing and rendering go through cmarkgfm's own bindings as before.
"""

from __future__ import annotations

import ctypes

from cmarkgfm import _cmark
from cmarkgfm.cmark import Options

_LIB, _FFI = _cmark.lib, _cmark.ffi
OPTIONS = Options.CMARK_OPT_UNSAFE  # our templates' HTML (anchors, <small>, <br>) is kept


class _Allocator(ctypes.Structure):
    """cmark's ``cmark_mem``: the functions every node and buffer of a document is allocated with."""

    _fields_ = [
        ("calloc", ctypes.c_void_p),
        ("realloc", ctypes.c_void_p),
        ("free", ctypes.CFUNCTYPE(None, ctypes.c_void_p)),
    ]


_NATIVE = ctypes.CDLL(_cmark.__file__)
_NATIVE.cmark_node_free.argtypes = [ctypes.c_void_p]
_NATIVE.cmark_node_free.restype = None
_NATIVE.cmark_get_default_mem_allocator.restype = ctypes.POINTER(_Allocator)
_FREE = _NATIVE.cmark_get_default_mem_allocator().contents.free  # the parser's: cmark_parser_new uses it

_LIB.cmark_gfm_core_extensions_ensure_registered()
_TABLE = _LIB.cmark_find_syntax_extension(b"table")


def _address(pointer: object) -> int:
    return int(_FFI.cast("uintptr_t", pointer))


def gfm_tables_html(markdown: str) -> str:
    """``markdown`` as HTML, GitHub's tables read, raw HTML kept: cmarkgfm's
    ``markdown_to_html_with_extensions(markdown, CMARK_OPT_UNSAFE, ["table"])``, with its memory freed."""
    data = markdown.encode("utf-8")
    parser = _LIB.cmark_parser_new(OPTIONS)
    try:
        _LIB.cmark_parser_attach_syntax_extension(parser, _TABLE)
        _LIB.cmark_parser_feed(parser, data, len(data))
        root = _LIB.cmark_parser_finish(parser)
        try:
            raw = _LIB.cmark_render_html(root, OPTIONS, _LIB.cmark_parser_get_syntax_extensions(parser))
            try:
                return _FFI.string(raw).decode("utf-8")
            finally:
                _FREE(_address(raw))
        finally:
            _NATIVE.cmark_node_free(_address(root))
    finally:
        _LIB.cmark_parser_free(parser)
