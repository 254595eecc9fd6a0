"""Memory of the check of record ids across documents (streamed `validate`): the driver's id register.

    PYTHONPATH=src python scripts/bench_record_ids.py 500000   # documents of 10 records each

Prints the resident memory the register adds once every document's ids are in it, and the peak
while it looks for hashes held by two documents (the end of a run). Linux only (/proc/self/status).
"""

from __future__ import annotations

import sys
import time

from serge_corpus.batch.record_ids import IdRegister, id_hashes


def memory_kib() -> dict[str, int]:
    with open("/proc/self/status") as fp:
        return {line.split(":")[0]: int(line.split()[1]) for line in fp if line.startswith(("VmRSS", "VmHWM"))}


def main(documents: int, per_document: int = 10) -> None:
    start = memory_kib()
    began = time.perf_counter()
    register = IdRegister()
    for d in range(documents):
        register.add(d, id_hashes([f"doc{d:07d}:{i:04d}" for i in range(per_document)]))
    register.shared()  # joins the pending chunk first
    end = memory_kib()
    ids = documents * per_document
    held = (sum(a.nbytes for a in register.hashes) + sum(a.nbytes for a in register.documents)) / ids
    print(
        f"{ids:,} ids: the register holds {held:.1f} bytes an id; peak RSS "
        f"+{(end['VmHWM'] - start['VmRSS']) / 1024:.1f} MiB over the start "
        f"({(end['VmHWM'] - start['VmRSS']) * 1024 / ids:.1f} bytes an id); {time.perf_counter() - began:.1f} s"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
