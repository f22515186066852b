"""Locations the tests share: the repository and the real public data beside it."""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("WORKBENCH_SHARED_DATA", REPO.parent / "shared" / "data"))
WALMART = SHARED_DATA / "walmart"
BPIC2012 = SHARED_DATA / "bpic2012" / "BPI_Challenge_2012_before_2012-01-15.xes.gz"
PERSUASION = SHARED_DATA / "persuasionforgood"
CDNOW = SHARED_DATA / "cdnow"
