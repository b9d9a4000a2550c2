"""The package tells type checkers about itself, and its model says honestly what it holds."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import typing
import zipfile
from importlib import resources
from pathlib import Path

from cookie_catalog.catalog.model import Cookie, CookieEntry

REPO = Path(__file__).resolve().parent.parent


def test_the_installed_package_has_a_py_typed_marker():
    """PEP 561: without the marker, mypy ignores the package's annotations in a user's project."""
    assert resources.files("cookie_catalog").joinpath("py.typed").is_file()


def test_the_wheel_ships_the_py_typed_marker(tmp_path):
    """The editable install reads the source tree; what users install is the wheel, so look inside it."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("cookie_catalog-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert "cookie_catalog/py.typed" in archive.namelist()


def test_a_cookie_declares_every_field_of_its_entry_with_the_same_type():
    """Templates and callers read ``cookie.<field>``: each must be a declared attribute that type checkers see."""
    entry_types = typing.get_type_hints(CookieEntry)
    cookie_types = typing.get_type_hints(Cookie)
    assert {name: cookie_types.get(name) for name in CookieEntry.model_fields} == {
        name: entry_types[name] for name in CookieEntry.model_fields
    }


def test_a_cookie_holds_its_entrys_values_and_compares_by_entry_and_anchor():
    entry = CookieEntry(
        name="_ga_*", purpose="p", duration="2 years", provenance="third-party", category="analytics", pattern=True
    )
    cookie = Cookie(entry, "p--ga")
    assert {name: getattr(cookie, name) for name in CookieEntry.model_fields} == dict(entry)
    assert [f.name for f in dataclasses.fields(Cookie) if f.compare] == ["entry", "anchor"]
    assert cookie == Cookie(entry, "p--ga") and hash(cookie) == hash(Cookie(entry, "p--ga"))
