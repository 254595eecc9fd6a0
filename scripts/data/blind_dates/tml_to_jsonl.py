#!/usr/bin/env python3
"""Independent TimeML -> JSONL reader (written for this set): re-reads the .tml files with
xml.etree, checks unique tids, and writes {"id","text","dct","spans","times"} as score_timex.py expects.
    python3 tml_to_jsonl.py DIR OUT.jsonl"""

import glob
import json
import os
import sys
import xml.etree.ElementTree as ET


def read(path):
    root = ET.parse(path).getroot()
    docid = root.findtext("DOCID")
    dct = root.find("DCT/TIMEX3").get("value")
    textel = root.find("TEXT")
    text, spans, times, tids = textel.text or "", [], [], {"t0"}
    for el in textel:
        assert el.tag == "TIMEX3", el.tag
        t = el.get("tid")
        assert t not in tids, (path, t)
        tids.add(t)
        s = {
            "start": len(text),
            "end": len(text) + len(el.text),
            "label": el.get("type"),
            "text": el.text,
            "timex": {"type": el.get("type"), "value": el.get("value"), "mod": el.get("mod")},
        }
        (times if el.get("type") == "TIME" else spans).append(s)
        text += el.text + (el.tail or "")
    return {"id": docid, "text": text, "dct": dct, "spans": spans, "times": times}


if __name__ == "__main__":
    d, out = sys.argv[1], sys.argv[2]
    with open(out, "w", encoding="utf-8") as f:
        for p in sorted(glob.glob(os.path.join(d, "*.tml"))):
            f.write(json.dumps(read(p), ensure_ascii=False) + "\n")
