"""The cycle collector around reading a catalog (``catalog.collector``): a large catalog is kept out of its walks,
and nothing it would have collected is lost for good."""

from __future__ import annotations

import gc
import weakref

import pytest

from cookie_catalog.catalog import collector, loader

from support.catalogs import plugin_yaml, write_catalog


@pytest.fixture(autouse=True)
def nothing_frozen():
    """Each test starts and ends with no frozen object in this (xdist worker) process."""
    gc.unfreeze()
    collector._frozen, collector._witness = False, None
    yield
    gc.unfreeze()
    collector._frozen, collector._witness = False, None


@pytest.fixture
def catalog_dir(tmp_path):
    return write_catalog(tmp_path, plugins={"p.yml": plugin_yaml("P", [("a", "b"), ("c", "d")])})


class Cycle:
    def __init__(self) -> None:
        self.me = self


def test_a_small_catalog_leaves_the_collector_as_it_was(catalog_dir):
    catalog = loader.load_catalog(catalog_dir)
    assert catalog.cookie_count < loader.KEPT_OUT_COOKIES
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_a_large_catalog_is_frozen_and_still_freed_by_reference_counts(catalog_dir, monkeypatch):
    monkeypatch.setattr(loader, "KEPT_OUT_COOKIES", 2)
    catalog = loader.load_catalog(catalog_dir)
    assert gc.get_freeze_count() > 0
    assert gc.isenabled()
    plugin = catalog.plugins[0]
    assert gc.is_tracked(plugin) and not any(o is plugin for o in gc.get_objects()), "no generation walks it"
    del plugin
    frozen = gc.get_freeze_count()
    del catalog
    assert gc.get_freeze_count() < frozen  # the models are gone with their last reference


def test_cyclic_garbage_frozen_with_a_catalog_is_collected_by_the_next_read(catalog_dir, monkeypatch):
    monkeypatch.setattr(loader, "KEPT_OUT_COOKIES", 2)
    cycle = Cycle()
    alive = weakref.ref(cycle)
    loader.load_catalog(catalog_dir)  # freezes the cycle too
    del cycle
    gc.collect()
    assert alive() is not None, "frozen: no collection reaches it"
    loader.load_catalog(catalog_dir)  # the next read returns it to the collector first
    assert alive() is None


def collected(thing: object) -> bool:
    """``thing`` is in one of the collector's generations: not frozen."""
    return any(o is thing for o in gc.get_objects())


def test_objects_frozen_by_someone_else_stay_theirs(catalog_dir, monkeypatch):
    """Told apart by the objects themselves: the freeze count also drops as frozen objects die meanwhile."""
    monkeypatch.setattr(loader, "KEPT_OUT_COOKIES", 2)
    theirs = Cycle()
    gc.freeze()
    catalog = loader.load_catalog(catalog_dir)
    assert collected(catalog.plugins[0]), "nothing of ours frozen beside theirs"
    loader.load_catalog(catalog_dir)
    assert not collected(theirs), "and theirs never unfrozen"
    assert collected(catalog.plugins[0]) and catalog.cookie_count == 2


def test_a_paused_collector_stays_paused(catalog_dir, monkeypatch):
    monkeypatch.setattr(loader, "KEPT_OUT_COOKIES", 2)
    gc.disable()
    try:
        loader.load_catalog(catalog_dir)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_objects_someone_else_froze_after_a_large_read_stay_frozen(catalog_dir, monkeypatch):
    """Their freeze after ours took our objects with theirs: the next read leaves them all to them."""
    monkeypatch.setattr(loader, "KEPT_OUT_COOKIES", 2)
    loader.load_catalog(catalog_dir)
    theirs = Cycle()
    gc.freeze()
    monkeypatch.setattr(loader, "KEPT_OUT_COOKIES", 10**9)  # the next read is small: it freezes nothing again
    loader.load_catalog(catalog_dir)
    assert not collected(theirs), "theirs were unfrozen"
