"""The PDF's page size: A4 whatever the engine, or the size the template's @page asks for."""

from __future__ import annotations

import re
import shutil

import pytest

from cookie_catalog.cli.ci import in_ci
from cookie_catalog.render.pages import bundled_templates
from cookie_catalog.render.policy import pdf_source

from support.paths import CATALOG

A4 = (595.28, 841.89)  # 210 x 297 mm in points
LETTER = (612.0, 792.0)  # 8.5 x 11 in
A5_LANDSCAPE = (595.28, 419.53)
needs_chromium = pytest.mark.skipif(
    not shutil.which("chromium") and not in_ci(), reason="no chromium here (CI installs it)"
)


def page_sizes(pdf: bytes) -> set[tuple[float, float]]:
    """(width, height) in points of every page, rounded to the point."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert boxes, "no /MediaBox in the PDF"
    return {(round(float(x1) - float(x0)), round(float(y1) - float(y0))) for x0, y0, x1, y1 in boxes}


def rounded(size: tuple[float, float]) -> set[tuple[int, int]]:
    return {(round(size[0]), round(size[1]))}


def _policy_pdf(cli, tmp_path, templates=None) -> bytes:
    args = ["policy", CATALOG, "--out", tmp_path / "out", "--format", "pdf"]
    code, _, err = cli(*args, *(["--templates", templates] if templates else []))
    assert code == 0, err
    return (tmp_path / "out" / "cookie-policy.pdf").read_bytes()


@needs_chromium
def test_pdf_is_a4_by_default(cli, tmp_path):
    assert page_sizes(_policy_pdf(cli, tmp_path)) == rounded(A4)


@needs_chromium
@pytest.mark.parametrize("size, expected", [("letter", LETTER), ("A5 landscape", A5_LANDSCAPE)])
def test_pdf_takes_the_size_the_template_asks_for(cli, tmp_path, size, expected):
    bundled = (bundled_templates() / "policy.html.j2").read_text(encoding="utf-8")
    assert bundled.count("@page {") == 1
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "policy.html.j2").write_text(bundled.replace("@page {", f"@page {{ size: {size};"), encoding="utf-8")
    assert page_sizes(_policy_pdf(cli, tmp_path, templates)) == rounded(expected)


def test_the_default_size_comes_before_the_templates_own_rules():
    html = '<!DOCTYPE html>\n<html lang="en">\n<HEAD>\n<style>@page { size: letter; }</style>\n</head>'
    printed = pdf_source(html)
    assert printed.startswith('<!DOCTYPE html>\n<html lang="en">\n<HEAD><style>@page { size: A4; }</style>\n')
    assert printed.index("size: A4") < printed.index("size: letter")
    assert pdf_source("<!doctype html><p>x</p>").startswith("<!doctype html><style>")  # never before the doctype
