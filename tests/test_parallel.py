"""Loading and rendering a large catalog on two cores: the same catalog, pages and problems as on one."""

from __future__ import annotations

import os
import threading
import time

import pytest
from markupsafe import Markup

from cookie_catalog.catalog import loader, parallel
from cookie_catalog.catalog.loader import load_catalog
from cookie_catalog.catalog.problems import CatalogError
from cookie_catalog.render import pages as pages_module
from cookie_catalog.render.pages import Renderer

from support.catalogs import COOKIE, write_catalog


def pids(part):
    return [(item, os.getpid()) for item in part]


@pytest.fixture
def threads_aside(monkeypatch):
    """Fork although pytest-xdist's worker has threads of its own: the child only computes and leaves."""
    monkeypatch.setattr(threading, "active_count", lambda: 1)


def test_second_half_is_computed_in_a_child_in_order(threads_aside):
    out = parallel.split_map(pids, list(range(10)), lambda _: 1, min_cost=2)
    assert [item for item, _ in out] == list(range(10))
    here = {pid for _, pid in out[:5]}
    there = {pid for _, pid in out[5:]}
    assert here == {os.getpid()} and len(there) == 1 and there != here


def test_then_runs_here_on_this_half_while_the_child_works_then_on_its_half(tmp_path, threads_aside):
    """``then`` is this process's step: on its own part before the child's result is in, then on the child's."""
    done = tmp_path / "child-done"
    me = os.getpid()

    def work(part):
        if os.getpid() != me:
            time.sleep(0.5)
            done.touch()
        return pids(part)

    calls = []

    def then(results):
        calls.append((os.getpid(), [item for item, _ in results], done.exists()))
        return [item * 10 for item, _ in results]

    out = parallel.split_map(work, list(range(10)), lambda _: 1, 2, then)
    assert out == [item * 10 for item in range(10)]
    assert calls == [(me, [0, 1, 2, 3, 4], False), (me, [5, 6, 7, 8, 9], True)]


@pytest.mark.parametrize(
    "make",
    [
        lambda i, pid: (i, [str(pid), None], {"k": (True, 1.5)}),  # plain data: marshalled
        lambda i, pid: Markup(f"<b>{i}</b>{pid}"),  # a str subclass: pickled, still Markup
    ],
)
def test_the_childs_results_come_back_as_they_were_made(make, threads_aside):
    out = parallel.split_map(lambda part: [make(i, os.getpid()) for i in part], list(range(10)), lambda _: 1, 2)
    me = os.getpid()
    assert out[:5] == [make(i, me) for i in range(5)]
    there = [x for x in out[5:] if x not in [make(i, me) for i in range(5, 10)]]
    assert len(there) == 5, "the second half made by the child, not again here"
    assert [type(x) for x in out] == [type(make(0, me))] * 10
    inside = [[type(part) for part in x] for x in out if isinstance(x, tuple)]
    assert inside == ([[int, list, dict]] * 10 if isinstance(out[0], tuple) else [])


def test_small_work_and_threads_stay_in_this_process():
    assert {pid for _, pid in parallel.split_map(pids, list(range(10)), lambda _: 1, min_cost=11)} == {os.getpid()}
    done = threading.Event()
    thread = threading.Thread(target=done.wait)
    thread.start()
    try:
        out = parallel.split_map(pids, list(range(10)), lambda _: 1, min_cost=2)
    finally:
        done.set()
        thread.join()
    assert {pid for _, pid in out} == {os.getpid()}


def test_an_error_in_the_childs_half_is_raised_here(threads_aside):
    parent = os.getpid()

    def work(part):
        if 7 in part:
            raise ValueError(f"item 7 in {'parent' if os.getpid() == parent else 'child'}")
        return list(part)

    with pytest.raises(ValueError, match="item 7 in parent"):
        parallel.split_map(work, list(range(10)), lambda _: 1, min_cost=2)


def test_an_error_in_this_half_leaves_no_child(tmp_path, threads_aside):
    marker = tmp_path / "child-ran-to-the-end"

    def work(part):
        if 0 in part:
            raise ValueError("first half")
        import time

        time.sleep(0.5)
        marker.write_text("x")
        return list(part)

    with pytest.raises(ValueError, match="first half"):
        parallel.split_map(work, list(range(10)), lambda _: 1, min_cost=2)
    import time

    time.sleep(1.0)
    assert not marker.exists()  # killed, and reaped (no zombie left either)


def plugin(title: str, n: int, bad: bool = False) -> str:
    cookies = "".join(COOKIE.format(name=f"{title.lower()}_{i}", purpose=f"Keeps <state> {i}.") for i in range(n))
    return f"plugin: {title}\ncookies:\n" + cookies + ("  - name: broken\n    duration: forever\n" if bad else "")


def test_forked_load_and_render_equal_serial(tmp_path, monkeypatch, threads_aside):
    root = write_catalog(tmp_path / "cat", plugins={f"p{i}.yml": plugin(f"P{i}", 3 + i) for i in range(6)})
    serial = load_catalog(root)
    serial_pages = Renderer(serial).pages()
    seen: list[int] = []
    split_map = parallel.split_map

    def counting(work, items, cost, min_cost, then=None):
        seen.append(parallel._halfway(items, cost, min_cost))
        return split_map(work, items, cost, min_cost, then)

    monkeypatch.setattr(loader, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(pages_module, "PARALLEL_COOKIES", 0)
    monkeypatch.setattr(loader, "split_map", counting)
    monkeypatch.setattr(pages_module, "split_map", counting)
    forked = load_catalog(root)
    assert forked == serial
    assert Renderer(forked).pages() == serial_pages
    assert list(Renderer(forked).pages()) == list(serial_pages)
    assert len(seen) == 3 and all(seen)  # the load and both renders did split


def test_forked_load_reports_every_problem_as_a_serial_load_does(tmp_path, monkeypatch, threads_aside):
    plugins = {"a.yml": plugin("A", 2), "b.yml": plugin("B", 2, bad=True), "c.yml": "plugin: [\n"}
    root = write_catalog(tmp_path / "cat", plugins=plugins | {"d.yml": plugin("D", 2, bad=True)})
    with pytest.raises(CatalogError) as serial:
        load_catalog(root)
    monkeypatch.setattr(loader, "PARALLEL_BYTES", 0)
    with pytest.raises(CatalogError) as forked:
        load_catalog(root)
    assert forked.value.problems == serial.value.problems
    shown = [str(p) for p in forked.value.problems]
    assert list(dict.fromkeys(line.split(":")[0].rsplit("/", 1)[-1] for line in shown)) == ["b.yml", "c.yml", "d.yml"]
    assert all(line.split(":")[1].isdigit() and line.split(":")[2].isdigit() for line in shown)  # file:line:col
