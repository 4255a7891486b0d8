"""Every paragraph of the four seed articles has exactly one row in the seed-to-lesson table
of lessons/README.md, and every row names lessons that exist (or says why the paragraph is not
course material). A paragraph is a prose line of at least 12 words that is not code; rows are
keyed `SSS.NN` (seed file prefix, paragraph number)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
README = Path(settings.LESSONS_DIR) / "README.md"
CODE = re.compile(
    r"^(#|\$|FROM |RUN |COPY |CMD |WORKDIR |EXPOSE |USER |ENV |apiVersion|kind:"
    r"|[a-zA-Z_.-]+:\s*$|- name:|docker |kubectl |helm |eksctl |gcloud |az )"
)
ROW = re.compile(r"^\| (\d{3}\.\d{2}) \| (.+?) \| (.+?) \|$")
# Paragraph counts of the seeds the table was written from; a change to a seed changes these.
EXPECTED = {"000": 31, "001": 8, "002": 21, "003": 49}
NOT_COURSE = "not course material"


def seed_paragraphs(folder: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(folder.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").split("\n")]
        prose = [line for line in lines if len(line.split()) >= 12 and not CODE.match(line)]
        for number, text in enumerate(prose, start=1):
            found[f"{path.name[:3]}.{number:02d}"] = text
    return found


def table_rows() -> dict[str, list[str]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Where the seed articles' topics are taught", 1)[1]
    rows: dict[str, list[str]] = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            key = match.group(1)
            assert key not in rows, f"lessons/README.md: seed paragraph {key} has two rows"
            rows[key] = [s.strip().strip("`") for s in match.group(3).split(",")]
    return rows


def test_one_row_per_seed_paragraph_naming_real_lessons() -> None:
    rows = table_rows()
    expected = {f"{seed}.{n:02d}" for seed, count in EXPECTED.items() for n in range(1, count + 1)}
    assert sorted(expected - rows.keys()) == [], "seed paragraphs without a row"
    assert sorted(rows.keys() - expected) == [], "rows for paragraphs that do not exist"
    # NN-slug.md: the slug is the file name without its order prefix (lessons/README.md)
    slugs = {p.stem.split("-", 1)[1] for p in Path(settings.LESSONS_DIR).glob("*/*.md")}
    unknown = {
        key: [s for s in lessons if s not in slugs]
        for key, lessons in rows.items()
        if lessons != [NOT_COURSE] and any(s not in slugs for s in lessons)
    }
    assert unknown == {}, "rows naming lessons that do not exist"
    taught = {s for lessons in rows.values() for s in lessons}
    # The seeds are spread over most of the course, not piled onto a few lessons.
    assert len(taught & slugs) >= 15


def test_the_table_matches_the_seed_articles() -> None:
    candidates = [ROOT.parent / "shared" / "seeds", ROOT.parent.parent / "shared" / "seeds"]
    folder = next((c for c in candidates if c.is_dir()), None)
    if folder is None:
        pytest.skip("the seed articles (../shared/seeds) are not next to this checkout")
    paragraphs = seed_paragraphs(folder)
    counts = {seed: sum(1 for k in paragraphs if k.startswith(seed)) for seed in EXPECTED}
    assert counts == EXPECTED
