"""Sphinx extension for the GAN Lab book: a bibliography labelled by author and year.

The chapters cite with sphinxcontrib-bibtex's ``author_year`` referencing style ("Goodfellow et al.
[2014]"); pybtex's ``plain`` style would still number the bibliography [1], [2], ... . This registers
``gan_lab_book``, pybtex's ``plain`` style with labels such as "Goodfellow et al., 2014", so the
references page matches the text. Select it with ``bibtex_default_style: gan_lab_book``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from pybtex.plugin import register_plugin
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from sphinx.application import Sphinx


def _surname(person: Any) -> str:
    return Text.from_latex(" ".join(person.last_names)).render_as("text")


class AuthorYearLabelStyle(BaseLabelStyle):
    """One author: "Lin, 1991"; two: "Dumoulin and Visin, 2016"; more: "Goodfellow et al., 2014"."""

    def format_labels(self, sorted_entries: Iterable[Any]) -> Iterator[str]:
        entries = list(sorted_entries)
        labels = []
        for entry in entries:
            names = [_surname(p) for p in entry.persons.get("author", [])] or ["Anonymous"]
            who = names[0] if len(names) == 1 else " and ".join(names) if len(names) == 2 else f"{names[0]} et al."
            labels.append(f"{who}, {entry.fields.get('year', 'n.d.')}")
        counts, seen = Counter(labels), Counter()
        for label in labels:  # the same authors twice in one year: 2017a, 2017b
            if counts[label] > 1:
                seen[label] += 1
                label = f"{label}{'abcdefghijklmnopqrstuvwxyz'[seen[label] - 1]}"
            yield label


class BookStyle(PlainStyle):
    default_label_style = "gan_lab_author_year"


def setup(app: Sphinx) -> dict[str, Any]:
    register_plugin("pybtex.style.labels", "gan_lab_author_year", AuthorYearLabelStyle)
    register_plugin("pybtex.style.formatting", "gan_lab_book", BookStyle)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
