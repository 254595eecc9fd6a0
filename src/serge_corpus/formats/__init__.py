"""Import and export formats with lossless round trips.

`export_blocks(blocks, "prodigy", "out.jsonl")` writes records in a format;
`import_blocks("out.jsonl", "prodigy")` reads them back as validated blocks,
equal to the originals (`Block.to_dict()`). What a format cannot hold natively
travels in its own metadata slot (see `envelope`). Formats: prodigy, doccano,
labelstudio, brat, conll, docbin, hf.
"""

from serge_corpus.formats.convert import (
    Summary,
    export_blocks,
    export_file,
    import_blocks,
    import_file,
    import_report,
)
from serge_corpus.formats.registry import FORMATS, FormatSpec, get_format

__all__ = [
    "FORMATS",
    "FormatSpec",
    "Summary",
    "export_blocks",
    "export_file",
    "get_format",
    "import_blocks",
    "import_file",
    "import_report",
]
