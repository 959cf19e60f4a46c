"""The benchmarks' matter: a 行政许可 whose published guide is complete (basis, conditions, materials, limits,
flow), as a matter in service is. An incomplete guide raises a guide_incomplete signal (Art. 11(4)) with its 督办
item on every case started, which would measure the supervision of a faulty catalogue, not the engine."""

from __future__ import annotations

from typing import Any

GUIDE = dict(
    type="行政许可",
    legal_basis=["《中华人民共和国行政许可法》"],
    statutory_limit_days=20,
    promised_limit_days=10,
    handling="承诺件",
    star_level=3,
    conditions=["申请人具有完全民事行为能力"],
    materials=[{"name": "申请书", "form": "原件", "copies": 1, "required": True}],
)


def bench_matter(code: str, key: str, name: str, department: str, process_file: str) -> dict[str, Any]:
    """A catalogue entry for ``process_file`` with the complete guide above."""
    return dict(code=code, key=key, name=name, department=department, process_file=process_file, **GUIDE)
