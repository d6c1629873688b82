"""``minsheng topics``: group the free texts of one CSV column by the problem they describe.

For analysts: what residents wrote in a survey's free answers, an export of suggestions or
of order notes. The grouping is ``voice.clustering.group_texts`` with the catalog's
vocabulary (``voice.vocabulary``) when the database has a catalog.
"""

from __future__ import annotations

import csv
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from sklearn.metrics import adjusted_rand_score

from minsheng.voice.clustering import Cluster, Vocabulary, group_texts
from minsheng.voice.vocabulary import catalog_vocabulary

ID_COLUMN = "id"


class Command(BaseCommand):
    help = (
        "Group the texts of one column of a CSV file by the problem they describe and print "
        "each group's size, key words and representative texts (or JSON with --json). "
        "The number of groups is found unless --clusters is given."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--csv", required=True, metavar="FILE", help="UTF-8 CSV file")
        parser.add_argument("--text", required=True, metavar="COL", help="the text column")
        parser.add_argument("--clusters", metavar="N", help="the number of groups (default: found)")
        parser.add_argument(
            "--json",
            action="store_true",
            help='print {"clusters": [{"id", "size", "keywords", "members"}]}',
        )
        parser.add_argument(
            "--labels",
            metavar="COL",
            help="a column of known groups: also print the adjusted Rand index against it",
        )
        parser.add_argument(
            "--no-catalog",
            action="store_true",
            help="do not use the catalog's vocabulary (to measure what it brings)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: str = options["csv"]
        column: str = options["text"]
        labels_column: str | None = options["labels"]
        header, rows = _read(path)
        for wanted in [column, labels_column]:
            if wanted is not None and wanted not in header:
                listed = ", ".join(header) or "none"
                raise CommandError(f'{path} has no column "{wanted}"; its columns: {listed}')
        has_id = ID_COLUMN in header
        kept = [(i, row) for i, row in enumerate(rows) if (row.get(column) or "").strip() != ""]
        if not kept:
            raise CommandError(f'no texts in column "{column}" of {path}')
        wanted_clusters = _clusters(options["clusters"], len(kept))
        vocabulary = Vocabulary() if options["no_catalog"] else _vocabulary()
        texts = [(row.get(column) or "").strip() for _, row in kept]
        clusters = group_texts(texts, vocabulary=vocabulary, n_clusters=wanted_clusters)

        def row_id(index: int) -> str | int:
            number, row = kept[index]
            return (row.get(ID_COLUMN) or "") if has_id else number

        ari = None
        if labels_column is not None:
            found = [0] * len(texts)
            for cluster in clusters:
                for member in cluster.members:
                    found[member] = cluster.id
            truth = [(row.get(labels_column) or "") for _, row in kept]
            ari = float(adjusted_rand_score(truth, found))
        if options["json"]:
            document: dict[str, Any] = {
                "clusters": [
                    {
                        "id": c.id,
                        "size": len(c.members),
                        "keywords": c.keywords,
                        "members": [row_id(m) for m in c.members],
                    }
                    for c in clusters
                ]
            }
            if ari is not None:
                document["adjusted_rand_index"] = round(ari, 4)
            self.stdout.write(json.dumps(document, ensure_ascii=False))
            return
        self._print(clusters, texts, row_id, given=wanted_clusters is not None)
        if ari is not None:
            self.stdout.write(f'Adjusted Rand index against "{labels_column}": {ari:.3f}')

    def _print(
        self, clusters: list[Cluster], texts: list[str], row_id: Any, *, given: bool
    ) -> None:
        how = "as asked" if given else "found"
        self.stdout.write(f"{len(texts)} texts in {len(clusters)} groups ({how}).")
        for c in clusters:
            self.stdout.write("")
            keywords = ", ".join(c.keywords) or "-"
            size = f"{len(c.members)} text" + ("" if len(c.members) == 1 else "s")
            self.stdout.write(f"Group {c.id}: {size}. Key words: {keywords}")
            for member in c.examples:
                self.stdout.write(f"  [{row_id(member)}] {texts[member]}")


def _read(path: str) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [name for name in (reader.fieldnames or [])]
            rows = list(reader)
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise CommandError(
            f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8 CSV"
        ) from None
    except csv.Error as exc:
        raise CommandError(f"{path} is not a readable CSV file: {exc}") from None
    if not header:
        raise CommandError(f"{path} is empty: it needs a header row naming its columns")
    return header, rows


def _clusters(value: str | int | None, texts: int) -> int | None:
    if value is None:
        return None
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise CommandError(f"--clusters must be a positive whole number, not {value!r}")
    number = int(text)
    if number > texts:
        raise CommandError(f"--clusters {number} is more than the {texts} texts to group")
    return number


def _vocabulary() -> Vocabulary:
    """The catalog's vocabulary; an empty one when the database has no catalog (or none at
    all: the command also works on an analyst's machine without the platform's data)."""
    try:
        return catalog_vocabulary()
    except DatabaseError:
        return Vocabulary()
