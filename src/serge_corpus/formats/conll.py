"""CoNLL / IOB2: `token<TAB>TAG` per line, a blank line after each sentence.

A record starts with `# key = value` comment lines carrying its header:
`# id = serge-afterword:0012`, `# doc_id`, `# block`, `# section`, `# offset`,
`# text`, then `# sentences`, `# meta`, `# extra`, `# spans` (date objects and
unknown span fields), `# version`. A value is written as is when it reads back
unchanged; otherwise (line breaks, numbers-as-strings, objects) as JSON.
`# token_offsets` appears only when the tokens cannot be found again in the
text left to right (it never does for the project tokenizer).

Export writes strict IOB2 (`B-PERSON`, `I-PERSON`, `O`); a span that does not
start and end on token boundaries is an error (E165), never snapped. Import
also reads IOB1 and BIOES/BILOU tags (`offsets.tags_to_ranges`) and CRLF line
endings (CoNLL has no character offsets).

Foreign CoNLL files (no `# version`/`# id` header; CoNLL-2003 columns separated by
spaces, last column the tag; `-DOCSTART-` lines) are read one record per
sentence, each knowing its `-DOCSTART-` document (`RawRecord.group`), and placed
in the document given with `--source`, or made their own document.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from serge_corpus.errors import Problem
from serge_corpus.formats.assemble import RawRecord, RawSpan, read_text_file
from serge_corpus.formats.envelope import Where, convert_all, export_tokens, make_header, parse_header
from serge_corpus.formats.offsets import TagError, span_token_ranges, spans_to_iob2, tags_to_ranges
from serge_corpus.formats.output import write_text_atomic
from serge_corpus.model import Block, Sentence, Token

_FIRST_KEYS = ("id", "doc_id", "block", "section", "offset", "text")


def encode_value(value: Any) -> str:
    """A comment value: the plain string when it reads back as itself, else JSON."""
    # A tab would make the comment look like a token line; JSON escapes it.
    plain = isinstance(value, str) and value and not any(c in value for c in "\n\t")
    if plain and value == value.strip() and not _is_json(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def decode_value(raw: str) -> Any:
    return json.loads(raw) if _is_json(raw) else raw


def _is_json(raw: str) -> bool:
    try:
        json.loads(raw)
    except ValueError:
        return False
    return True


def find_offsets(text: str, words: Sequence[str], start: int = 0) -> list[tuple[int, int]] | None:
    """Each word found left to right in `text`; None when one is missing."""
    out: list[tuple[int, int]] = []
    at = start
    for word in words:
        found = text.find(word, at)
        if found < 0:
            return None
        out.append((found, found + len(word)))
        at = found + len(word)
    return out


# ---------------------------------------------------------------- export


def export(blocks: Sequence[Block], out: Path) -> None:
    write_text_atomic(out, "".join(convert_all(blocks, block_lines)))


def block_lines(block: Block) -> tuple[str, list[Problem]]:
    tokens, added = export_tokens(block)
    problems = [
        Problem("E172", f"token {i} {t.text!r}", record_id=block.id, field=f"tokens[{i}]")
        for i, t in enumerate(tokens)
        if any(c in t.text for c in "\t\n\r")
    ]
    aligned, off_tokens = span_token_ranges(block, tokens)
    problems += off_tokens
    if problems:
        return "", problems
    header = make_header(block, with_text=True, tokens_added=added)
    if find_offsets(block.text, [t.text for t in tokens]) != [(t.start, t.end) for t in tokens]:
        header["token_offsets"] = [[t.start, t.end] for t in tokens]
    ordered = [k for k in _FIRST_KEYS if k in header] + [k for k in header if k not in _FIRST_KEYS]
    lines = [f"# {key} = {encode_value(header[key])}" for key in ordered]
    tags = spans_to_iob2(len(tokens), [(first, last, span.label) for span, first, last in aligned])
    for group in sentence_groups(tokens, block.sentences):
        lines += [f"{tokens[i].text}\t{tags[i]}" for i in group]
        lines.append("")
    if not tokens:
        lines.append("")
    return "\n".join(lines) + "\n", []


def sentence_groups(tokens: Sequence[Token], sentences: Sequence[Sentence]) -> list[list[int]]:
    """Token indices per sentence; a token between sentences joins the one before."""
    if not sentences:
        return [list(range(len(tokens)))] if tokens else []
    groups: list[list[int]] = [[] for _ in sentences]
    s = 0
    for i, token in enumerate(tokens):
        while s + 1 < len(sentences) and token.start >= sentences[s + 1].start:
            s += 1
        groups[s].append(i)
    return [g for g in groups if g]


# ---------------------------------------------------------------- import


@dataclass
class _Chunk:
    line: int
    comments: dict[str, str] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    tag_lines: list[int] = field(default_factory=list)
    group: str | None = None  # the -DOCSTART- document it belongs to

    @property
    def ours(self) -> bool:
        return "version" in self.comments and "id" in self.comments


def read(path: Path) -> list[RawRecord]:
    # CoNLL has no character offsets, so CRLF line endings (Windows files) change nothing: read them as LF.
    content = read_text_file(path, allow_crlf=True).replace("\r\n", "\n")
    return convert_all(split_chunks(content), lambda chunk: chunk_to_raw(chunk, str(path)))


def split_chunks(content: str) -> list[_Chunk]:
    """Records: a header record runs to the next header; a foreign one to a blank line."""
    chunks: list[_Chunk] = []
    current = _Chunk(1)
    documents = 0

    def flush(next_line: int) -> _Chunk:
        if current.words or current.comments:
            chunks.append(current)
        return _Chunk(next_line, group=f"document {documents}" if documents else None)

    for number, line in enumerate(content.split("\n"), start=1):
        if line.startswith("# ") and "\t" not in line and " = " in line:
            key, value = line[2:].split(" = ", 1)
            if current.words or key in current.comments:
                current = flush(number)
            if not current.comments and not current.words:
                current.line = number
            current.comments[key] = value
        elif line.startswith("-DOCSTART-") or not line.strip():
            if current.words and not current.ours:
                current = flush(number + 1)
            if line.startswith("-DOCSTART-"):
                documents += 1
                current.group = f"document {documents}"
        else:
            columns = line.split("\t") if "\t" in line else line.split()
            if not current.words and not current.comments:
                current.line = number
            current.words.append(columns[0])
            current.tags.append(columns[-1] if len(columns) > 1 else "")
            current.tag_lines.append(number)
    flush(0)
    return chunks


def chunk_to_raw(chunk: _Chunk, file: str) -> tuple[RawRecord | None, list[Problem]]:
    where = Where(file, chunk.line, chunk.comments.get("id"))
    try:
        ranges = tags_to_ranges(chunk.tags)
    except TagError as err:
        line = chunk.tag_lines[err.index]
        return None, [Problem("E167", str(err), file, line, where.record_id, "tag")]
    if not chunk.ours:
        return _foreign(chunk, where, ranges)
    try:
        values = {key: decode_value(raw) for key, raw in chunk.comments.items()}
    except ValueError as err:  # pragma: no cover - decode_value only parses valid JSON
        return None, [where.problem("E170", str(err))]
    header = parse_header(values, where)
    if isinstance(header, list):
        return None, header
    if header.text is None:
        return None, [where.problem("E170", "missing", "# text")]
    offsets = values.get("token_offsets")
    if offsets is not None:
        positions = [tuple(p) for p in offsets] if _pairs_ok(offsets, len(chunk.words)) else None
    else:
        positions = find_offsets(header.text, chunk.words)
    if positions is None:
        return None, [where.problem("E171", "tokens do not match # text (or # token_offsets)", "tokens")]
    spans = tuple(
        RawSpan(positions[a][0], positions[b][1], label, field=f"line {chunk.tag_lines[a]}") for a, b, label in ranges
    )
    return RawRecord(where, header.text, spans, tuple(positions), header), []  # type: ignore[arg-type]


def _pairs_ok(value: Any, n: int) -> bool:
    return (
        isinstance(value, list)
        and len(value) == n
        and all(isinstance(p, list) and len(p) == 2 and all(isinstance(v, int) for v in p) for p in value)
    )


def _foreign(chunk: _Chunk, where: Where, ranges: list[tuple[int, int, str]]) -> tuple[RawRecord | None, list[Problem]]:
    text = chunk.comments.get("text")
    if text is not None:
        positions = find_offsets(text, chunk.words)
        if positions is None:
            return None, [where.problem("E171", "tokens do not match the # text comment", "tokens")]
        spans = tuple(
            RawSpan(positions[a][0], positions[b][1], label, field=f"line {chunk.tag_lines[a]}")
            for a, b, label in ranges
        )
        return RawRecord(where, text, spans, tuple(positions)), []
    return RawRecord(where, None, token_texts=tuple(chunk.words), token_ranges=tuple(ranges), group=chunk.group), []
