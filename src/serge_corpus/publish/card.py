"""The human-facing files of a release: README.md (the dataset card), CHANGELOG.md, CITATION.cff.

Nothing here quotes a document's text: for a withheld document the card gives
its id, author, licence and sha256, never its title (a title is often a line
of the text, and the leak check would rightly refuse it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from serge_corpus.model import LABELS, Block
from serge_corpus.publish.rights import DocumentRights

CHANGELOG_TITLE = "# Changelog\n"


def card_text(
    *,
    yaml_header: str,
    meta: Mapping[str, Any],
    version: str,
    documents: Mapping[str, DocumentRights],
    splits: Mapping[str, Sequence[Block]],
    config_rows: Mapping[str, Mapping[str, int]],
    config_licences: Mapping[str, list[str]],
    distributions: Sequence[tuple[str, str]],
    changes: str,
) -> str:
    withheld = [d for d in documents.values() if not d.redistributable]
    shared = [d for d in documents.values() if d.redistributable]
    lines = [
        f"---\n{yaml_header.rstrip()}\n---",
        "",
        f"# {meta['pretty_name']} ({version})",
        "",
        meta["description"],
        "",
        "## Load it",
        "",
        "```python",
        "from datasets import load_dataset",
        "",
        'annotations = load_dataset("path/to/release")          # every document, stand-off (no text)',
    ]
    if "text" in config_rows:
        lines.append('texts = load_dataset("path/to/release", "text")        # documents whose licence allows it')
    lines += [
        "```",
        "",
        "Re-attach the text of a stand-off document you own (its sha256 must match):",
        "",
        "```sh",
        "serge-corpus rehydrate path/to/release --source your-copy.txt -o gold/",
        "```",
        "",
        "`gold/` then holds the exact gold records (`DOC.jsonl` and one file per split).",
        "",
        "## Configurations",
        "",
        "| config | licence | " + " | ".join(splits) + " |",
        "|---|---|" + "---:|" * len(splits),
    ]
    for config, rows in config_rows.items():
        sizes = " | ".join(str(rows.get(name, 0)) for name in splits)
        lines.append(f"| `{config}` | {', '.join(config_licences[config])} | {sizes} |")
    lines += [
        "",
        "`annotations` has, per record: `offset` and `length` in the source (code points), sentence "
        "and token offsets, and `spans` (`start`, `end`, `label` as a ClassLabel over the eleven labels, "
        "and the date object's `date_type`, `date_value` (EDTF), `date_mod`, `date_anchor`, `date_noisy`). "
        "`text` adds `text`, `tokens`, IOB2 `ner_tags` and each span's `text`.",
        "",
        "## Documents",
        "",
        "| document | author | licence | text in this release | source sha256 |",
        "|---|---|---|---|---|",
    ]
    for doc in documents.values():
        included = "yes" if doc.redistributable else "no (stand-off)"
        lines.append(f"| `{doc.doc_id}` | {doc.author} | {doc.licence_id} | {included} | `{doc.sha256}` |")
    if shared:
        lines += ["", "Attribution of the texts included:", ""]
        lines += [
            f"- `{d.doc_id}`: {d.attribution or d.author}"
            + (f" ({d.source})" if d.source else "")
            + f", licence {d.licence_id}"
            for d in shared
        ]
        lines += [
            "",
            "These texts are reproduced unchanged (byte for byte, sha256 above); the annotations are "
            "additions made by this project.",
        ]
    if withheld:
        lines += [
            "",
            "The text of " + ", ".join(f"`{d.doc_id}`" for d in withheld) + " is not in any file of "
            "this release (checked: no 8 consecutive words of it appear in any file, Parquet and DocBin "
            "decoded). Its annotations are released under the annotations' licence, "
            f"{meta['annotations_licence']}.",
        ]
    lines += [
        "",
        "## Labels",
        "",
        "| label | " + " | ".join(splits) + " | all |",
        "|---|" + "---:|" * (len(splits) + 1),
    ]
    counts = {name: Counter(s.label for b in blocks for s in b.spans) for name, blocks in splits.items()}
    for label in LABELS:
        per = [counts[name][label] for name in splits]
        lines.append(f"| {label} | " + " | ".join(map(str, per)) + f" | {sum(per)} |")
    lines += ["", "## Files", "", "| path | what |", "|---|---|"]
    lines += [f"| `{path}` | {what} |" for path, what in distributions]
    lines += [
        "",
        "## Changes since the previous version",
        "",
        changes.rstrip(),
        "",
        "## Licences",
        "",
        f"Annotations: {meta['annotations_licence']}. Texts: per document above. "
        "`LICENSES/` holds a file per licence named here.",
        "",
    ]
    return "\n".join(lines)


def changelog_text(version: str, changes: str, previous: str | None) -> str:
    older = (
        previous[len(CHANGELOG_TITLE) :].lstrip("\n")
        if previous and previous.startswith(CHANGELOG_TITLE)
        else (previous or "")
    )
    entry = f"## {version}\n\n{changes.rstrip()}\n"
    return CHANGELOG_TITLE + "\n" + entry + ("\n" + older if older else "")


def citation_text(meta: Mapping[str, Any], version: str, licence: str) -> str:
    data: dict[str, Any] = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below.",
        "type": "dataset",
        "title": meta["pretty_name"],
        "version": version,
        "authors": [dict(a) for a in meta["authors"]],
        "license": licence,
        "abstract": meta["description"],
        "keywords": list(meta["tags"]),
    }
    if meta.get("url"):
        data["url"] = meta["url"]
    if meta.get("date_released"):
        data["date-released"] = meta["date_released"]
    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))
