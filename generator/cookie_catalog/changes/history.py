"""Catalogs as committed in git: ``git:REV`` for ``diff``, and the site's Changes page.

The history of a catalog is the git history of its directory: no archive of
old versions is kept in the catalog itself. A committed catalog is read by
copying its files (``git archive`` of its tree) into a temporary directory and
loading that with :func:`cookie_catalog.catalog.loader.load_catalog`, so it is validated
exactly like a working copy; problems name ``git:REV:path/file`` instead of
the temporary path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import os
import posixpath
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cookie_catalog.catalog.loader import PLUGINS_DIR, PRODUCT_FILE, load_catalog
from cookie_catalog.catalog.model import Catalog
from cookie_catalog.catalog.problems import CatalogError, display_path
from cookie_catalog.catalog.slugs import CHANGES_PAGE
from cookie_catalog.catalog.yamlsource import MAX_FILE_BYTES
from cookie_catalog.changes.diff import CatalogDiff, diff_catalogs
from cookie_catalog.render.pages import Renderer

GIT_PREFIX = "git:"
DEFAULT_PATH = "catalog"  # the CLI's default catalog, relative to the repository root
CHANGES = f"{CHANGES_PAGE}.md"


class GitError(Exception):
    """git could not give us the catalog; the message is one line, for the user."""


@dataclass(frozen=True)
class Release:
    """One policy version on the Changes page: what it changed since the version before."""

    version: str | None
    updated: dt.date | None
    diff: CatalogDiff


def load_source(source: str) -> Catalog:
    """A catalog directory, or ``git:REV[:path]`` for it as committed at REV.

    Raises :class:`CatalogError` for an invalid catalog, :class:`GitError` when
    git cannot provide it.
    """
    if not source.startswith(GIT_PREFIX):
        return load_catalog(Path(source))
    rev, path = _parse_source(source)
    repo = _toplevel(Path.cwd())
    if repo is None:
        raise GitError(f"{source}: {Path.cwd()} is not inside a git work tree")
    if _git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}") is None:
        raise GitError(f"{source}: unknown revision {rev!r}")
    tree = _tree_ids(repo, [rev], path)[0]
    if tree is None:
        raise GitError(f"{source}: no directory {path!r} at {rev}")
    return _load_tree(repo, tree, f"{GIT_PREFIX}{rev}:{path}")


def _parse_source(source: str) -> tuple[str, str]:
    """``git:REV[:path]`` -> (REV, path), or a GitError saying what is wrong with it.

    A revision is handed to git as an argument and both are written one per
    line to ``git cat-file --batch-check``: a leading "-" (an option), a line
    break or another control character is refused, and so is a path that leaves
    the repository (``..``), which git would answer with a fatal error.
    """
    rev, _, path = source[len(GIT_PREFIX) :].partition(":")
    example = "expected git:REV or git:REV:path, e.g. git:HEAD~1"
    if not rev:
        raise GitError(f"{source}: no revision; {example}")
    if rev.startswith("-"):
        raise GitError(f"{source}: a revision cannot start with '-'; {example}")
    if any(ch < " " or ch == "\x7f" for ch in source):
        raise GitError(f"{source!r}: holds a control character; {example}")
    path = path or DEFAULT_PATH
    inside = posixpath.normpath(path.strip("/") or ".")
    if inside == ".." or inside.startswith("../"):
        raise GitError(
            f"{source}: path {path!r} leads out of the repository; expected a directory inside it, relative to its root"
        )
    return rev, path


def releases(catalog_dir: Path) -> list[Release]:
    """The versions of the catalog in ``catalog_dir`` found in its git history, newest first.

    Walks the first-parent commits that touched the directory, oldest first,
    skipping those where the catalog was invalid; the last commit of each run of
    one ``version`` stands for that version. Each release is dated by its
    catalog's ``updated`` (never the clock, so builds are reproducible). Without
    git, outside a work tree, or with fewer than two versions the list is empty.
    """
    repo = _toplevel(catalog_dir)
    if repo is None:
        return []
    path = catalog_dir.resolve().relative_to(repo).as_posix()
    commits = _git(repo, "log", "--first-parent", "--reverse", "--format=%H", "--", path)
    versions: list[Catalog] = []
    for tree in _tree_ids(repo, (commits or "").split(), path):
        catalog = _cached_catalog(str(repo), tree) if tree else None
        if catalog is None:
            continue
        if versions and versions[-1].product.version == catalog.product.version:
            versions[-1] = catalog
        else:
            versions.append(catalog)
    return [
        Release(new.product.version, new.product.updated, diff_catalogs(old, new))
        for old, new in reversed(list(itertools.pairwise(versions)))
    ]


def changes_pages(catalog_dir: Path, renderer: Renderer) -> dict[str, str]:
    """``{"changes.md": text}`` when the catalog has a history of versions, else ``{}``."""
    found = releases(catalog_dir)
    return {CHANGES: renderer.render("changes.md.j2", releases=found)} if found else {}


def _tree_ids(repo: Path, revs: list[str], path: str) -> list[str | None]:
    """The tree of directory ``path`` (from the repository root) at each of ``revs``,
    None where it is no directory; one git call for all."""
    inside = posixpath.normpath(path.strip("/") or ".")
    specs = "".join(f"{rev}:{'' if inside == '.' else inside}\n" for rev in revs)
    listing = (_git(repo, "cat-file", "--batch-check=%(objectname) %(objecttype)", stdin=specs) or "").splitlines()
    if len(listing) != len(revs):  # git refused the batch as a whole
        return [None] * len(revs)
    return [line.split()[0] if line.endswith(" tree") else None for line in listing]


@functools.cache
def _cached_catalog(repo: str, tree: str) -> Catalog | None:
    """A tree's catalog, or None when invalid. A tree hash names its content, so
    the cache stays right across rebuilds under ``mkdocs serve``."""
    try:
        return _load_tree(Path(repo), tree, f"{GIT_PREFIX}{tree[:12]}")
    except (CatalogError, GitError):
        return None


def _load_tree(repo: Path, tree: str, label: str) -> Catalog:
    """Load the catalog in git tree ``tree``; messages and ``root`` say ``label``."""
    with tempfile.TemporaryDirectory(prefix="cookie-catalog-") as tmp:
        root = Path(tmp)
        _extract_catalog(repo, tree, root, label)
        shown = display_path(root)
        try:
            return dataclasses.replace(load_catalog(root), root=label)
        except CatalogError as exc:
            raise CatalogError(
                [
                    dataclasses.replace(p, file=label + p.file[len(shown) :].replace(os.sep, "/"))
                    if p.file.startswith(shown)
                    else p
                    for p in exc.problems
                ]
            ) from None


def _extract_catalog(repo: Path, tree: str, root: Path, label: str) -> None:
    """Copy the files the loader reads (``catalog.yml``, ``plugins/*.yml``) of ``tree`` into ``root``.

    The archive is streamed, not held in memory: the tree may hold anything
    beside the catalog, which is skipped unread. Symbolic links are skipped
    (they could point outside the tree), and a catalog file over the loader's
    size limit is refused before it is read.
    """
    with tempfile.TemporaryFile() as errors:
        try:
            git = subprocess.Popen(
                ["git", "archive", "--format=tar", tree], cwd=repo, stdout=subprocess.PIPE, stderr=errors
            )
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror or exc}") from None
        try:
            with tarfile.open(fileobj=git.stdout, mode="r|") as tar:
                for member in tar:
                    if member.isfile() and _is_catalog_file(member.name):
                        if member.size > MAX_FILE_BYTES:
                            raise GitError(
                                f"{label}/{member.name}: file is {member.size:,} bytes; "
                                f"at most {MAX_FILE_BYTES:,} are accepted"
                            )
                        target = root / member.name
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(tar.extractfile(member).read())  # type: ignore[union-attr]
        except tarfile.TarError as exc:
            raise GitError(f"{label}: git archive gave no readable archive ({exc})") from None
        finally:
            git.stdout.close()  # type: ignore[union-attr]
            status = git.wait()
        if status:
            errors.seek(0)
            message = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git archive: {message[-1] if message else f'exit status {status}'}")


def _is_catalog_file(name: str) -> bool:
    parts = PurePosixPath(name).parts
    in_plugins = len(parts) == 2 and parts[0] == PLUGINS_DIR and name.endswith((".yml", ".yaml"))
    return parts == (PRODUCT_FILE,) or in_plugins


def _toplevel(directory: Path) -> Path | None:
    if not directory.is_dir():
        return None
    top = _git(directory, "rev-parse", "--show-toplevel")
    return Path(top.strip()).resolve() if top else None


def _git(cwd: Path, *args: str, stdin: str | None = None) -> str | None:
    """git's output as text, or None when it fails (not a repository, no such revision)."""
    try:
        return _git_bytes(cwd, *args, stdin=stdin.encode() if stdin is not None else None).decode("utf-8", "replace")
    except GitError:
        return None


def _git_bytes(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(f"git {args[0]}: {message[-1] if message else f'exit status {done.returncode}'}")
    return done.stdout
