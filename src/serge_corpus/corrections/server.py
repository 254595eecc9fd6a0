"""The browser correction page: a local HTTP server over one annotation file and one log.

`CorrectionSession` holds the logic (state = pre-annotation + replayed log;
each edit is checked against that state, then appended to the log before
the answer goes back, so a crash loses nothing). `make_server` wraps it in a
stdlib `ThreadingHTTPServer` whose handler only parses and answers JSON.

Safety: the server binds to loopback unless told otherwise; it refuses
annotation and log paths outside the project folder; it serves only the
page's own files; it answers only requests whose Host (and Origin, when
sent) is the server itself, and only JSON POSTs, so another web site open in
the same browser cannot drive it.

Endpoints: `GET /` (the page), `GET /static/<file>`, `GET /api/state`,
`POST /api/op`, `POST /api/undo`, `POST /api/snap`, `POST /api/check-date`.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from serge_corpus.corrections.apply import ApplyResult, Replayer, apply_op
from serge_corpus.corrections.log import appending, read_log_tail
from serge_corpus.corrections.ops import Op, check_op_dict, utc_now, with_id
from serge_corpus.date_object import check_date_object
from serge_corpus.errors import CATALOGUE, Problem, SergeCorpusError
from serge_corpus.jsonl import read_records
from serge_corpus.model import DATE_MODS, DATE_TYPES, LABELS, Block, Span
from serge_corpus.ner.boundaries import load_boundary_policy, snap_to_tokens, trim
from serge_corpus.segment import tokenize

EVENTS_POLL_S = 0.25  # how often an open page's event stream looks at the log
EVENTS_KEEPALIVE_S = 15.0
STATIC_FILES = {
    "app.js": "text/javascript",
    "app.css": "text/css",
    "index.html": "text/html",
}
KEYS_FILE = "keys.json"


# ---------------------------------------------------------------- paths


def inside_root(path: str | Path, root: str | Path, what: str) -> Path:
    """`path` resolved (symlinks too), refused unless it lies under `root`."""
    resolved = Path(path).resolve()
    base = Path(root).resolve()
    if not resolved.is_relative_to(base):
        raise SergeCorpusError(Problem("E190", f"{what} {resolved} is not under {base}", file=str(path)))
    return resolved


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# ---------------------------------------------------------------- session


@dataclass
class _Tally:
    """Counts over all blocks, kept up to date op by op (a sum over 1,000 blocks per edit is not free)."""

    annotated: int = 0
    reviewed: int = 0
    conflicts: int = 0
    open_conflicts: int = 0

    def count(self, block: Block, sign: int = 1) -> None:
        self.annotated += sign * block.annotated
        self.reviewed += sign * (block.annotated and bool(block.meta.get("reviewed")))
        self.conflicts += sign * len(block.meta.get("conflicts", []))
        self.open_conflicts += sign * len(open_conflicts_of(block))


@dataclass
class _View:
    """The log replayed on the pre-annotation, as far as this server has read it.

    `version` counts the log's ops read so far; `changed` gives, per record,
    the version that last changed it, so a page at version v fetches only the
    records changed after v. `epoch` changes when the log had to be read again
    from the start (it was replaced or shortened): pages then reload.
    """

    replay: Replayer
    ops: list[Op] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    offset: int = 0
    line: int = 0
    file: tuple[int, int] | None = None  # (device, inode) of the log read
    changed: dict[str, int] = field(default_factory=dict)
    epoch: int = 0
    tally: _Tally = field(default_factory=_Tally)

    def __post_init__(self) -> None:
        for block in self.replay.result.blocks:
            self.tally.count(block)

    @property
    def version(self) -> int:
        return len(self.ops)


class CorrectionSession:
    """One annotator correcting one annotation file, edits going to one log.

    Other writers may append to the same log (a second server, `correct`
    commands): every request first reads the log's new lines by offset, and
    an edit is checked and appended under the log's lock, so this view is
    always the replay of the log and no edit lands on a stale state.
    """

    def __init__(self, annotations: str | Path, log: str | Path, annotator: str, root: str | Path = ".") -> None:
        if not annotator.strip():
            raise SergeCorpusError(Problem("E182", "the annotator's name is empty", field="annotator"))
        self.root = Path(root).resolve()
        self.annotations = inside_root(annotations, self.root, "annotation file")
        self.log = inside_root(log, self.root, "correction log")
        self.annotator = annotator
        self.pre = read_records(self.annotations)
        self._shown_annotations, self._shown_log = self._shown(self.annotations), self._shown(self.log)
        self._meta = _common_meta(self.pre)
        self.keys = _load_keys()
        self._lock = threading.RLock()
        self._view = _View(Replayer(self.pre))
        self._epochs = 0
        self._shown_blocks: dict[str, tuple[Block, dict[str, Any]]] = {}
        self.set_order([])
        self.catch_up()  # a bad log fails now, not on the first page load

    def set_order(self, records: Sequence[str]) -> None:
        """Show the blocks in this order: these record ids first, the others after them in file order.

        For a start-up step that ranks the blocks (the most uncertain first,
        say); the log and the replay are untouched, only the page's order.
        """
        known = {b.id for b in self.pre}
        unknown = [r for r in records if r not in known]
        if unknown:
            raise SergeCorpusError([Problem("E191", f"{r!r} (in the order given)", record_id=r) for r in unknown])
        first = list(dict.fromkeys(records))
        named = set(first)
        with self._lock:
            self._order = first + [b.id for b in self.pre if b.id not in named]
            self._position = {record: i for i, record in enumerate(self._order)}

    # -------------------------------------------------------- following the log

    def catch_up(self) -> int:
        """Read what was appended to the log since the last call; the version now."""
        with self._lock:
            view = self._view
            info = self.log.stat() if self.log.exists() else None
            file = (info.st_dev, info.st_ino) if info else None
            size = info.st_size if info else 0
            if (view.file is not None and file != view.file) or size < view.offset:
                self._epochs += 1  # replaced or cut: read it again from the start
                view = self._view = _View(Replayer(self.pre), epoch=self._epochs)
            if info is None or size == view.offset:
                return view.version
            tail = read_log_tail(self.log, view.offset, view.line)
            view.file, view.offset, view.line = file, tail.offset, tail.line
            for op in tail.ops:
                before = view.replay.block(op.record)
                status = view.replay.feed(op)
                view.ops.append(op)
                view.statuses.append(status)
                if status == "applied":
                    view.changed[op.record] = view.version
                    assert before is not None
                    view.tally.count(before, -1)
                    view.tally.count(_block_of(view.replay, op.record))
            return view.version

    # -------------------------------------------------------- state

    def state(self) -> dict[str, Any]:
        """Everything the page shows, as JSON-ready data."""
        with self._lock:
            self.catch_up()
            view = self._view
            return {
                **self._header(view),
                "labels": [{"label": label, "key": self.keys["labels"].get(label, "")} for label in LABELS],
                "actions": self.keys["actions"],
                "date_types": list(DATE_TYPES),
                "date_mods": list(DATE_MODS),
                "blocks": [self._block_view(_block_of(view.replay, r)) for r in self._order],
            }

    def changes(self, since: int, epoch: int | None = None) -> dict[str, Any]:
        """What changed after version `since`: the records changed, the header, and who did what.

        `reset` is true when the page's version belongs to an earlier reading
        of the log (another `epoch`): it must load the whole state again.
        """
        with self._lock:
            self.catch_up()
            view = self._view
            if (epoch is not None and epoch != view.epoch) or since > view.version:
                return {"reset": True, "version": view.version, "epoch": view.epoch}
            since = max(0, since)
            records = sorted((r for r, v in view.changed.items() if v > since), key=self._position.__getitem__)
            blocks = [{**self._block_view(_block_of(view.replay, r)), "index": self._position[r]} for r in records]
            events = [
                {"by": op.annotator, "what": op.describe(), "status": status, "record": op.record}
                for op, status in zip(view.ops[since:], view.statuses[since:])
            ]
            return {"reset": False, **self._header(view), "changed": blocks, "events": events}

    def _header(self, view: _View) -> dict[str, Any]:
        result, tally = view.replay.result, view.tally
        undo = self._undo_candidate(result)
        return {
            "version": view.version,
            "epoch": view.epoch,
            "annotations": {"file": self._shown_annotations, "records": len(result.blocks), "meta": self._meta},
            "log": {"file": self._shown_log, "ops": view.version},
            "annotator": self.annotator,
            "progress": {"reviewed": tally.reviewed, "total": tally.annotated},
            "conflicts": {"open": tally.open_conflicts, "total": tally.conflicts},
            "replay": {
                "applied": len(result.applied),
                "redundant": [_entry(op, reason) for op, reason in result.redundant],
                "skipped": [_entry(op, reason) for op, reason in result.skipped],
            },
            "undo": undo.describe() if undo else None,
        }

    def _block_view(self, block: Block) -> dict[str, Any]:
        """The page's view of a block, made once per block value (tokenizing is not free)."""
        cached = self._shown_blocks.get(block.id)
        if cached is None or cached[0] is not block:
            cached = (block, _block_view(block))
            self._shown_blocks[block.id] = cached
        return cached[1]

    def _shown(self, path: Path) -> str:
        return str(path.relative_to(self.root))

    # -------------------------------------------------------- edits

    def submit(self, request: dict[str, Any]) -> dict[str, Any]:
        """Check an edit from the page against the log's latest state, log it, answer what changed."""
        with self._lock:
            self.catch_up()
            block = _block_of(self._view.replay, request.get("record"))
            try:
                op, suggestions = self._op_from_request(block, request)
            except SergeCorpusError as err:  # a stale target: say who changed the record
                meanwhile = self._meanwhile(block.id, _since(request))
                if not meanwhile or err.problems[0].code != "E192":
                    raise
                raise SergeCorpusError([replace(err.problems[0], detail=err.problems[0].detail + meanwhile)]) from err
            answer = self._commit(op, _since(request))
            return {**answer, "suggestions": suggestions} if suggestions else answer

    def undo(self, request: dict[str, Any] | None = None) -> dict[str, Any]:
        """Append the inverse of this annotator's latest edit not yet undone."""
        with self._lock:
            self.catch_up()
            result = self._view.replay.result
            last = self._undo_candidate(result)
            if last is None:
                raise SergeCorpusError(Problem("E192", f"nothing of {self.annotator}'s to undo"))
            inverse = result.inverses[last.id]
            op = with_id(replace(inverse, annotator=self.annotator, timestamp=utc_now()))
            return {**self._commit(op, _since(request or {})), "undone": last.describe()}

    def _commit(self, op: Op, since: int | None) -> dict[str, Any]:
        """Append `op` if it applies to the log's latest state; checked again under the log's lock."""
        self._check(op, since)  # before the lock: a refused edit leaves the log untouched
        with appending(self.log) as append:
            before = self._view.version
            if self.catch_up() != before:  # another writer appended meanwhile
                self._check(op, since)
            append([op])
            self.catch_up()  # reads back this op, and only it: the lock is held
        view = self._view
        assert view.ops[-1].id == op.id and view.statuses[-1] == "applied"
        answer = {"op": op.to_dict(), "block": self._block_view(_block_of(view.replay, op.record))}
        if since is not None:
            answer["changes"] = self.changes(since, None)
        return answer

    def _check(self, op: Op, since: int | None) -> None:
        outcome = apply_op(_block_of(self._view.replay, op.record), op)
        if outcome.status != "applied":
            detail = f"{outcome.status}: {outcome.reason}{self._meanwhile(op.record, since)}"
            raise SergeCorpusError(Problem("E192", detail, record_id=op.record))

    def _meanwhile(self, record: str, since: int | None) -> str:
        """Others' edits of this record the page had not seen yet: why an edit no longer fits."""
        if since is None:
            return ""
        view = self._view
        theirs = [
            f"{op.annotator}: {op.describe()}"
            for op, status in zip(view.ops[since:], view.statuses[since:])
            if op.record == record and status == "applied" and op.annotator != self.annotator
        ]
        return f" (changed meanwhile by {'; '.join(theirs)})" if theirs else ""

    def _undo_candidate(self, result: ApplyResult) -> Op | None:
        undone = {op.undoes for op in result.applied if op.undoes}
        for op in reversed(result.applied):
            if op.annotator == self.annotator and op.undoes is None and op.id not in undone:
                return op
        return None

    def _op_from_request(self, block: Block, request: dict[str, Any]) -> tuple[Op, list[dict[str, Any]]]:
        """The page names spans by offsets; fill in the rest from the state it sees.

        Also returns what the date module suggests for a new DATE span.
        """
        # Who, when, the id and undo links are the server's to set, never the page's.
        private = ("snap", "since", "id", "annotator", "timestamp", "undoes")
        data = {k: v for k, v in request.items() if k not in private}
        suggestions: list[dict[str, Any]] = []
        if isinstance(data.get("target"), dict):
            data["target"] = self._target(block, data["target"]).to_dict()
        if data.get("op") == "add_span" and request.get("snap") and isinstance(data.get("span"), dict):
            proposal = self._snapped_span(block, data["span"])
            data["span"], suggestions = proposal.span, proposal.suggestions
        if data.get("op") == "resize" and _ints(data, "start", "end"):
            data["text"] = block.text[data["start"] : data["end"]]
        data.update(annotator=self.annotator, timestamp=utc_now(), id="pending")
        found = check_op_dict(data)
        if found:
            problems = [Problem(code, detail, record_id=block.id, field=field) for code, field, detail in found]
            raise SergeCorpusError(problems)
        return with_id(Op.from_dict(data)), suggestions

    def _target(self, block: Block, given: dict[str, Any]) -> Span:
        if not _ints(given, "start", "end"):
            raise SergeCorpusError(Problem("E193", "target needs integer start and end", field="target"))
        for span in block.spans:
            if (span.start, span.end) == (given["start"], given["end"]):
                return span
        where = f"[{given['start']}, {given['end']})"
        raise SergeCorpusError(Problem("E192", f"no span at {where} in {block.id} now", record_id=block.id))

    def _snapped_span(self, block: Block, given: dict[str, Any]) -> DateProposal:
        if not _ints(given, "start", "end"):
            raise SergeCorpusError(Problem("E193", "span needs integer start and end", field="span"))
        start, end = snap(block, given["start"], given["end"], str(given.get("label", "")))
        span = {**given, "start": start, "end": end, "text": block.text[start:end]}
        return propose_date(block, span) if span.get("label") == "DATE" else DateProposal(span, [])

    def snap(self, request: dict[str, Any]) -> dict[str, Any]:
        """Where a selection lands once snapped to tokens and trimmed (no label yet)."""
        with self._lock:
            self.catch_up()
            block = _block_of(self._view.replay, request.get("record"))
        if not _ints(request, "start", "end"):
            raise SergeCorpusError(Problem("E193", "snap needs integer start and end"))
        start, end = snap(block, request["start"], request["end"], str(request.get("label", "")))
        return {"start": start, "end": end, "text": block.text[start:end]}


# ---------------------------------------------------------------- pure helpers


@dataclass(frozen=True)
class DateProposal:
    """A new DATE span as the person selected it, and what the date module reads in it."""

    span: dict[str, Any]
    # Expressions the date module finds inside a selection it does not read whole:
    # shown to the person, never applied for them.
    suggestions: list[dict[str, Any]]


def propose_date(block: Block, span: dict[str, Any]) -> DateProposal:
    """A new DATE span with the date module's value when it reads the whole selection.

    The selection is the annotator's: only the guidelines' edge rule applies
    (a leading `on`/`in`/`the` and edge punctuation go, §4). When the date
    module reads the whole of what is left as one expression and the page
    sent no value, its date object is proposed (the person then confirms or
    edits it). When it reads only a part (`1968` in `Christmas Eve 1968`),
    the span is kept as selected, with an unknown value, and that part comes
    back as a suggestion.
    """
    from serge_corpus.dates import find_dates, load_vocabulary
    from serge_corpus.dates.find import core_bounds

    lo, hi = core_bounds(span["text"], load_vocabulary())
    start, end = (span["start"] + lo, span["start"] + hi) if lo < hi else (span["start"], span["end"])
    text = block.text[start:end]
    found = [f for f in find_dates(text) if f.date is not None]
    whole = [f for f in found if (f.start, f.end) == (0, len(text))]
    given = span.get("date")
    date = given if isinstance(given, dict) and given.get("value") is not None else None
    if date is None and len(whole) == 1 and whole[0].date is not None:
        date = whole[0].date.to_dict()
    if date is None:
        date = given if isinstance(given, dict) else {"type": "DATE", "value": None, "mod": None, "anchor": None}
    suggestions = [
        {"start": start + f.start, "end": start + f.end, "text": f.text, "date": f.date.to_dict()}
        for f in found
        if not whole and f.date is not None
    ]
    return DateProposal({**span, "start": start, "end": end, "text": text, "date": date}, suggestions)


def snap(block: Block, start: int, end: int, label: str = "") -> tuple[int, int]:
    """A selection widened to whole tokens, then trimmed by the guidelines' edge rules.

    Uses the block's tokens (or the project tokenizer when a record has none)
    and the boundary policy the NER backends use (`data/ner_boundaries.json`),
    so a hand-made span and a predicted one end in the same places.
    """
    start, end = max(0, min(start, end)), min(len(block.text), max(start, end))
    tokens = block.tokens or tuple(tokenize(block.text))
    start, end = snap_to_tokens(start, end, tokens)
    if start < end:
        start, end = trim(block.text, start, end, label, load_boundary_policy())
    if start >= end or not any(ch.isalnum() for ch in block.text[start:end]):
        raise SergeCorpusError(Problem("E192", "nothing to annotate in the selection", record_id=block.id))
    return start, end


def check_date(date: Any) -> list[dict[str, str]]:
    """Problems of a date object, for the page's live validation."""
    if not isinstance(date, dict):
        return [{"field": "", "code": "E013", "message": "expected a date object"}]
    return [
        {
            "field": sub,
            "code": code,
            "message": f"{CATALOGUE[code][0]}{f' ({detail})' if detail else ''}: {CATALOGUE[code][1]}",
        }
        for code, sub, detail in check_date_object(date)
    ]


def _ints(data: dict[str, Any], *names: str) -> bool:
    return all(isinstance(data.get(n), int) and not isinstance(data.get(n), bool) for n in names)


def _block_of(replay: Replayer, record: Any) -> Block:
    block = replay.block(record) if isinstance(record, str) else None
    if block is None:
        raise SergeCorpusError(Problem("E191", f"{record!r}", record_id=str(record)))
    return block


def _since(request: dict[str, Any]) -> int | None:
    """The version of the state the page saw when it sent the request, if it said."""
    since = request.get("since")
    return since if isinstance(since, int) and not isinstance(since, bool) and since >= 0 else None


def open_conflicts_of(block: Block) -> list[dict[str, Any]]:
    """The merge conflicts of a block not yet settled by adjudication.

    A conflict is settled when a `settle_conflict` op marked it (any choice,
    "nothing" included) or when the spans over its stretch are now exactly
    one annotator's version.
    """
    conflicts = block.meta.get("conflicts", [])
    if not isinstance(conflicts, list):
        return []
    return [c for c in conflicts if isinstance(c, dict) and not _settled(block, c)]


def _settled(block: Block, conflict: dict[str, Any]) -> bool:
    if conflict.get("settled"):
        return True
    start, end = conflict.get("start", 0), conflict.get("end", 0)
    here = {(s.start, s.end, s.label) for s in block.spans if s.start < end and start < s.end}
    for version in conflict.get("versions", []):
        spans = {(s["start"], s["end"], s["label"]) for s in version.get("spans", [])}
        if spans and spans == here:
            return True
    return False


def _block_view(block: Block) -> dict[str, Any]:
    data = block.to_dict()
    data["annotated"] = block.annotated
    data["reviewed"] = bool(block.meta.get("reviewed", False))
    if not block.tokens:
        data["tokens"] = [[t.start, t.end] for t in tokenize(block.text)]
    return data


def _entry(op: Op, reason: str) -> dict[str, Any]:
    return {"op": op.describe(), "id": op.id, "where": str(op.origin) if op.origin else None, "reason": reason}


def _common_meta(blocks: list[Block]) -> dict[str, Any]:
    """Meta fields every record shares (the source's sha256, status, model…)."""
    if not blocks:
        return {}
    first = blocks[0].meta
    return {
        k: v
        for k, v in first.items()
        if isinstance(v, (str, int, float, bool)) and all(b.meta.get(k) == v for b in blocks)
    }


def _load_keys() -> dict[str, dict[str, str]]:
    """The page's shortcuts (a key per label, per action) from the data file `web/keys.json`."""
    data = json.loads(_web_file(KEYS_FILE).decode("utf-8"))
    return {"labels": dict(data["labels"]), "actions": dict(data["actions"])}


def _web_file(name: str) -> bytes:
    """A file of the page, shipped as package data in `serge_corpus/web/`."""
    return resources.files("serge_corpus").joinpath("web").joinpath(name).read_bytes()


# ---------------------------------------------------------------- HTTP


class _Handler(BaseHTTPRequestHandler):
    """Parse, call the session, answer JSON. Nothing else."""

    session: CorrectionSession
    server_closing: threading.Event
    allowed_hosts: frozenset[str] | None  # None: any Host (a non-loopback bind the user asked for)
    server_version = "serge-corpus"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return  # keep the terminal for the command's own messages

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        if not self._host_ok():
            return
        path = urlsplit(self.path).path
        if path in ("/", "/index.html"):
            self._static("index.html")
        elif path.startswith("/static/"):
            self._static(path[len("/static/") :])
        elif path == "/api/state":
            self._answer(self.session.state)
        elif path == "/api/changes":
            since, epoch = self._version_query()
            self._answer(lambda: self.session.changes(since, epoch))
        elif path == "/api/events":
            self._events()
        else:
            self._error(HTTPStatus.NOT_FOUND, [f"no such page: {path}"])

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        if not self._host_ok():
            return
        routes: dict[str, Callable[[dict[str, Any]], Any]] = {
            "/api/op": self.session.submit,
            "/api/undo": self.session.undo,
            "/api/snap": self.session.snap,
            "/api/check-date": lambda body: {"problems": check_date(body.get("date"))},
        }
        route = routes.get(urlsplit(self.path).path)
        if route is None:
            self._error(HTTPStatus.NOT_FOUND, [f"no such endpoint: {self.path}"])
            return
        body = self._json_body()
        if body is not None:
            self._answer(lambda: route(body))

    def _version_query(self) -> tuple[int, int | None]:
        query = parse_qs(urlsplit(self.path).query)
        since = query.get("since", ["0"])[0]
        epoch = query.get("epoch", [""])[0]
        return (int(since) if since.isdigit() else 0, int(epoch) if epoch.isdigit() else None)

    def _events(self) -> None:
        """Server-sent events: what other writers of the log changed, pushed to the open page.

        The stream polls the log's size (a `stat`) a few times a second and
        sends the changes since the version the page named; a comment line now
        and then finds out when the page has gone.
        """
        since, epoch = self._version_query()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        quiet = 0.0
        try:
            while not self.server_closing.is_set():
                version = self.session.catch_up()
                if version != since:
                    changes = self.session.changes(since, epoch)
                    since, epoch = changes["version"], changes["epoch"]
                    self.wfile.write(f"data: {json.dumps(changes, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()
                    quiet = 0.0
                elif quiet >= EVENTS_KEEPALIVE_S:
                    self.wfile.write(b": still here\n\n")
                    self.wfile.flush()
                    quiet = 0.0
                self.server_closing.wait(EVENTS_POLL_S)
                quiet += EVENTS_POLL_S
        except (BrokenPipeError, ConnectionResetError):
            return  # the page was closed
        except SergeCorpusError as err:  # the log became unreadable: say so once
            message = {"errors": [str(p) for p in err.problems]}
            self.wfile.write(f"event: failure\ndata: {json.dumps(message, ensure_ascii=False)}\n\n".encode())

    # -------------------------------------------------------- plumbing

    def _host_ok(self) -> bool:
        """Refuse requests not addressed to this server (DNS rebinding, other sites)."""
        if self.allowed_hosts is None:
            return True
        host = self.headers.get("Host", "")
        origin = self.headers.get("Origin")
        if host not in self.allowed_hosts or (origin is not None and urlsplit(origin).netloc not in self.allowed_hosts):
            self._error(HTTPStatus.FORBIDDEN, [f"refused: request for host {host!r}, origin {origin!r}"])
            return False
        return True

    def _json_body(self) -> dict[str, Any] | None:
        if self.headers.get_content_type() != "application/json":
            self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, ["send the body as application/json"])
            return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
        except (ValueError, UnicodeDecodeError) as err:  # JSONDecodeError is a ValueError
            self._error(HTTPStatus.BAD_REQUEST, [str(Problem("E193", f"body is not JSON: {err}"))])
            return None
        if not isinstance(body, dict):
            self._error(HTTPStatus.BAD_REQUEST, [str(Problem("E193", "body must be a JSON object"))])
            return None
        return body

    def _answer(self, produce: Callable[[], Any]) -> None:
        try:
            payload = produce()
        except SergeCorpusError as err:
            status = HTTPStatus.CONFLICT if err.problems[0].code == "E192" else HTTPStatus.BAD_REQUEST
            self._error(status, [str(p) for p in err.problems])
            return
        except Exception as err:  # a bug: say so on the page and in the terminal, keep serving
            traceback.print_exc()
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, [f"internal error: {err!r}"])
            return
        self._send(HTTPStatus.OK, json.dumps(payload, ensure_ascii=False).encode("utf-8"), "application/json")

    def _static(self, name: str) -> None:
        kind = STATIC_FILES.get(name)  # only the page's own files, by exact name
        if kind is None:
            self._error(HTTPStatus.NOT_FOUND, [f"no such file: {name}"])
            return
        data = _web_file(name)
        self._send(HTTPStatus.OK, data, f"{kind}; charset=utf-8")

    def _error(self, status: HTTPStatus, errors: list[str]) -> None:
        self._send(status, json.dumps({"errors": errors}, ensure_ascii=False).encode("utf-8"), "application/json")

    def _send(self, status: HTTPStatus, data: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind if "charset" in kind else f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    """The stdlib threading server, telling open event streams when it closes."""

    daemon_threads = True
    allow_reuse_port = False  # never share a port with another server: that is E600

    def __init__(self, address: tuple[str, int], handler: type[_Handler], closing: threading.Event) -> None:
        self.closing = closing  # before binding: a failed bind calls server_close
        super().__init__(address, handler)

    def server_close(self) -> None:
        self.closing.set()
        super().server_close()


def make_server(session: CorrectionSession, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    """A server for `session`, bound but not yet serving (port 0 picks a free one).

    A port in use or an address that cannot be bound is a user error (E600,
    E601), not a traceback.
    """
    closing = threading.Event()
    attrs = {"session": session, "allowed_hosts": None, "server_closing": closing}
    handler: type[_Handler] = type("Handler", (_Handler,), attrs)
    try:
        server = _Server((host, port), handler, closing)
    except OSError as err:
        where = f"{host}:{port}"
        if err.errno == errno.EADDRINUSE:
            raise SergeCorpusError(Problem("E600", f"{where} is taken by another program", field="port")) from err
        raise SergeCorpusError(Problem("E601", f"{where}: {err.strerror or err}", field="host/port")) from err
    bound = server.server_address[1]
    if is_loopback(host):
        names = {host, "localhost", "127.0.0.1", "[::1]"}
        handler.allowed_hosts = frozenset(f"{n}:{bound}" for n in names)
    return server


def startup_messages(session: CorrectionSession, host: str, port: int) -> list[str]:
    """What `serve` prints before it starts: a warning off loopback, the files, the address."""
    lines = []
    if not is_loopback(host):
        lines.append(
            f"WARNING: listening on {host}: anyone who can reach this machine can read the annotations "
            "and write to the log. Use the default 127.0.0.1 unless you mean it."
        )
    state = session.state()
    progress = state["progress"]
    lines.append(
        f"correcting {state['annotations']['file']} ({progress['reviewed']}/{progress['total']} blocks reviewed) "
        f"as {session.annotator}; edits go to {state['log']['file']}"
    )
    if state["replay"]["skipped"]:
        lines.append(f"{len(state['replay']['skipped'])} op(s) of the log no longer apply; the page lists them")
    shown = f"[{host}]" if ":" in host else host
    lines.append(f"open http://{shown}:{port}/  (Ctrl+C to stop)")
    return lines


def serve(
    annotations: str | Path,
    log: str | Path,
    annotator: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    root: str | Path = ".",
    announce: Callable[[str], None] = print,
    prepare: Callable[[CorrectionSession], None] | None = None,
) -> None:
    """Run the correction page until interrupted.

    `prepare` runs on the session before the server starts (e.g. ordering the
    blocks with `session.set_order`).
    """
    session = CorrectionSession(annotations, log, annotator, root)
    if prepare is not None:
        prepare(session)
    server = make_server(session, host, port)
    for line in startup_messages(session, host, server.server_address[1]):
        announce(line)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
