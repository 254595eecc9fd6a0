"""stanza NER on the project's own tokens and sentences.

Two ways to get a model, one code path (`stanza.Pipeline` with
`tokenize_pretokenized=True`, so no tokenizer model is needed):

- downloaded: the official English NER (OntoNotes labels) in a stanza
  resources directory: option `dir`, else `$STANZA_RESOURCES_DIR`, else
  `~/stanza_resources`. Nothing is downloaded at run time; without a model
  the backend raises E124 naming the directory and the download command.
- local: a model trained with `stanza.models.ner_tagger`, given by
  `ner_model_path` (plus `ner_pretrain_path` if it was trained with word
  vectors, and charlm paths if with a character LM). The pipeline then reads
  an empty resources index (`data/ner_stanza_resources.json`), so no download
  and no resources directory are involved.

Each block's sentences (its tokens, or the project tokenizer's when a record
has none) go to stanza as pre-tokenised sentences; the BIOES tags that come
back are decoded by `bioes.bioes_to_spans` and mapped to character offsets
through the same tokens, so offsets never depend on how stanza joins words.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from serge_corpus.errors import Problem, SergeCorpusError
from serge_corpus.model import Block, Sentence, Span, Token
from serge_corpus.ner.base import Candidate, annotatable, finalize_spans
from serge_corpus.ner.bioes import bioes_to_spans, spans_to_bioes
from serge_corpus.ner.boundaries import load_boundary_policy
from serge_corpus.ner.labels import load_label_map

ENV_RESOURCES_DIR = "STANZA_RESOURCES_DIR"
DOWNLOAD_COMMAND = "python -c \"import stanza; stanza.download('en', processors='tokenize,ner')\""
LOCAL_RESOURCES_NAME = "ner_stanza_resources.json"


def resources_dir(dir: str | Path | None = None) -> Path:
    """Where downloaded stanza models are looked for."""
    if dir is not None:
        return Path(dir).expanduser()
    env = os.environ.get(ENV_RESOURCES_DIR)
    return Path(env).expanduser() if env else Path.home() / "stanza_resources"


def missing_official_model(dir: Path, lang: str = "en") -> str | None:
    """Why no downloaded NER model for `lang` is usable in `dir`, or None."""
    if not (dir / "resources.json").is_file():
        return f"{dir / 'resources.json'} does not exist"
    ner_dir = dir / lang / "ner"
    if not any(ner_dir.glob("*.pt")):
        return f"no NER model (*.pt) in {ner_dir}"
    return None


def model_not_found(dir: Path, reason: str) -> SergeCorpusError:
    return SergeCorpusError(
        Problem(
            "E124",
            f"searched {dir}: {reason}. Where there is internet run {DOWNLOAD_COMMAND}, copy the stanza_resources "
            f"directory here and pass dir= (or set {ENV_RESOURCES_DIR})",
            file=str(dir),
            field="dir",
        )
    )


def blocks_to_stanza_sentences(blocks: Sequence[Block]) -> list[list[dict[str, Any]]]:
    """Training data for `stanza.models.ner_tagger` (its JSON format) from annotated blocks.

    One sentence per block sentence, tokens from the block (or the project
    tokenizer), BIOES tags from the block's spans.
    """
    from serge_corpus.segment import tokenize

    out: list[list[dict[str, Any]]] = []
    for block in blocks:
        if not annotatable(block):
            continue
        tokens = block.tokens or tuple(tokenize(block.text))
        for group in sentence_tokens(tokens, block.sentences):
            tags = spans_to_bioes([(t.start, t.end) for t in group], [s.key for s in block.spans])
            out.append([{"id": k + 1, "text": t.text, "ner": tag} for k, (t, tag) in enumerate(zip(group, tags))])
    return out


def pipeline_config(
    *,
    dir: Path,
    lang: str,
    ner_model_path: str | Path | None,
    ner_pretrain_path: str | Path | None,
    ner_forward_charlm_path: str | Path | None,
    ner_backward_charlm_path: str | Path | None,
    batch_size: int,
    device: str | None,
) -> dict[str, Any]:
    """Keyword arguments for `stanza.Pipeline`; pure, so it can be checked without loading."""
    config: dict[str, Any] = {
        "lang": lang,
        "processors": "tokenize,ner",
        "tokenize_pretokenized": True,
        "download_method": None,
        "dir": str(dir),
        "ner_batch_size": batch_size,
        "logging_level": "ERROR",
    }
    if device is not None:
        config["device"] = device
    if ner_model_path is not None:
        # A local model: empty resources index, every dependency explicit
        # ("" = none; stanza would otherwise look up the official ones).
        local_index = resources.files("serge_corpus.data").joinpath(LOCAL_RESOURCES_NAME)
        config.update(
            resources_filepath=str(local_index),
            allow_unknown_language=True,
            ner_model_path=str(ner_model_path),
            ner_pretrain_path="" if ner_pretrain_path is None else str(ner_pretrain_path),
            ner_forward_charlm_path="" if ner_forward_charlm_path is None else str(ner_forward_charlm_path),
            ner_backward_charlm_path="" if ner_backward_charlm_path is None else str(ner_backward_charlm_path),
        )
    else:
        for key, value in (
            ("ner_pretrain_path", ner_pretrain_path),
            ("ner_forward_charlm_path", ner_forward_charlm_path),
            ("ner_backward_charlm_path", ner_backward_charlm_path),
        ):
            if value is not None:
                config[key] = str(value)
    return config


def sentence_tokens(tokens: Sequence[Token], sentences: Sequence[Sentence]) -> list[list[Token]]:
    """Group a block's tokens by sentence; tokens outside every sentence form their own groups."""
    if not sentences:
        return [list(tokens)] if tokens else []
    groups: list[list[Token]] = []
    current: list[Token] = []
    current_key: int | None = None
    bounds = sorted((s.start, s.end) for s in sentences)
    k = 0
    for token in tokens:
        while k < len(bounds) and bounds[k][1] <= token.start:
            k += 1
        inside = k < len(bounds) and bounds[k][0] <= token.start < bounds[k][1]
        key = k if inside else -1 - k  # distinct key for each gap between sentences
        if key != current_key and current:
            groups.append(current)
            current = []
        current_key = key
        current.append(token)
    if current:
        groups.append(current)
    return groups


class StanzaBackend:
    """NER with a stanza model, fed the project's tokens."""

    name = "stanza"

    def __init__(
        self,
        *,
        dir: str | Path | None = None,
        lang: str = "en",
        ner_model_path: str | Path | None = None,
        ner_pretrain_path: str | Path | None = None,
        ner_forward_charlm_path: str | Path | None = None,
        ner_backward_charlm_path: str | Path | None = None,
        label_scheme: str = "ontonotes",
        label_map: str | Path | None = None,
        boundaries: str | Path | None = None,
        batch_size: int = 32,
        device: str | None = None,
    ) -> None:
        self.dir = resources_dir(dir)
        if ner_model_path is None:
            reason = missing_official_model(self.dir, lang)
            if reason is not None:
                raise model_not_found(self.dir, reason)
        else:
            for field, path in (
                ("ner_model_path", ner_model_path),
                ("ner_pretrain_path", ner_pretrain_path),
                ("ner_forward_charlm_path", ner_forward_charlm_path),
                ("ner_backward_charlm_path", ner_backward_charlm_path),
            ):
                if path is not None and not Path(path).is_file():
                    raise SergeCorpusError(Problem("E124", f"{field} does not exist", file=str(path), field=field))
        config = pipeline_config(
            dir=self.dir,
            lang=lang,
            ner_model_path=ner_model_path,
            ner_pretrain_path=ner_pretrain_path,
            ner_forward_charlm_path=ner_forward_charlm_path,
            ner_backward_charlm_path=ner_backward_charlm_path,
            batch_size=batch_size,
            device=device,
        )
        self.nlp = _load_pipeline(config)
        if ner_model_path is not None:
            _check_dependencies(self.nlp, ner_model_path, ner_pretrain_path, ner_forward_charlm_path)
        self.labels = load_label_map(label_scheme, label_map)
        known = self.nlp.processors["ner"].get_known_tags()
        self.labels.check_covers(known, model=f"stanza model {ner_model_path or self.dir}")
        self.policy = load_boundary_policy(None if boundaries is None else str(boundaries))
        import stanza

        self.info = {
            "backend": self.name,
            "model": str(ner_model_path) if ner_model_path else f"{self.dir}/{lang}/ner (downloaded)",
            "pretrain": str(ner_pretrain_path or ""),
            "stanza_version": stanza.__version__,
        }

    @classmethod
    def unavailable_reason(cls) -> str | None:
        if importlib.util.find_spec("stanza") is None:
            return "stanza is not installed"
        dir = resources_dir()
        reason = missing_official_model(dir)
        return None if reason is None else f"no downloaded model ({reason}); pass ner_model_path= for a local one"

    def predict(self, blocks: Sequence[Block]) -> list[list[Span]]:
        from serge_corpus.segment import tokenize

        sentences: list[list[str]] = []
        owners: list[tuple[int, list[Token]]] = []
        block_tokens: dict[int, Sequence[Token]] = {}
        for i, block in enumerate(blocks):
            if not annotatable(block):
                continue
            tokens = block.tokens or tuple(tokenize(block.text))
            block_tokens[i] = tokens
            for group in sentence_tokens(tokens, block.sentences):
                sentences.append([t.text for t in group])
                owners.append((i, group))
        candidates: dict[int, list[Candidate]] = {i: [] for i in block_tokens}
        if sentences:
            doc = self.nlp(sentences)
            for sentence, (i, group) in zip(doc.sentences, owners, strict=True):
                tags = [token.ner for token in sentence.tokens]
                for start, end, raw_label in bioes_to_spans(tags):
                    label = self.labels.map(raw_label)
                    if label is not None:
                        candidates[i].append((group[start].start, group[end - 1].end, label))
        out: list[list[Span]] = [[] for _ in blocks]
        for i, found in candidates.items():
            out[i] = finalize_spans(blocks[i], found, self.policy, self.name, tokens=block_tokens[i])
        return out


def _load_pipeline(config: dict[str, Any]) -> Any:
    import stanza

    try:
        return stanza.Pipeline(**config)
    except Exception as err:  # stanza raises many kinds; all mean "this model does not load"
        raise SergeCorpusError(
            Problem(
                "E125",
                f"{type(err).__name__}: {err}",
                file=config.get("ner_model_path", config["dir"]),
                field="ner_model_path",
            )
        ) from err


def _check_dependencies(nlp: Any, model: str | Path, pretrain: Any, charlm: Any) -> None:
    """Refuse a local model whose word vectors or charlm were not given.

    stanza itself loads such a model and predicts with random vectors in their
    place: a silent, large loss of accuracy.
    """
    problems: list[Problem] = []
    for trainer in nlp.processors["ner"].trainers:
        args = trainer.args
        if args.get("pretrain") and pretrain is None:
            problems.append(
                Problem(
                    "E125",
                    "the model was trained with word vectors; pass ner_pretrain_path= "
                    "to the pretrain .pt it was trained with",
                    file=str(model),
                    field="ner_pretrain_path",
                )
            )
        if args.get("charlm") and charlm is None:
            problems.append(
                Problem(
                    "E125",
                    "the model was trained with a character LM; pass "
                    "ner_forward_charlm_path= and ner_backward_charlm_path=",
                    file=str(model),
                    field="ner_forward_charlm_path",
                )
            )
    if problems:
        raise SergeCorpusError(problems)
