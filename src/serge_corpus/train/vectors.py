"""Word vectors made here, offline, for stanza's `Pretrain` file.

No word vectors can be downloaded here and en_core_web_sm ships none, so the
stanza method builds its own from the training text: positive pointwise
mutual information over a symmetric window, reduced by truncated SVD (sparse, ARPACK) (the
count-based counterpart of word2vec, Levy & Goldberg 2014), rows scaled to
unit length. Lowercased, like stanza's default. Written as word2vec text and
converted by `stanza.models.common.pretrain.Pretrain` into MODEL/pretrain.pt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def ppmi_svd_vectors(
    sentences: Sequence[Sequence[str]], *, dim: int = 50, window: int = 3, min_count: int = 1
) -> tuple[list[str], np.ndarray]:
    """(vocabulary, matrix) of `dim`-dimensional vectors for lowercased words."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.linalg import svds

    counts = Counter(w.lower() for s in sentences for w in s)
    vocab = sorted(w for w, c in counts.items() if c >= min_count)
    index = {w: i for i, w in enumerate(vocab)}
    n = len(vocab)
    pairs: dict[tuple[int, int], float] = {}
    for sentence in sentences:
        ids = [index.get(w.lower()) for w in sentence]
        for i, a in enumerate(ids):
            if a is None:
                continue
            for j in range(max(0, i - window), min(len(ids), i + window + 1)):
                b = ids[j]
                if j != i and b is not None:
                    pairs[(a, b)] = pairs.get((a, b), 0.0) + 1.0 / abs(i - j)
    if not pairs:
        return vocab, np.zeros((n, dim))
    # Sparse throughout: the co-occurrence matrix of a few thousand words is mostly zeros, and a
    # full SVD of it costs minutes on a busy CPU where the truncated one below takes seconds.
    rows = np.fromiter((a for a, _ in pairs), dtype=np.int64, count=len(pairs))
    cols = np.fromiter((b for _, b in pairs), dtype=np.int64, count=len(pairs))
    values = np.fromiter(pairs.values(), dtype=np.float64, count=len(pairs))
    total = values.sum()
    row_sum = np.bincount(rows, weights=values, minlength=n)
    col_sum = np.bincount(cols, weights=values, minlength=n) ** 0.75  # context distribution smoothing
    col_sum = col_sum / col_sum.sum() * total
    pmi = np.log(values * total / (row_sum[rows] * col_sum[cols]))
    keep = pmi > 0
    ppmi = coo_matrix((pmi[keep], (rows[keep], cols[keep])), shape=(n, n)).tocsr()
    k = min(dim, n - 1)
    matrix = np.zeros((n, dim))
    if k >= 1 and ppmi.nnz:
        # ARPACK from a fixed start vector: the same vectors for the same text.
        u, s, _ = svds(ppmi, k=k, v0=np.full(n, 1.0 / np.sqrt(n)))
        order = np.argsort(-s)
        matrix[:, :k] = u[:, order] * np.sqrt(s[order])
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return vocab, matrix / np.where(norms == 0, 1.0, norms)


def write_word2vec_text(path: Path, vocab: Sequence[str], matrix: np.ndarray) -> None:
    lines = [f"{len(vocab)} {matrix.shape[1]}"]
    lines += [w + " " + " ".join(f"{x:.5f}" for x in row) for w, row in zip(vocab, matrix) if " " not in w]
    lines[0] = f"{len(lines) - 1} {matrix.shape[1]}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def build_pretrain(
    sentences: Sequence[Sequence[str]], out: Path, *, dim: int = 50, window: int = 3, min_count: int = 1
) -> dict[str, int]:
    """Write out (a stanza Pretrain .pt) from `sentences`; returns its size."""
    from stanza.models.common.pretrain import Pretrain

    vocab, matrix = ppmi_svd_vectors(sentences, dim=dim, window=window, min_count=min_count)
    text = out.with_suffix(".vectors.txt")
    write_word2vec_text(text, vocab, matrix)
    Pretrain(str(out), str(text), max_vocab=len(vocab) + 10, save_to_file=True).load()
    text.unlink()
    return {"words": len(vocab), "dim": dim, "window": window, "min_count": min_count}
