"""Catalogs as committed in git: ``git:REV`` for ``diff``.

A committed catalog is read by copying its files (``git archive`` of its
tree) into a temporary directory and loading that with :func:`generator.loader.load_catalog`, so it is validated
exactly like a working copy; problems name ``git:REV:path/file`` instead of
the temporary path.
"""

from __future__ import annotations

import dataclasses
import io
import os
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Optional

from generator.loader import load_catalog
from generator.model import Catalog
from generator.problems import CatalogError, display_path

GIT_PREFIX = "git:"
DEFAULT_PATH = "catalog"  # the CLI's default catalog, relative to the repository root


class GitError(Exception):
    """git could not give us the catalog; the message is one line, for the user."""


def load_source(source: str) -> Catalog:
    """A catalog directory, or ``git:REV[:path]`` for it as committed at REV.

    Raises :class:`CatalogError` for an invalid catalog, :class:`GitError` when
    git cannot provide it.
    """
    if not source.startswith(GIT_PREFIX):
        return load_catalog(Path(source))
    rev, _, path = source[len(GIT_PREFIX):].partition(":")
    path = path.strip("/") or DEFAULT_PATH
    if not rev:
        raise GitError(f"{source}: no revision; expected git:REV or git:REV:path, e.g. git:HEAD~1")
    repo = _toplevel(Path.cwd())
    if repo is None:
        raise GitError(f"{source}: {Path.cwd()} is not inside a git work tree")
    if _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}") is None:
        raise GitError(f"{source}: unknown revision {rev!r}")
    tree = _tree_ids(repo, [f"{rev}:{path}"])[0]
    if tree is None:
        raise GitError(f"{source}: no directory {path!r} at {rev}")
    return _load_tree(repo, tree, f"{GIT_PREFIX}{rev}:{path}")


def _tree_ids(repo: Path, specs: list[str]) -> list[Optional[str]]:
    """The tree each ``REV:path`` names, None where that is no directory; one git call for all."""
    listing = _git(repo, "cat-file", "--batch-check=%(objectname) %(objecttype)", stdin="".join(f"{s}\n" for s in specs))
    return [line.split()[0] if line.endswith(" tree") else None for line in (listing or "").splitlines()]


def _load_tree(repo: Path, tree: str, label: str) -> Catalog:
    """Load the catalog in git tree ``tree``; messages and ``root`` say ``label``."""
    archive = _git_bytes(repo, "archive", "--format=tar", tree)
    with tempfile.TemporaryDirectory(prefix="cookie-catalog-") as tmp:
        root = Path(tmp)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            for member in tar:
                if member.isfile():  # symlinks are skipped: they could point outside the tree
                    target = root / member.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(tar.extractfile(member).read())  # type: ignore[union-attr]
        shown = display_path(root)
        try:
            return dataclasses.replace(load_catalog(root), root=label)
        except CatalogError as exc:
            raise CatalogError([
                dataclasses.replace(p, file=label + p.file[len(shown):].replace(os.sep, "/")) if p.file.startswith(shown) else p
                for p in exc.problems
            ]) from None


def _toplevel(directory: Path) -> Optional[Path]:
    if not directory.is_dir():
        return None
    top = _git(directory, "rev-parse", "--show-toplevel")
    return Path(top.strip()).resolve() if top else None


def _git(cwd: Path, *args: str, stdin: Optional[str] = None) -> Optional[str]:
    """git's output as text, or None when it fails (not a repository, no such revision)."""
    try:
        return _git_bytes(cwd, *args, stdin=stdin.encode() if stdin is not None else None).decode("utf-8", "replace")
    except GitError:
        return None


def _git_bytes(cwd: Path, *args: str, stdin: Optional[bytes] = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]}: {message[-1] if message else f'exit status {done.returncode}'}")
    return done.stdout
