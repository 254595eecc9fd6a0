"""The correction server: its session logic, its paths, its HTTP guard rails."""

from __future__ import annotations

import http.client
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from serge_corpus.corrections.log import read_log
from serge_corpus.corrections.server import CorrectionSession, is_loopback, make_server, startup_messages
from serge_corpus.errors import SergeCorpusError


@pytest.fixture()
def project(tmp_path: Path, fixtures: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(fixtures / "pre.jsonl", root / "pre.jsonl")
    return root


@pytest.fixture()
def session(project: Path) -> CorrectionSession:
    return CorrectionSession(project / "pre.jsonl", project / "log.jsonl", "ana", root=project)


def codes(err: pytest.ExceptionInfo[SergeCorpusError]) -> list[str]:
    return [p.code for p in err.value.problems]


# ---------------------------------------------------------------- paths


def test_files_outside_the_project_are_refused(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.jsonl"
    shutil.copy(project / "pre.jsonl", outside)
    with pytest.raises(SergeCorpusError) as err:
        CorrectionSession(outside, project / "log.jsonl", "ana", root=project)
    assert codes(err) == ["E190"]
    with pytest.raises(SergeCorpusError) as err:
        CorrectionSession(project / "pre.jsonl", project / ".." / "log.jsonl", "ana", root=project)
    assert codes(err) == ["E190"]


def test_a_symlink_out_of_the_project_is_refused(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "secret.jsonl"
    shutil.copy(project / "pre.jsonl", outside)
    (project / "link.jsonl").symlink_to(outside)
    with pytest.raises(SergeCorpusError) as err:
        CorrectionSession(project / "link.jsonl", project / "log.jsonl", "ana", root=project)
    assert codes(err) == ["E190"]


def test_root_defaults_to_the_working_folder(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    assert CorrectionSession("pre.jsonl", "log.jsonl", "ana").state()["log"]["file"] == "log.jsonl"
    monkeypatch.chdir(project.parent)
    with pytest.raises(SergeCorpusError):
        CorrectionSession("project/pre.jsonl", "project/log.jsonl", "ana", root="project/sub")


# ---------------------------------------------------------------- session


def test_state_shows_source_annotator_and_progress(session: CorrectionSession) -> None:
    state = session.state()
    assert state["annotations"] == {"file": "pre.jsonl", "records": 3, "meta": {"status": "pre", "model": "toy-v1"}}
    assert state["annotator"] == "ana"
    assert state["progress"] == {"reviewed": 0, "total": 2}
    assert {x["label"]: x["key"] for x in state["labels"]}["DATE"] == "d"
    assert state["undo"] is None and state["log"]["ops"] == 0


def test_state_lists_log_ops_that_no_longer_apply(project: Path, fixtures: Path) -> None:
    shutil.copy(fixtures / "pre_v2.jsonl", project / "pre.jsonl")
    shutil.copy(fixtures / "log.jsonl", project / "log.jsonl")
    state = CorrectionSession(project / "pre.jsonl", project / "log.jsonl", "ana", root=project).state()
    assert [e["id"] for e in state["replay"]["skipped"]] == ["op-02", "op-06"]
    assert state["replay"]["skipped"][0]["where"].endswith("log.jsonl:2")
    assert state["progress"]["reviewed"] == 1


def test_add_snaps_to_tokens_and_trims_by_the_guidelines(session: CorrectionSession, project: Path) -> None:
    # "e the Left Opposit" -> "Left Opposition": widened to tokens, leading "the" dropped.
    assert session.snap({"record": "toy:0001", "start": 24, "end": 38}) == {
        "start": 26,
        "end": 41,
        "text": "Left Opposition",
    }
    answer = session.submit(
        {"op": "add_span", "record": "toy:0001", "span": {"start": 24, "end": 38, "label": "ORG"}, "snap": True}
    )
    assert answer["op"]["span"] == {"start": 26, "end": 41, "label": "ORG", "text": "Left Opposition"}
    [logged] = read_log(project / "log.jsonl")
    assert logged.to_dict() == answer["op"] and logged.annotator == "ana"
    with pytest.raises(SergeCorpusError) as err:
        session.snap({"record": "toy:0001", "start": 69, "end": 70})
    assert codes(err) == ["E192"]


def test_edits_are_checked_against_the_current_state(session: CorrectionSession, project: Path) -> None:
    with pytest.raises(SergeCorpusError) as err:
        session.submit(
            {"op": "add_span", "record": "toy:0001", "span": {"start": 49, "end": 55, "label": "GPE", "text": "Moscow"}}
        )
    assert codes(err) == ["E192"] and "overlaps LOC 'Moscow'" in str(err.value)
    with pytest.raises(SergeCorpusError) as err:
        session.submit({"op": "delete_span", "record": "toy:0001", "target": {"start": 0, "end": 2}})
    assert codes(err) == ["E192"]
    with pytest.raises(SergeCorpusError) as err:
        session.submit({"op": "relabel", "record": "toy:0099", "target": {"start": 0, "end": 2}, "label": "ORG"})
    assert codes(err) == ["E191"]
    with pytest.raises(SergeCorpusError) as err:
        session.submit({"op": "relabel", "record": "toy:0001", "target": {"start": 49, "end": 55}, "label": "PEOPLE"})
    assert codes(err) == ["E184"]
    assert not (project / "log.jsonl").exists()


def test_targets_are_completed_from_the_state(session: CorrectionSession) -> None:
    forged = {"annotator": "mallory", "undoes": "op-1", "timestamp": "2000-01-01T00:00:00Z"}
    answer = session.submit(
        {"op": "resize", "record": "toy:0001", "target": {"start": 7, "end": 21}, "start": 3, "end": 21, **forged}
    )
    assert answer["op"]["annotator"] == "ana" and "undoes" not in answer["op"]
    assert not answer["op"]["timestamp"].startswith("2000")
    assert answer["op"]["target"]["date"] == {"type": "DATE", "value": "1925", "mod": None, "anchor": None}
    assert answer["op"]["text"] == "the spring of 1925"


def test_undo_walks_back_and_reload_replays(session: CorrectionSession, project: Path) -> None:
    session.submit({"op": "relabel", "record": "toy:0001", "target": {"start": 49, "end": 55}, "label": "GPE"})
    date = {"type": "DATE", "value": "1925-21", "mod": "START", "anchor": None}
    session.submit({"op": "set_date", "record": "toy:0001", "target": {"start": 7, "end": 21}, "date": date})
    session.submit({"op": "mark_reviewed", "record": "toy:0001", "reviewed": True})
    assert session.state()["progress"]["reviewed"] == 1
    reloaded = CorrectionSession(project / "pre.jsonl", project / "log.jsonl", "ana", root=project)
    assert reloaded.state()["blocks"] == session.state()["blocks"]
    assert reloaded.undo()["undone"] == "toy:0001: mark reviewed"
    assert reloaded.undo()["undone"].startswith("toy:0001: set date of DATE 'spring of 1925'")
    state = reloaded.state()
    spans = state["blocks"][1]["spans"]
    assert spans[0]["date"]["value"] == "1925" and spans[1]["label"] == "GPE"
    assert state["undo"] == "toy:0001: relabel LOC 'Moscow' [49, 55) -> GPE"
    assert [op.undoes is not None for op in read_log(project / "log.jsonl")] == [False, False, False, True, True]
    other = CorrectionSession(project / "pre.jsonl", project / "log.jsonl", "bob", root=project)
    with pytest.raises(SergeCorpusError) as err:
        other.undo()
    assert codes(err) == ["E192"]


def test_startup_messages_warn_off_loopback(session: CorrectionSession) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0")
    quiet = startup_messages(session, "127.0.0.1", 8000)
    assert not any("WARNING" in line for line in quiet)
    assert quiet[-1].startswith("open http://127.0.0.1:8000/")
    assert startup_messages(session, "0.0.0.0", 8000)[0].startswith("WARNING: listening on 0.0.0.0")


# ---------------------------------------------------------------- HTTP


@pytest.fixture()
def server(session: CorrectionSession) -> Iterator[int]:
    httpd = make_server(session, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def request(
    port: int, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    sent = {"Content-Type": "application/json", **(headers or {})}
    conn.request(method, path, body=data, headers=sent)
    response = conn.getresponse()
    raw = response.read()
    conn.close()
    kind = response.getheader("Content-Type", "")
    return response.status, json.loads(raw) if kind.startswith("application/json") else raw.decode()


def test_page_and_static_files(server: int) -> None:
    status, html = request(server, "GET", "/")
    assert status == 200 and '<script src="/static/app.js">' in html
    assert request(server, "GET", "/static/app.css")[0] == 200
    assert request(server, "GET", "/static/../corrections/server.py")[0] == 404
    assert request(server, "GET", "/static/keys.json")[0] == 404
    assert request(server, "GET", "/static/%2e%2e/app.js")[0] == 404


def test_api_round_trip(server: int) -> None:
    status, state = request(server, "GET", "/api/state")
    assert status == 200 and state["progress"]["total"] == 2
    status, answer = request(server, "POST", "/api/op", {"op": "mark_reviewed", "record": "toy:0000", "reviewed": True})
    assert status == 200 and answer["block"]["reviewed"] is True
    status, answer = request(server, "POST", "/api/op", {"op": "mark_reviewed", "record": "toy:0000", "reviewed": True})
    assert status == 409 and "already reviewed" in answer["errors"][0]
    status, answer = request(server, "POST", "/api/check-date", {"date": {"type": "INTERVAL", "value": "1925"}})
    assert status == 200 and [p["code"] for p in answer["problems"]] == ["E047"]
    status, answer = request(server, "POST", "/api/check-date", {"date": {"type": "DATE", "value": "1925-21"}})
    assert answer == {"problems": []}
    status, answer = request(server, "POST", "/api/undo", {})
    assert status == 200 and answer["undone"] == "toy:0000: mark reviewed"


def test_bad_requests(server: int) -> None:
    assert request(server, "POST", "/api/op", b"{not json")[0] == 400
    assert request(server, "POST", "/api/op", [1, 2])[0] == 400
    assert request(server, "POST", "/api/op", {"op": "x"}, {"Content-Type": "text/plain"})[0] == 415
    status, answer = request(server, "POST", "/api/op", {"op": "relabel", "record": "toy:0001"})
    assert status == 400 and any("E182" in e for e in answer["errors"])
    assert request(server, "POST", "/api/nothing", {})[0] == 404


def test_requests_for_another_host_or_from_another_site_are_refused(server: int) -> None:
    assert request(server, "GET", "/api/state", headers={"Host": f"evil.example:{server}"})[0] == 403
    hostile = {"Origin": "http://evil.example"}
    assert request(server, "POST", "/api/op", {"op": "mark_reviewed"}, hostile)[0] == 403
    same = {"Origin": f"http://localhost:{server}", "Host": f"localhost:{server}"}
    status, _ = request(
        server, "POST", "/api/op", {"op": "mark_reviewed", "record": "toy:0001", "reviewed": True}, same
    )
    assert status == 200


def test_a_new_date_span_loses_only_its_leading_preposition_and_gets_the_value() -> None:
    from serge_corpus.corrections.server import propose_date
    from serge_corpus.model import Block

    block = Block(id="d:1", doc_id="d", block="body", offset=0, text="He left on the spring of 1925 for good.")
    span = {
        "start": 8,
        "end": 29,
        "label": "DATE",
        "text": block.text[8:29],
        "date": {"type": "DATE", "value": None, "mod": None, "anchor": None},
    }
    proposed = propose_date(block, span)
    assert (proposed.span["start"], proposed.span["end"], proposed.span["text"]) == (15, 29, "spring of 1925")
    assert proposed.span["date"]["value"] == "1925-21" and proposed.suggestions == []
    given = {**span, "date": {"type": "DATE", "value": "1925", "mod": None, "anchor": None}}
    assert propose_date(block, given).span["date"]["value"] == "1925"  # what the person typed wins
    vague = {"start": 0, "end": 7, "label": "DATE", "text": "He left"}
    assert propose_date(block, vague).span["text"] == "He left"


def test_a_date_selection_is_the_annotators_the_date_module_only_suggests() -> None:
    from serge_corpus.corrections.server import propose_date
    from serge_corpus.model import Block

    block = Block(id="d:1", doc_id="d", block="body", offset=0, text="They flew on Liberation Day 1968 round the Moon.")
    start = block.text.index("Liberation")
    span = {"start": start, "end": start + 19, "label": "DATE", "text": "Liberation Day 1968"}
    proposed = propose_date(block, span)
    assert proposed.span["text"] == "Liberation Day 1968"  # not shrunk to "1968"
    assert proposed.span["date"]["value"] is None  # the person fills it in
    assert [(s["text"], s["date"]["value"]) for s in proposed.suggestions] == [("1968", "1968")]


def test_selecting_christmas_eve_1968_and_pressing_d_saves_that_span(tmp_path: Path) -> None:
    root = tmp_path
    text = "Apollo 8 entered lunar orbit on Christmas Eve 1968 and read from Genesis."
    record = {"id": "a8:0000", "doc_id": "a8", "block": "body", "offset": 0, "text": text, "spans": []}
    (root / "pre.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    session = CorrectionSession(root / "pre.jsonl", root / "log.jsonl", "ana", root=root)
    start = text.index("Christmas")
    null = {"type": "DATE", "value": None, "mod": None, "anchor": None}
    span = {"start": start, "end": start + 18, "label": "DATE", "date": null}
    answer = session.submit({"op": "add_span", "record": "a8:0000", "span": span, "snap": True})
    assert answer["op"]["span"]["text"] == "Christmas Eve 1968"
    # the date module reads the whole selection (a holiday, D162): its value is proposed, nothing is cut
    assert answer["op"]["span"]["date"]["value"] == "1968-12-24"
    [op] = read_log(root / "log.jsonl")
    assert op.span is not None and (op.span.start, op.span.end) == (start, start + 18)


# ---------------------------------------------------------------- several writers on one log


def served(session: CorrectionSession) -> tuple[Any, int]:
    httpd = make_server(session, "127.0.0.1", 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, httpd.server_address[1]


def replayed_views(project: Path) -> list[dict[str, Any]]:
    from serge_corpus.corrections.apply import apply_log
    from serge_corpus.corrections.server import _block_view
    from serge_corpus.jsonl import read_records

    result = apply_log(read_records(project / "pre.jsonl"), read_log(project / "log.jsonl"))
    return [_block_view(b) for b in result.blocks]


def test_two_servers_on_one_log_both_show_the_replay_of_the_log(project: Path) -> None:
    import random

    ana = CorrectionSession(project / "pre.jsonl", project / "log.jsonl", "ana", root=project)
    bob = CorrectionSession(project / "pre.jsonl", project / "log.jsonl", "bob", root=project)
    servers = [served(ana), served(bob)]
    statuses: list[int] = []

    def client(port: int, seed: int) -> None:
        rng = random.Random(seed)
        for _ in range(80):
            record = rng.choice(["toy:0000", "toy:0001"])
            if rng.random() < 0.5:
                body: dict[str, Any] = {"op": "mark_reviewed", "record": record, "reviewed": rng.random() < 0.5}
            elif record == "toy:0001":
                body = {
                    "op": "relabel",
                    "record": record,
                    "target": {"start": 49, "end": 55},
                    "label": rng.choice(["LOC", "GPE", "ORG"]),
                }
            else:
                body = {
                    "op": "relabel",
                    "record": record,
                    "target": {"start": 36, "end": 53},
                    "label": "DATE",
                    "date": {"type": "DATE", "value": rng.choice(["1890", "1890-12"]), "mod": None, "anchor": None},
                }
                body = {"op": "set_date", "record": record, "target": body["target"], "date": body["date"]}
            statuses.append(request(port, "POST", "/api/op", body)[0])

    threads = [threading.Thread(target=client, args=(port, seed)) for seed, (_, port) in enumerate(servers * 2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        expected = replayed_views(project)
        ops = read_log(project / "log.jsonl")
        assert set(statuses) <= {200, 409} and statuses.count(200) == len(ops) > 50
        for _, port in servers:
            status, state = request(port, "GET", "/api/state")
            assert state["blocks"] == expected
            assert state["version"] == len(ops)
            assert state["replay"]["skipped"] == [] and state["replay"]["redundant"] == []  # checked under the lock
        # A page that followed from version 0 by changes alone ends the same.
        page: dict[str, dict[str, Any]] = {}
        _, changes = request(servers[0][1], "GET", "/api/changes?since=0")
        for block in changes["changed"]:
            page[block["id"]] = {k: v for k, v in block.items() if k != "index"}
        assert all(page.get(b["id"], b) == b for b in expected)
        assert len(changes["events"]) == len(ops) and {e["by"] for e in changes["events"]} == {"ana", "bob"}
    finally:
        for httpd, _ in servers:
            httpd.shutdown()
            httpd.server_close()


def test_a_stale_edit_names_what_the_other_annotator_changed(project: Path) -> None:
    ana = CorrectionSession(project / "pre.jsonl", project / "log.jsonl", "ana", root=project)
    bob = CorrectionSession(project / "pre.jsonl", project / "log.jsonl", "bob", root=project)
    seen = ana.state()["version"]
    bob.submit({"op": "delete_span", "record": "toy:0001", "target": {"start": 49, "end": 55}})
    with pytest.raises(SergeCorpusError) as err:
        ana.submit(
            {"op": "relabel", "record": "toy:0001", "target": {"start": 49, "end": 55}, "label": "GPE", "since": seen}
        )
    assert codes(err) == ["E192"] and "by bob: toy:0001: delete span LOC 'Moscow'" in str(err.value)
    changes = ana.changes(seen)
    assert [b["id"] for b in changes["changed"]] == ["toy:0001"] and changes["events"][0]["by"] == "bob"


def test_a_log_replaced_under_the_server_is_read_again(project: Path, session: CorrectionSession) -> None:
    session.submit({"op": "mark_reviewed", "record": "toy:0000", "reviewed": True})
    before = session.state()
    (project / "log.jsonl").write_text("", encoding="utf-8")  # cut: read again from the start
    assert session.changes(before["version"], before["epoch"])["reset"] is True
    assert session.state()["progress"]["reviewed"] == 0 and session.state()["epoch"] != before["epoch"]


def test_the_event_stream_pushes_another_servers_edit(project: Path) -> None:
    ana = CorrectionSession(project / "pre.jsonl", project / "log.jsonl", "ana", root=project)
    bob = CorrectionSession(project / "pre.jsonl", project / "log.jsonl", "bob", root=project)
    httpd, port = served(ana)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/api/events?since=0&epoch=0")
        response = conn.getresponse()
        assert response.getheader("Content-Type", "").startswith("text/event-stream")
        bob.submit({"op": "mark_reviewed", "record": "toy:0001", "reviewed": True})
        line = response.fp.readline().decode()
        assert line.startswith("data: ")
        event = json.loads(line[len("data: ") :])
        assert event["version"] == 1 and event["changed"][0]["id"] == "toy:0001" and event["changed"][0]["reviewed"]
        conn.close()
    finally:
        httpd.shutdown()
        httpd.server_close()


# ---------------------------------------------------------------- ports


def test_a_port_in_use_is_one_clear_error(session: CorrectionSession) -> None:
    httpd, port = served(session)
    try:
        with pytest.raises(SergeCorpusError) as err:
            make_server(session, "127.0.0.1", port)
        assert codes(err) == ["E600"] and f"127.0.0.1:{port}" in str(err.value)
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_an_address_of_another_machine_is_one_clear_error(session: CorrectionSession) -> None:
    with pytest.raises(SergeCorpusError) as err:
        make_server(session, "192.0.2.1", 0)  # TEST-NET-1: never an address of this machine
    assert codes(err) == ["E601"] and "192.0.2.1" in str(err.value)


def test_serve_on_a_port_in_use_prints_one_line_and_port_0_prints_the_url(project: Path) -> None:
    import socket
    import subprocess
    import sys

    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    taken = holder.getsockname()[1]
    import os

    import serge_corpus

    env = {**os.environ, "PYTHONPATH": str(Path(serge_corpus.__file__).parents[1])}  # this checkout's code
    cli = [sys.executable, "-c", "from serge_corpus.cli import main; main()"]
    command = [*cli, "serve", "pre.jsonl", "--log", "log.jsonl", "--annotator", "ana"]
    try:
        done = subprocess.run(
            [*command, "--port", str(taken)], cwd=project, env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        holder.close()
    assert done.returncode != 0 and "Traceback" not in done.stderr
    said = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert len(said) <= 2 and any("E600" in line and str(taken) in line for line in said)
    free = subprocess.Popen([*command, "--port", "0"], cwd=project, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert free.stdout is not None
        lines = [free.stdout.readline() for _ in range(2)]
        url = lines[-1].split()[1]
        assert url.startswith("http://127.0.0.1:") and not url.endswith(":0/")
        port = int(url.rsplit(":", 1)[1].strip("/"))
        assert request(port, "GET", "/api/state")[0] == 200
    finally:
        free.terminate()
        free.wait(timeout=10)


# ---------------------------------------------------------------- adjudication


def test_adjudication_can_choose_nothing_and_open_conflicts_reach_zero(project: Path, fixtures: Path) -> None:
    from serge_corpus.corrections.commands import merge_files

    merge_files([fixtures / "pre.jsonl", fixtures / "pre_v2.jsonl"], project / "merged.jsonl", ["v1", "v2"])
    judge = CorrectionSession(project / "merged.jsonl", project / "adjudication.jsonl", "judge", root=project)
    state = judge.state()
    total = state["conflicts"]["total"]
    assert total >= 2 and state["conflicts"]["open"] == total
    presence = [
        (b["id"], c) for b in state["blocks"] for c in b["meta"].get("conflicts", []) if c["kind"] == "presence"
    ]
    assert presence, "the fixtures hold a presence conflict"
    record, conflict = presence[0]
    # "Nothing": no span is added, the conflict is settled as it stands.
    answer = judge.submit(
        {"op": "settle_conflict", "record": record, "start": conflict["start"], "end": conflict["end"], "settled": True}
    )
    settled = next(c for c in answer["block"]["meta"]["conflicts"] if c["start"] == conflict["start"])
    assert settled["settled"]["spans"] == [] and settled["settled"]["by"] == "judge"
    assert judge.state()["conflicts"]["open"] == total - 1
    assert judge.undo()["undone"].startswith(f"{record}: settle conflict")
    assert judge.state()["conflicts"]["open"] == total
    for block in judge.state()["blocks"]:
        for c in block["meta"].get("conflicts", []):
            judge.submit(
                {"op": "settle_conflict", "record": block["id"], "start": c["start"], "end": c["end"], "settled": True}
            )
    assert judge.state()["conflicts"]["open"] == 0
    with pytest.raises(SergeCorpusError) as err:  # settling twice says so
        judge.submit(
            {
                "op": "settle_conflict",
                "record": record,
                "start": conflict["start"],
                "end": conflict["end"],
                "settled": True,
            }
        )
    assert codes(err) == ["E192"] and "already settled" in str(err.value)


def test_a_start_up_step_can_order_the_blocks(session: CorrectionSession) -> None:
    session.set_order(["toy:0001"])
    state = session.state()
    assert [b["id"] for b in state["blocks"]] == ["toy:0001", "toy:0000", "toy:0002"]
    answer = session.submit({"op": "mark_reviewed", "record": "toy:0000", "reviewed": True, "since": 0})
    assert [(b["id"], b["index"]) for b in answer["changes"]["changed"]] == [("toy:0000", 1)]
    with pytest.raises(SergeCorpusError) as err:
        session.set_order(["toy:0099"])
    assert codes(err) == ["E191"]
