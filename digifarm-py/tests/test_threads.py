"""The module is safe to use from several threads at once; results do not change."""

from __future__ import annotations

import concurrent.futures
import datetime
import pathlib
from typing import Any, Dict, List

import digifarm


def test_concurrent_use_gives_the_same_results(
    project: Dict[str, Any], catalog_dir: pathlib.Path, today: datetime.date
) -> None:
    records: List[Dict[str, Any]] = []
    for i in range(2000):
        r = dict(project, id=f"p-{i}")
        if i % 5 == 0:
            r["license"] = "GPL v2"
        if i % 11 == 0:
            r["status"] = "kaputt"
        records.append(r)
    expected = digifarm.validate_projects(records, today=today)
    shared = digifarm.load_catalog(catalog_dir)
    expected_catalog = shared.validate(today=today)

    def work(n: int) -> bool:
        ok = True
        for _ in range(3):
            ok &= digifarm.validate_projects(records, today=today) == expected
            ok &= digifarm.validate_project(records[n % len(records)], today=today) == expected[n % len(records)]
            ok &= digifarm.load_catalog(catalog_dir).validate(today=today) == expected_catalog
            ok &= shared.validate(today=today) == expected_catalog
            ok &= len(shared.projects(include_private=True)) == 1
        return ok

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(work, range(16)))


def test_other_threads_run_while_validating(project: Dict[str, Any], today: datetime.date) -> None:
    """The bulk validation releases the GIL while the Rust side works: a Python thread that
    only counts keeps making progress during the call."""
    import threading

    records = [dict(project, id=f"p-{i}") for i in range(50_000)]
    progress = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal progress
        while not stop.is_set():
            progress += 1

    counter = threading.Thread(target=count)
    counter.start()
    try:
        before = progress
        results = digifarm.validate_projects(records, today=today)
        during = progress - before
    finally:
        stop.set()
        counter.join()
    assert len(results) == len(records)
    assert during > 0
