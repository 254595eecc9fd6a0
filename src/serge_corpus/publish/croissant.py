"""Croissant (MLCommons) metadata for the Parquet files of a release: `croissant.json`.

One FileObject per Parquet file (with its sha256) and one RecordSet per
config and split, whose fields are the Parquet columns. Written as Croissant
1.0 JSON-LD, validated in the tests with the `mlcroissant` package.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from serge_corpus.publish.hub import ANNOTATIONS, DATE_FIELDS, TEXT, ParquetSplit

CONFORMS_TO = "http://mlcommons.org/croissant/1.0"
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}
_SCALARS: dict[str, tuple[str, str]] = {
    "id": ("sc:Text", "Record id: DOC:NNNN."),
    "doc_id": ("sc:Text", "Document id (see the card's document table)."),
    "block": ("sc:Text", "Block kind: title, caption, kicker, headline, body, author_note, reference, boilerplate."),
    "section": ("sc:Integer", "Section number of a body block, else null."),
    "offset": ("sc:Integer", "Start of the block in the source text, in code points."),
    "length": ("sc:Integer", "Length of the block in code points: its text is source[offset:offset+length]."),
    "text": ("sc:Text", "The block's text."),
    "source_sha256": ("sc:Text", "sha256 of the UTF-8 source text the offsets refer to."),
    "licence_id": ("sc:Text", "SPDX id of the document's licence."),
}
_SPAN_FIELDS: dict[str, tuple[str, str]] = {
    "start": ("sc:Integer", "Span start, relative to the block, in code points."),
    "end": ("sc:Integer", "Span end (exclusive)."),
    "label": ("sc:Integer", "Label id (ClassLabel over the eleven labels, see the card)."),
    "text": ("sc:Text", "The span's text."),
    **{f"date_{name}": ("sc:Text", f"Date object field `{name}` of a DATE span, else null.") for name in DATE_FIELDS},
    "date_noisy": ("sc:Boolean", "Whether the date is noisy (guidelines §4), null for non-DATE spans."),
}


def croissant_metadata(
    files: Sequence[ParquetSplit], meta: Mapping[str, Any], version: str, licence_urls: list[str], citation: str
) -> dict[str, Any]:
    distribution = [
        {
            "@type": "cr:FileObject",
            "@id": f.path,
            "name": f.path,
            "description": f"Config `{f.config}`, split `{f.split}` ({f.rows} records).",
            "contentUrl": f.path,
            "encodingFormat": "application/x-parquet",
            "sha256": hashlib.sha256(f.data).hexdigest(),
        }
        for f in files
    ]
    record_sets = [_record_set(f) for f in files]
    out: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": meta["name"],
        "description": meta["description"],
        "version": version,
        "license": licence_urls,
        "citeAs": citation,
        "keywords": list(meta["tags"]),
        "inLanguage": list(meta["language"]),
        "creator": [
            {"@type": "sc:Organization" if "name" in a else "sc:Person", "name": _person(a)} for a in meta["authors"]
        ],
        "distribution": distribution,
        "recordSet": record_sets,
    }
    if meta.get("url"):
        out["url"] = meta["url"]
    if meta.get("date_released"):
        out["datePublished"] = meta["date_released"]
    return out


def _person(author: Mapping[str, Any]) -> str:
    if "name" in author:
        return str(author["name"])
    return " ".join(str(author[k]) for k in ("given-names", "family-names") if k in author)


def _record_set(f: ParquetSplit) -> dict[str, Any]:
    rs_id = f"{f.config}_{f.split}"
    scalars = [n for n in _SCALARS if (n != "text" or f.config == TEXT) and (n != "length" or f.config == ANNOTATIONS)]
    fields = [_field(rs_id, f.path, name, *_SCALARS[name]) for name in scalars]
    span_fields = [n for n in _SPAN_FIELDS if n != "text" or f.config == TEXT]
    fields.append(
        {
            "@type": "cr:Field",
            "@id": f"{rs_id}/spans",
            "name": "spans",
            "description": "The labelled spans of the record.",
            "repeated": True,
            "subField": [
                {
                    **_field(f"{rs_id}/spans", f.path, name, *_SPAN_FIELDS[name]),
                    "source": {
                        "fileObject": {"@id": f.path},
                        "extract": {"column": "spans"},
                        "transform": {"jsonPath": name},
                    },
                }
                for name in span_fields
            ],
        }
    )
    if f.config == TEXT:
        fields.append({**_field(rs_id, f.path, "tokens", "sc:Text", "Tokens of the block."), "repeated": True})
        fields.append(
            {**_field(rs_id, f.path, "ner_tags", "sc:Integer", "IOB2 tag id per token (ClassLabel)."), "repeated": True}
        )
    return {
        "@type": "cr:RecordSet",
        "@id": rs_id,
        "name": rs_id,
        "description": f"Records of config `{f.config}`, split `{f.split}`.",
        "key": {"@id": f"{rs_id}/id"},
        "field": fields,
    }


def _field(parent: str, path: str, name: str, data_type: str, description: str) -> dict[str, Any]:
    return {
        "@type": "cr:Field",
        "@id": f"{parent}/{name}",
        "name": name,
        "description": description,
        "dataType": data_type,
        "source": {"fileObject": {"@id": path}, "extract": {"column": name}},
    }
