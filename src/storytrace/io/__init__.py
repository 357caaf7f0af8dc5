"""Reading inputs: text, HTML, JSONL, CSV and WARC files into Documents (or Rejects).

Main entry point: :func:`read_inputs`. See its help for formats, metadata and reject codes.
"""

from storytrace.io.decode import DecodeError, binary_reason, decode
from storytrace.io.discover import InputFile, expand, kind_of
from storytrace.io.meta import MetaIndex, load_meta_file
from storytrace.io.reader import read_inputs

REJECT_REASONS = (
    "unreadable",
    "unsupported",
    "not-a-file",
    "too-large",
    "empty",
    "binary",
    "decode-error",
    "malformed-json",
    "malformed-csv",
    "malformed-warc",
    "missing-text",
)
"""Reject reason codes :func:`read_inputs` can yield."""

__all__ = [
    "REJECT_REASONS",
    "DecodeError",
    "InputFile",
    "MetaIndex",
    "binary_reason",
    "decode",
    "expand",
    "kind_of",
    "load_meta_file",
    "read_inputs",
]
