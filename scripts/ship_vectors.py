"""(Re)write the vectors a pack ships for the default embedder: ``<pack>/models/vectors-<slug>.npz``.

Covers what a first ingest, the mock jury and the intent router would embed for the pack's own files: every
passage ingestion indexes (référentiel and course files), every evidence sentence of those passages, every
sample answer of the attendus, and every exemplar of ``routes.yaml`` (as a query). Vectors the current file
already holds are reused when it passes its check (``--fresh`` embeds everything again). Run it after
changing the pack's documents, attendus, routes, the chunking or the sentence splitter
(``tests/test_shipped_vectors.py`` fails until then).

Run: ``python scripts/ship_vectors.py [--pack corpus] [--fresh]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from assistant.index.embeddings import make_embeddings
from assistant.index.ingest import pack_chunks
from assistant.index.shipped import (
    KINDS,
    Kind,
    ShippedFirstEmbeddings,
    ShippedVectors,
    embed_kind,
    pack_entries,
    text_key,
    vectors_path,
)
from assistant.pack import pack_from
from assistant.settings import Settings


def main() -> None:
    default = Settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", type=Path, default=default.corpus_dir, help="the certification pack folder")
    parser.add_argument("--fresh", action="store_true", help="embed everything, even what the file already holds")
    args = parser.parse_args()
    spec = str(Settings.model_fields["embeddings"].default)
    settings = default.model_copy(update={"corpus_dir": args.pack.resolve(), "embeddings": spec})
    embedding = make_embeddings(spec)
    started = time.perf_counter()
    pack = pack_from(settings.corpus_dir)
    chunks = pack_chunks(settings, pack)
    entries = pack_entries(chunks, pack.routes, (a for c in pack.ref.criteria for a in c.attendus))
    previous = None if args.fresh else ShippedVectors.load(settings.corpus_dir, embedding)
    embeddings = embedding.embeddings if previous is None else ShippedFirstEmbeddings(embedding.embeddings, previous)
    vectors: dict[tuple[Kind, str], list[float]] = {}
    for kind in KINDS:
        texts = [text for k, text in entries if k == kind]
        vectors.update(((kind, t), v) for t, v in zip(texts, embed_kind(embeddings, kind, texts), strict=True))
    passages = {c.text for c in chunks}

    # Probes, re-embedded at every load to check the file: a chunk, a sentence and an exemplar, the shortest of
    # each (any of them tells another model apart; short ones keep the check to a few milliseconds per start).
    def shortest(candidates: list[tuple[Kind, str]], least: int) -> tuple[Kind, str]:
        return min((e for e in candidates if len(e[1]) >= least), key=lambda e: (len(e[1]), e[1]))

    probes: list[tuple[Kind, str]] = [
        shortest([e for e in entries if e[0] == "passage" and e[1] in passages], 40),
        shortest([e for e in entries if e[0] == "passage" and e[1] not in passages], 40),
        shortest([e for e in entries if e[0] == "query"], 20),
    ]
    shipped = ShippedVectors(
        embedding.model_id, [text_key(*e) for e in entries], np.asarray([vectors[e] for e in entries]), probes
    )
    path = vectors_path(settings.corpus_dir, embedding.model_id)
    shipped.save(path)
    check = ShippedVectors.read(path).probe_cosine(embedding.embeddings)
    queries = sum(kind == "query" for kind, _ in entries)
    samples = {t for c in pack.ref.criteria for a in c.attendus for t in a.sample_answers}
    sentences = len(entries) - queries - len(passages) - len(samples)
    print(
        f"{path}: {len(entries)} vectors ({len(passages)} passages, {sentences} sentences,"
        f" {len(samples)} sample answers, {queries} exemplars),"
        f" dim {shipped.dim}, {path.stat().st_size / 1024:.0f} KiB, model {embedding.model_id};"
        f" probe cosine {check:.5f}; {time.perf_counter() - started:.1f} s"
        + ("" if previous is None else " (vectors of the previous file reused)")
    )


if __name__ == "__main__":  # documents load in spawned processes: keep the module importable
    main()
