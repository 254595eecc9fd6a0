#!/usr/bin/env python3
"""Build TimeML .tml files (and a scorer JSONL) from the compact annotated sources in src/.
Markup in src: {surface text|TYPE|value|m=MOD|q=QUANT|f=FREQ|tf=0/1}; TYPE D=DATE T=TIME U=DURATION S=SET.
Documents start with a line '=== DOCID DCT'."""

import datetime as dt
import html
import re
from pathlib import Path

TYPES = {"D": "DATE", "T": "TIME", "U": "DURATION", "S": "SET"}
TAG = re.compile(r"\{([^{}|]+)\|([DTUS])\|([^{}|]+)((?:\|[a-z]+=[^{}|]+)*)\}")
VALRE = re.compile(
    r"^(PRESENT_REF|PAST_REF|FUTURE_REF|"
    r"P(\d+(\.\d+)?|X)(Y|M|W|D|DE|CE)|PT(\d+|X)(H|M|S)|P\d+DT\d+H|PT\d+H\d+M|"
    r"(FY)?\d{2,4}(-(Q[1-4]|H[12]|SP|SU|FA|WI|W\d\d(-[1-7]|-WE)?|\d\d(-\d\d)?))?"
    r"(T(\d\d:\d\d|MO|AF|EV|NI))?|"
    r"XXXX(-WXX-[1-7]|-WXX-WE|-XX-XX|-WXX|-SP|-SU|-FA|-WI|-\d\d)?(T(\d\d:\d\d|MO|AF|EV|NI))?|XXXX-\d\d-\d\d|"
    r"\d{4}-\d\d-\d\dT\d\d:\d\d)$"
)
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MODS = {
    "START",
    "MID",
    "END",
    "APPROX",
    "BEFORE",
    "AFTER",
    "ON_OR_BEFORE",
    "ON_OR_AFTER",
    "LESS_THAN",
    "MORE_THAN",
    "EQUAL_OR_LESS",
    "EQUAL_OR_MORE",
}


def checks(doc, dct, text, typ, val, problems):
    t = text.lower()
    d0 = dt.date.fromisoformat(dct)
    m = re.match(r"^(\d{4})-(\d\d)-(\d\d)", val)
    if m:
        d = dt.date(*map(int, m.groups()))
        for i, n in enumerate(DAYS):
            if re.search(r"\b" + n, t) and d.weekday() != i:
                problems.append(f"{doc}: '{text}' {val} is a {DAYS[d.weekday()]}")
    if doc.startswith("news"):
        exp = {"today": d0, "yesterday": d0 - dt.timedelta(1), "tomorrow": d0 + dt.timedelta(1)}
        for k, v in exp.items():
            if re.search(r"\b" + k + r"\b", t) and not val.startswith(v.isoformat()):
                problems.append(f"{doc}: '{text}' {val} expected {v}")
        wk = {"last week": -7, "this week": 0, "next week": 7}
        for k, off in wk.items():
            if t.endswith(k):
                y, w, _ = (d0 + dt.timedelta(off)).isocalendar()
                if val != f"{y}-W{w:02d}":
                    problems.append(f"{doc}: '{text}' {val} expected {y}-W{w:02d}")
    if not VALRE.match(val):
        problems.append(f"{doc}: bad value '{val}' for '{text}'")
    if typ == "DURATION" and not val.startswith("P"):
        problems.append(f"{doc}: duration with value {val}")
    if typ == "TIME" and "T" not in val[1:] and val not in ("PRESENT_REF",):
        problems.append(f"{doc}: TIME without T: {val} '{text}'")


def build(src, outdir, narrative):
    raw = Path(src).read_text(encoding="utf-8")
    docs = re.split(r"^=== ", raw, flags=re.M)[1:]
    problems, recs = [], []
    for block in docs:
        head, body = block.split("\n", 1)
        docid, dct = head.split()
        body = body.strip("\n")
        paras = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
        body = "\n\n".join(" ".join(p.split()) for p in paras)
        out, plain, spans, times = [], [], [], []
        pos, tid, plen = 0, 0, 0
        for mt in TAG.finditer(body):
            pre = body[pos : mt.start()]
            if "{" in pre or "}" in pre or "|" in pre:
                problems.append(f"{docid}: stray markup near: {pre[-60:]!r}")
            out.append(html.escape(pre, quote=False))
            plain.append(pre)
            plen += len(pre)
            text, code, val, extra = mt.groups()
            typ = TYPES[code]
            attrs = dict(kv.split("=", 1) for kv in extra.split("|")[1:])
            tid += 1
            a = [f'tid="t{tid}"', f'type="{typ}"', f'value="{val}"']
            if "m" in attrs:
                if attrs["m"] not in MODS:
                    problems.append(f"{docid}: bad mod {attrs['m']}")
                a.append(f'mod="{attrs["m"]}"')
            if typ == "SET":
                if "q" in attrs:
                    a.append(f'quant="{attrs["q"]}"')
                if "f" in attrs:
                    a.append(f'freq="{attrs["f"]}"')
            if typ in ("DATE", "TIME"):
                if "tf" in attrs:
                    tf = attrs["tf"] == "1"
                else:
                    tf = not (re.search(r"\d{4}", text) or re.search(r"centur", text.lower()))
                a.append(f'temporalFunction="{"true" if tf else "false"}"')
                a.append('functionInDocument="NONE"')
                if tf and not narrative:
                    a.append('anchorTimeID="t0"')
            else:
                a.append('temporalFunction="false"')
                a.append('functionInDocument="NONE"')
            checks(docid, dct, text, typ, val, problems)
            out.append(f"<TIMEX3 {' '.join(a)}>{html.escape(text, quote=False)}</TIMEX3>")
            s = {
                "start": plen,
                "end": plen + len(text),
                "label": typ,
                "text": text,
                "timex": {"type": typ, "value": val, "mod": attrs.get("m")},
            }
            (times if typ == "TIME" else spans).append(s)
            plain.append(text)
            plen += len(text)
            pos = mt.end()
        rest = body[pos:]
        if "{" in rest or "}" in rest or "|" in rest:
            problems.append(f"{docid}: stray markup near end: {rest[:80]!r}")
        out.append(html.escape(rest, quote=False))
        plain.append(rest)
        xml = (
            '<?xml version="1.0" ?>\n'
            '<TimeML xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:noNamespaceSchemaLocation="http://timeml.org/timeMLdocs/TimeML_1.2.1.xsd">\n'
            f"<DOCID>{docid}</DOCID>\n"
            f'<DCT><TIMEX3 tid="t0" type="DATE" value="{dct}" temporalFunction="false" '
            f'functionInDocument="CREATION_TIME">{dct}</TIMEX3></DCT>\n'
            "<TEXT>\n" + "".join(out) + "\n</TEXT>\n</TimeML>\n"
        )
        Path(outdir, docid + ".tml").write_text(xml, encoding="utf-8")
        words = len(re.findall(r"\S+", "".join(plain)))
        recs.append((docid, dct, words, tid))
    for p in problems:
        print("PROBLEM", p)
    return recs


if __name__ == "__main__":
    for name, narrative in (("news", False), ("history", True)):
        if Path(f"src/{name}.txt").exists():
            for r in build(f"src/{name}.txt", name, narrative):
                print(*r)
