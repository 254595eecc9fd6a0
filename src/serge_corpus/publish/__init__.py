"""Publishing the gold: a release people load in one line, with no text it may not carry.

`publish(out)` writes the release (HuggingFace Parquet + card, Croissant,
CITATION.cff, LICENSES/, CHANGELOG.md, JSONL/CoNLL/DocBin/brat, SHA256SUMS);
`check_release(folder)` re-runs the leak check and the checksums;
`rehydrate(release, sources, out)` puts a user's own copy of a withheld text
back; `compare_releases(old, new)` says what changed between two releases.
"""

from serge_corpus.publish.changes import ReleaseChanges, changes_markdown, compare_releases
from serge_corpus.publish.leak import Leak, find_leaks, find_leaks_in_folder
from serge_corpus.publish.rehydrate import RehydrateResult, rehydrate
from serge_corpus.publish.release import CheckResult, PublishResult, check_release, publish

__all__ = [
    "CheckResult",
    "Leak",
    "PublishResult",
    "RehydrateResult",
    "ReleaseChanges",
    "changes_markdown",
    "check_release",
    "compare_releases",
    "find_leaks",
    "find_leaks_in_folder",
    "publish",
    "rehydrate",
]
