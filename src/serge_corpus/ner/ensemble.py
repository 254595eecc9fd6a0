"""Combine NER backends by a policy read from a data file.

Policy (`data/ner_ensemble.json`, or option `policy=PATH`):

- `mode`: `augment` (the default) keeps every span of the `base` members
  (the statistical models) and lets the other members (gazetteer, corpus
  patterns) add spans, relabel or re-cut, each within its `authority`: a model
  span that no rule overlaps is never dropped, so the ensemble cannot delete
  what the rules have no opinion on. `priority` keeps every member's spans
  and settles conflicts; `vote` keeps a span (exact start, end, label) only
  when at least `min_votes` members predicted it, or a member trusted for its
  label did (`data/ner_ensemble_vote.json`, the policy fitted to the afterword).
- `base` (augment): the members whose spans are the base; default the models
  (`spacy`, `stanza`).
- `authority` (augment): member -> `replace` (its span replaces every base span
  it overlaps: a corpus's own patterns), `extend` (relabels a base span with the
  same bounds, re-cuts base spans it covers; a longer or crossing base span
  wins), `add` (only where no span is). Default `add`.
- `protect` (augment): member -> labels of base spans it never replaces (the
  gazetteer does not turn a model's PERSON `Lincoln` into a city).
- `backends`: member names, or null for every available backend
  (`available_backends()`: spacy and rules, stanza when a model is present).
- `priority`: members in order of preference (earlier wins a tie).
- `min_votes`: vote mode only; an integer, or `"majority"` (more than half
  of the members).
- `trust`: label -> members trusted for that label (e.g. rules for
  WORK_OF_ART, spacy for PERSON).
- `resolve`: the order of criteria that pick one span where kept spans
  overlap, each "higher wins": `trust` (backed by a trusted member),
  `votes` (members agreeing), `length` (characters; the guidelines' "larger
  named unit wins"), `priority` (best member's place in `priority`). The
  last resort is the leftmost span, then label order. Default:
  vote mode `trust, votes, length, priority`; priority mode
  `trust, priority, length`.
- `options`: member name -> its options (e.g. `{"rules": {"patterns": "…"}}`).
- `learned` (augment): a learned model file (`ner/learned.py`; `"packaged"` =
  `data/ner_ensemble_model.json`) that decides the contested candidates
  instead of the authority rules; null = the hand rules above.
- `consistency`: run the one-sense-per-discourse pass (`ner/consistency.py`)
  over each whole document after prediction (`annotate` does it).

Output is flat; each span records in `extra["votes"]` the members that
predicted it exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from serge_corpus.data_files import read_json_data
from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import LABELS, Block, Span
from serge_corpus.ner.base import NerBackend, make_span

DEFAULT_POLICY_NAME = "ner_ensemble.json"
MODES = ("augment", "priority", "vote")
AUTHORITIES = ("replace", "extend", "add")
DEFAULT_BASE = ("spacy", "stanza")
CRITERIA = ("trust", "votes", "length", "priority")
DEFAULT_RESOLVE = {
    "vote": ("trust", "votes", "length", "priority"),
    "priority": ("trust", "priority", "length"),
    "augment": ("priority", "length"),
}
_KEYS = {
    "mode",
    "backends",
    "priority",
    "min_votes",
    "trust",
    "resolve",
    "options",
    "base",
    "authority",
    "protect",
    "consistency",
    "learned",
}


@dataclass(frozen=True)
class EnsemblePolicy:
    mode: str = "vote"
    backends: tuple[str, ...] | None = None
    priority: tuple[str, ...] = ()
    min_votes: int | str = "majority"
    trust: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    resolve: tuple[str, ...] = DEFAULT_RESOLVE["vote"]
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    base: tuple[str, ...] = DEFAULT_BASE
    authority: Mapping[str, str] = field(default_factory=dict)
    protect: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    consistency: bool = False
    learned: str | None = None
    file: str | None = None

    def required_votes(self, members: int) -> int:
        if self.min_votes == "majority":
            return members // 2 + 1
        return int(self.min_votes)

    def names(self) -> set[str]:
        """Every member name the policy mentions."""
        return (
            set(self.backends or ())
            | set(self.priority)
            | set(self.options)
            | set(self.authority)
            | set(self.protect)
            | {n for names in self.trust.values() for n in names}
        )


def policy_from_dict(data: Any, file: str | None = None) -> EnsemblePolicy:
    """Validate a policy object; every bad field is reported at once (E128)."""
    if not isinstance(data, dict):
        raise SergeCorpusError(Problem("E128", "expected a JSON object", file=file))
    problems: list[Problem] = []

    def bad(field_name: str, detail: str) -> None:
        problems.append(Problem("E128", detail, file=file, field=field_name))

    def names(key: str, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            bad(key, "expected a list of backend names")
            return ()
        return tuple(value)

    for key in sorted(set(data) - _KEYS):
        if not key.startswith("_"):
            bad(key, f"unknown field; fields: {', '.join(sorted(_KEYS))}")
    mode = data.get("mode", "vote")
    if mode not in MODES:
        bad("mode", f"{mode!r}; use one of {', '.join(MODES)}")
        mode = "vote"
    base = names("base", data.get("base", list(DEFAULT_BASE)))
    authority_raw = data.get("authority", {})
    authority: dict[str, str] = {}
    if not isinstance(authority_raw, dict):
        bad("authority", "expected an object backend name -> replace | extend | add")
    else:
        for member, level in authority_raw.items():
            if level not in AUTHORITIES:
                bad(f"authority.{member}", f"{level!r}; use one of {', '.join(AUTHORITIES)}")
            else:
                authority[member] = level
    protect_raw = data.get("protect", {})
    protect: dict[str, tuple[str, ...]] = {}
    if not isinstance(protect_raw, dict):
        bad("protect", "expected an object backend name -> list of labels")
    else:
        for member, labels in protect_raw.items():
            if not isinstance(labels, list) or not all(label in LABELS for label in labels):
                bad(f"protect.{member}", f"expected a list of guidelines labels ({', '.join(LABELS)})")
            else:
                protect[member] = tuple(labels)
    consistency = data.get("consistency", False)
    if not isinstance(consistency, bool):
        bad("consistency", f"{consistency!r}; use true or false")
        consistency = False
    learned = data.get("learned")
    if learned is not None and not (isinstance(learned, str) and learned):
        bad("learned", f'{learned!r}; a model file ("packaged" for the shipped one) or null')
        learned = None
    if mode != "augment":
        for key in ("base", "authority", "protect", "learned"):
            if key in data:
                bad(key, "applies to augment mode only; remove it or set mode to augment")
    backends = data.get("backends")
    members = None if backends is None else names("backends", backends)
    if members is not None and not members:
        bad("backends", "an empty list; use null for every available backend")
    priority = names("priority", data.get("priority", []))
    min_votes = data.get("min_votes", "majority" if mode == "vote" else None)
    if mode != "vote" and "min_votes" in data:
        bad("min_votes", "applies to vote mode only; remove it or set mode to vote")
    elif mode == "vote" and not (min_votes == "majority" or _positive_int(min_votes)):
        bad("min_votes", f'{min_votes!r}; use an integer >= 1 or "majority"')
    trust_raw = data.get("trust", {})
    trust: dict[str, tuple[str, ...]] = {}
    if not isinstance(trust_raw, dict):
        bad("trust", "expected an object label -> list of backend names")
    else:
        for label, trusted in trust_raw.items():
            if label not in LABELS:
                bad(f"trust.{label}", f"not a guidelines label ({', '.join(LABELS)})")
            trust[label] = names(f"trust.{label}", trusted)
    resolve = data.get("resolve", list(DEFAULT_RESOLVE[mode]))
    valid = isinstance(resolve, list) and resolve and set(resolve) <= set(CRITERIA)
    if not valid or len(set(resolve)) != len(resolve):
        bad("resolve", f"{resolve!r}; a list of distinct criteria among {', '.join(CRITERIA)}")
        resolve = list(DEFAULT_RESOLVE[mode])
    options = data.get("options", {})
    if not isinstance(options, dict) or not all(isinstance(v, dict) for v in options.values()):
        bad("options", "expected an object backend name -> object of options")
        options = {}
    if problems:
        raise SergeCorpusError(problems)
    return EnsemblePolicy(
        mode=mode,
        backends=members,
        priority=priority,
        min_votes=min_votes if mode == "vote" and min_votes is not None else 1,
        trust=trust,
        resolve=tuple(resolve),
        options={k: dict(v) for k, v in options.items()},
        base=base,
        authority=authority,
        protect=protect,
        consistency=consistency,
        learned=learned,
        file=file,
    )


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def load_policy(path: str | Path | None = None) -> EnsemblePolicy:
    """The packaged policy, or a user's file."""
    data, file = read_json_data(DEFAULT_POLICY_NAME, path, "ensemble policy", "E128")
    return policy_from_dict(data, file=file)


def supporters_of(predictions: Mapping[str, Sequence[Span]]) -> dict[tuple[int, int, str], list[str]]:
    """Exact (start, end, label) -> the members that predicted it, in member order."""
    supporters: dict[tuple[int, int, str], list[str]] = {}
    for name, spans in predictions.items():
        for span in spans:
            names = supporters.setdefault(span.key, [])
            if name not in names:
                names.append(name)
    return supporters


def member_rank(policy: EnsemblePolicy, members: Sequence[str]) -> Callable[[str], int]:
    """A member's place: its index in `priority`, else after it in member order."""

    def rank(name: str) -> int:
        return policy.priority.index(name) if name in policy.priority else len(policy.priority) + members.index(name)

    return rank


Key = tuple[int, int, str]


def _overlap(a: Key, b: Key) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _only_titles(text: str, titles: frozenset[str]) -> bool:
    """What a model span holds besides a rule's PERSON: nothing but titles (`General` of `General Emilio Mola`)."""
    words = text.split()
    return bool(words) and all(w in titles for w in words)


def augment(
    predictions: Mapping[str, Sequence[Span]],
    policy: EnsemblePolicy,
    text: str = "",
    titles: frozenset[str] = frozenset(),
) -> list[Key]:
    """Augment mode: base spans stay unless a rule member with the authority replaces them.

    Rule members act in priority order, each span longest first; a span kept
    from an earlier rule member is never displaced by a later one.
    """
    members = list(predictions)
    rank = member_rank(policy, members)
    base_members = sorted((m for m in members if m in policy.base), key=rank)
    rule_members = sorted((m for m in members if m not in policy.base), key=rank)
    kept: dict[Key, str] = {}  # key -> "base" or the rule member that put it there
    # Base members: the better-ranked member's span wins an overlap, then the longer one.
    base_spans = [(rank(m), -(s.end - s.start), s.start, s.key) for m in base_members for s in predictions[m]]
    for *_, key in sorted(base_spans):
        if not any(_overlap(key, k) for k in kept):
            kept[key] = "base"
    for member in rule_members:
        level = policy.authority.get(member, "add")
        protected = set(policy.protect.get(member, ()))
        for span in sorted(predictions[member], key=lambda s: (-(s.end - s.start), s.start)):
            key = span.key
            hit = [k for k in kept if _overlap(k, key)]
            if not hit:
                kept[key] = member
                continue
            if level == "add" or any(kept[k] != "base" or k[2] in protected for k in hit):
                continue
            covers = all(key[0] <= k[0] and k[1] <= key[1] for k in hit)
            # A PERSON rule re-cuts a model span that only adds a title to it (the title is outside PERSON).
            retitled = (
                key[2] == "PERSON"
                and len(hit) == 1
                and hit[0][0] <= key[0]
                and key[1] <= hit[0][1]
                and _only_titles(text[hit[0][0] : key[0]] + " " + text[key[1] : hit[0][1]], titles)
            )
            if level == "replace" or covers or retitled:
                for k in hit:
                    del kept[k]
                kept[key] = member
    return sorted(kept)


def combine(block: Block, predictions: Mapping[str, Sequence[Span]], policy: EnsemblePolicy) -> list[Span]:
    """One block's flat spans from each member's spans (`predictions`: member -> spans)."""
    members = list(predictions)
    if policy.mode == "augment":
        support = supporters_of(predictions)
        rank_of = member_rank(policy, members)
        return [
            make_span(block, s, e, label, {"source": "ensemble", "votes": sorted(support[(s, e, label)], key=rank_of)})
            for s, e, label in augment(predictions, policy, block.text, person_titles())
        ]
    supporters: dict[tuple[int, int, str], list[str]] = {}
    for name in members:
        for span in predictions[name]:
            names = supporters.setdefault(span.key, [])
            if name not in names:
                names.append(name)
    needed = policy.required_votes(len(members))

    def trusted(key: tuple[int, int, str]) -> bool:
        return any(name in policy.trust.get(key[2], ()) for name in supporters[key])

    def rank(name: str) -> int:
        # Members missing from `priority` come after it, in member order.
        return policy.priority.index(name) if name in policy.priority else len(policy.priority) + members.index(name)

    kept = [key for key in supporters if policy.mode == "priority" or len(supporters[key]) >= needed or trusted(key)]

    def sort_key(key: tuple[int, int, str]) -> tuple[int, ...]:
        start, end, label = key
        values = {
            "trust": -int(trusted(key)),
            "votes": -len(supporters[key]),
            "length": -(end - start),
            "priority": min(rank(n) for n in supporters[key]),
        }
        return (*(values[c] for c in policy.resolve), start, LABELS.index(label))

    chosen: list[tuple[int, int, str]] = []
    for key in sorted(kept, key=sort_key):
        if all(key[1] <= c[0] or key[0] >= c[1] for c in chosen):
            chosen.append(key)
    chosen.sort()
    return [
        make_span(block, s, e, label, {"source": "ensemble", "votes": sorted(supporters[(s, e, label)], key=rank)})
        for s, e, label in chosen
    ]


RULE_MEMBERS = ("gazetteer", "rules")


def _beside(path: str, policy_file: str | None) -> Path:
    """A model path in a policy file is relative to that file (packaged policies: to the package data)."""
    if Path(path).is_absolute() or policy_file is None:
        return Path(path)
    if policy_file.startswith("serge_corpus/data/"):
        from serge_corpus.ner.gazetteer import packaged_path

        return packaged_path(path)
    return Path(policy_file).parent / path


@lru_cache(maxsize=1)
def person_titles() -> frozenset[str]:
    from serge_corpus.ner.boundaries import load_boundary_policy

    return frozenset(load_boundary_policy(None).person_titles)


def default_members(available: Sequence[str], patterns: object | None) -> list[str]:
    """The models that can run here, the generic gazetteer, and the rules when patterns are given.

    Which members run never depends on the working directory: a corpus's own
    patterns come in through `patterns`, from whoever knows the document is
    one of the corpus's.
    """
    models = [n for n in available if n not in RULE_MEMBERS and n != "ensemble"]
    extra = ["gazetteer"] + (["rules"] if patterns is not None else [])
    return models + [n for n in extra if n in available]


class EnsembleBackend:
    """Runs several backends and combines their spans by a policy."""

    name = "ensemble"

    def __init__(
        self,
        *,
        policy: str | Path | None = None,
        backends: Sequence[str] | None = None,
        mode: str | None = None,
        options: Mapping[str, Mapping[str, Any]] | None = None,
        members: Sequence[NerBackend] | None = None,
        patterns: str | Path | Sequence[str | Path] | None = None,
    ) -> None:
        from serge_corpus.ner.registry import available_backends, get_backend, registered_backends

        loaded = load_policy(policy)
        if mode is not None:
            if mode not in MODES:
                raise SergeCorpusError(Problem("E121", f"mode {mode!r}; use one of {', '.join(MODES)}", field="mode"))
            overrides: dict[str, Any] = {"mode": mode, "resolve": DEFAULT_RESOLVE[mode]}
            if mode != "vote":
                overrides["min_votes"] = 1
            loaded = EnsemblePolicy(**{**loaded.__dict__, **overrides})
        self.policy = loaded
        # Read by `annotate`, which runs the document-level pass once a whole document is predicted.
        self.consistency = loaded.consistency
        self.learned = None
        if loaded.learned is not None and loaded.mode == "augment":
            from serge_corpus.ner.learned import load_model

            self.learned = load_model(None if loaded.learned == "packaged" else _beside(loaded.learned, loaded.file))
        if members is not None:
            self.members = list(members)
        else:
            names = list(backends or loaded.backends or default_members(available_backends(), patterns))
            if self.name in names:
                raise SergeCorpusError(
                    Problem("E128", "an ensemble cannot contain itself", file=loaded.file, field="backends")
                )
            member_options = {name: dict(opts) for name, opts in {**loaded.options, **(options or {})}.items()}
            if patterns is not None and "rules" in names:
                # The gazetteer member already matches the generic names: rules brings only the patterns.
                member_options["rules"] = {
                    **member_options.get("rules", {}),
                    "patterns": patterns,
                    "gazetteer": "gazetteer" not in names,
                }
            self.members = [get_backend(n, **member_options.get(n, {})) for n in names]
        if not self.members:
            raise SergeCorpusError(Problem("E129", "no backend is available here", file=loaded.file, field="backends"))
        member_names = [m.name for m in self.members]
        if len(set(member_names)) != len(member_names):
            raise SergeCorpusError(
                Problem(
                    "E128", f"a backend is listed twice: {', '.join(member_names)}", file=loaded.file, field="backends"
                )
            )
        known = set(registered_backends()) | {m.name for m in self.members}
        unknown = sorted(loaded.names() - known)
        if unknown:
            raise SergeCorpusError(
                Problem(
                    "E128",
                    f"unknown backend name(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}",
                    file=loaded.file,
                )
            )
        self.info = {
            "backend": self.name,
            "members": ",".join(m.name for m in self.members),
            "mode": self.policy.mode,
            "policy": self.policy.file or "",
            "consistency": "on" if self.consistency else "off",
        }
        if self.learned is not None:
            from serge_corpus.ner.learned import model_sha256

            self.info["learned_model_sha256"] = model_sha256(self.learned)
        for member in self.members:
            member_info = getattr(member, "info", {}) or {}
            if member_info.get("patterns"):
                self.info["patterns"] = member_info["patterns"]
                self.info["patterns_sha256"] = member_info.get("patterns_sha256", "")

    @classmethod
    def unavailable_reason(cls) -> str | None:
        from serge_corpus.ner.registry import registered_backends, unavailable_reason

        others = [n for n in registered_backends() if n != cls.name]
        if any(unavailable_reason(n) is None for n in others):
            return None
        return f"none of {', '.join(others)} is available"

    def member_predictions(self, blocks: Sequence[Block]) -> list[dict[str, list[Span]]]:
        """Each block's spans from each member."""
        per_member = {member.name: member.predict(blocks) for member in self.members}
        return [{name: spans[i] for name, spans in per_member.items()} for i in range(len(blocks))]

    def augment_keys(self, block: Block, predictions: Mapping[str, Sequence[Span]]) -> list[Key]:
        return augment(predictions, self.policy, block.text, person_titles())

    def predict(self, blocks: Sequence[Block]) -> list[list[Span]]:
        predictions = self.member_predictions(blocks)
        if self.learned is None:
            return [combine(block, preds, self.policy) for block, preds in zip(blocks, predictions)]
        return self._learned(blocks, predictions)

    def _learned(self, blocks: Sequence[Block], predictions: Sequence[dict[str, list[Span]]]) -> list[list[Span]]:
        from serge_corpus.ner.learned import block_candidates, decode, document_stats

        assert self.learned is not None
        out: list[list[Span]] = [[] for _ in blocks]
        by_doc: dict[str, list[int]] = {}
        for i, block in enumerate(blocks):
            by_doc.setdefault(block.doc_id, []).append(i)
        rank = member_rank(self.policy, [m.name for m in self.members])
        for indices in by_doc.values():
            stats = document_stats([blocks[i] for i in indices], [predictions[i] for i in indices])
            for i in indices:
                block, preds = blocks[i], predictions[i]
                support = supporters_of(preds)
                candidates = block_candidates(block, preds, self.augment_keys(block, preds), stats)
                out[i] = [
                    make_span(
                        block,
                        s,
                        e,
                        label,
                        {"source": "ensemble", "p": round(p, 3), "votes": sorted(support[(s, e, label)], key=rank)},
                    )
                    for (s, e, label), p in decode(candidates, self.learned)
                ]
        return out
