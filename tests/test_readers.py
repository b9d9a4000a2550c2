"""Every reader of the real ``cookie-catalog`` command, given hostile input, ends in time with one
line per problem, a documented exit code (README, "Exit codes") and never a traceback.

The command runs as a subprocess, as a user or CI runs it: a crash cannot hide
behind an in-process runner, and a hang fails the test at its timeout.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from support.cli import no_traceback
from support.paths import CATALOG, OCD_CSV, ROOT

CLI = ROOT / ".venv" / "bin" / "cookie-catalog"
TIMEOUT = 30  # seconds; every case takes about one on an idle machine
INVALID, UNREADABLE = 1, 2  # README: 1 for validate, generate, policy, export, import, schema; 2 for diff and scan
USAGE = 2
# A line of standard error: a problem ("file[:line:col]: [field: ]message"), the count of problems,
# or an "error:" / "warning:" line. Never indented (a traceback's frames are), never empty.
LINE = re.compile(r"^(?:\d+ problems? in .+|(?:error|warning): .+|[^\s].*?: .+)$")
PLUGIN = (
    "plugin: X\ncookies:\n  - name: {name}\n    purpose: p\n    duration: session\n"
    "    provenance: first-party\n    category: functional\n"
)
OCD_HEADER = OCD_CSV.read_text(encoding="utf-8").splitlines()[0]


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]  # "{h}" is replaced by the directory of hostile inputs
    code: int
    says: str = ""  # a part of what standard error must say
    stdout_json: bool = False  # standard output must be JSON (and so printable)


def catalog(root: Path, name: str) -> Path:
    target = root / name
    shutil.copytree(CATALOG, target, symlinks=True)
    return target


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def har(cookie_name_json: str) -> str:
    return (
        '{"log": {"entries": [{"request": {"url": "https://a.example/", "cookies": [{"name": '
        + cookie_name_json
        + "}]}}]}}"
    )


def _catalogs(h: Path) -> None:
    write(h / "outside" / "o.yml", PLUGIN.format(name="outside"))
    os.symlink("/etc/passwd", catalog(h, "link-passwd") / "plugins" / "evil.yml")
    os.symlink(h / "outside" / "o.yml", catalog(h, "link-out") / "plugins" / "zz.yml")
    shutil.rmtree(catalog(h, "link-plugins") / "plugins")
    os.symlink(h / "outside", h / "link-plugins" / "plugins")
    (catalog(h, "plugin-dir") / "plugins" / "dir.yml").mkdir()
    os.mkfifo(catalog(h, "plugin-fifo") / "plugins" / "fifo.yml")
    os.mkfifo(_without_product(h, "product-fifo"))
    os.symlink("/dev/zero", _without_product(h, "product-dev"))
    _without_product(h, "product-dir").mkdir()
    os.symlink("catalog.yml", _without_product(h, "product-loop"))
    shutil.rmtree(catalog(h, "plugins-file") / "plugins")
    write(h / "plugins-file" / "plugins", "x")
    write(catalog(h, "latin1") / "plugins" / "l.yml", PLUGIN.format(name="caf\xe9").encode("latin-1"))
    write(catalog(h, "nul") / "plugins" / "n.yml", b"plugin: X\x00\n")
    with open(catalog(h, "huge") / "plugins" / "huge.yml", "wb") as fh:
        fh.truncate(40 * 1024 * 1024)  # sparse: costs no disk
    write(catalog(h, "deep") / "plugins" / "d.yml", "plugin: X\ncookies: " + "[" * 100_000 + "]" * 100_000 + "\n")
    write(catalog(h, "surrogate") / "plugins" / "s.yml", PLUGIN.format(name='"a\\ud800b"'))
    write(
        catalog(h, "controls") / "plugins" / "c.yml",
        PLUGIN.format(name='"a\\e]0;pwned\\ab"').replace("category: functional", 'category: "\\e[2J"'),
    )
    write(catalog(h, "long") / "plugins" / "l.yml", PLUGIN.format(name="a").replace("session", "x" * 100_000))
    write(catalog(h, "bignum") / "plugins" / "b.yml", "order: " + "9" * 5000 + "\n" + PLUGIN.format(name="a"))
    bomb = "".join(f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]\n" for p, k in zip("abcdef", "bcdefg"))
    write(catalog(h, "bomb") / "plugins" / "b.yml", 'a: &a ["x"]\n' + bomb + PLUGIN.format(name="a"))
    write(h / "file-not-dir", "product: X\n")


def _without_product(h: Path, name: str) -> Path:
    path = catalog(h, name) / "catalog.yml"
    path.unlink()
    return path


def _captures(h: Path) -> None:
    write(h / "deep.har", "[" * 100_000 + "]" * 100_000)
    write(h / "deep-state.json", '{"cookies": [{"name": "a", "x": ' + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "}]}")
    write(h / "number.har", '{"log": {"entries": [], "size": ' + "9" * 5000 + "}}")
    write(h / "surrogate.har", har('"a\\ud800b"'))
    write(h / "controls.har", har('"\\u001b]0;pwned\\u0007\\n::error::forged"'))
    write(h / "latin1.txt", ".example.com\tTRUE\t/\tFALSE\t0\tcaf\xe9\tv\n".encode("latin-1"))
    write(h / "binary.har", b"\x00\x01\x02" * 100)
    write(h / "short.txt", ".example.com\tTRUE\t/\n")
    write(h / "types.har", '{"log": {"entries": {"not": "a list"}}}')
    write(h / "entry-types.har", '{"log": {"entries": [{"request": [], "response": 5}]}}')
    write(h / "list.json", "[1, 2, 3]")
    write(h / "bad.json", '{"log": {"entries": [}')
    os.mkfifo(h / "capture.fifo")


def _imports(h: Path) -> None:
    write(h / "short.csv", f"{OCD_HEADER}\n1,Google,Analytics,_ga\n")
    write(h / "quote.csv", f'{OCD_HEADER}\n1,Google,Analytics,"_ga\n')
    write(h / "long.csv", f"{OCD_HEADER}\n1,G,Analytics,_ga,,d,1 year,G,,0,extra\n")
    write(h / "header.csv", f"{OCD_HEADER}\n")
    write(h / "empty.csv", "")
    write(h / "field.csv", f"{OCD_HEADER}\n1,G,Analytics,{'x' * 200_000},,d,1 year,G,,0\n")
    write(h / "latin1.csv", f"{OCD_HEADER}\n1,Caf\xe9,Analytics,_ga,,d,1 year,G,,0\n".encode("latin-1"))
    write(h / "lt.html", "<a" * 100_000)
    write(h / "pi.html", "<?" * 100_000)
    write(h / "endtags.html", "</" * 100_000)
    write(h / "quotes.html", '<a b="' * 50_000)
    write(h / "nested.html", "<table>" * 100_000)
    write(h / "no-table.html", "<p>no tables here</p>")
    write(
        h / "refs.html",
        "<table><tr><th>Cookie</th><th>Purpose</th><th>Duration</th></tr>"
        "<tr><td>a&#xD800;&#27;b</td><td>p</td><td>1 day</td></tr></table>",
    )
    write(h / "binary.html", b"\x00" * 1000)
    os.mkfifo(h / "import.fifo")


def _templates(h: Path) -> None:
    (h / "tpl-link").mkdir()
    os.symlink("/etc/passwd", h / "tpl-link" / "overview.md.j2")
    write(h / "tpl-binary" / "policy.md.j2", b"\xff\xfe{{")
    with open(write(h / "tpl-huge" / "overview.md.j2", ""), "wb") as fh:
        fh.truncate(5 * 1024 * 1024)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    h = tmp_path_factory.mktemp("hostile")
    for build in (_catalogs, _captures, _imports, _templates):
        build(h)
    return h


def reader_cases() -> list[Case]:
    validate = [
        Case(
            "link-passwd",
            ("validate", "{h}/link-passwd"),
            INVALID,
            "evil.yml: is a symbolic link that leads out of the catalog",
        ),
        Case(
            "link-out",
            ("validate", "{h}/link-out"),
            INVALID,
            "zz.yml: is a symbolic link that leads out of the catalog",
        ),
        Case("link-plugins", ("validate", "{h}/link-plugins"), INVALID, "plugins: is a symbolic link that leads out"),
        Case("plugin-dir", ("validate", "{h}/plugin-dir"), INVALID, "dir.yml: is a directory"),
        Case("plugin-fifo", ("validate", "{h}/plugin-fifo"), INVALID, "fifo.yml: is not a regular file"),
        Case("product-fifo", ("validate", "{h}/product-fifo"), INVALID, "catalog.yml: is not a regular file"),
        Case("product-dev", ("validate", "{h}/product-dev"), INVALID, "catalog.yml: is a symbolic link that leads out"),
        Case("product-dir", ("validate", "{h}/product-dir"), INVALID, "catalog.yml: is a directory"),
        Case("product-loop", ("validate", "{h}/product-loop"), INVALID, "cannot be followed"),
        Case(
            "plugins-file",
            ("validate", "{h}/plugins-file"),
            INVALID,
            "plugins: is not a directory; expected a directory of plugin files",
        ),
        Case("latin1", ("validate", "{h}/latin1"), INVALID, "l.yml:3:1: is not UTF-8 (byte 0xe9"),
        Case("nul", ("validate", "{h}/nul"), INVALID, "n.yml:1:1: holds a NUL byte"),
        Case("huge", ("validate", "{h}/huge"), INVALID, "huge.yml: file is 41,943,040 bytes; at most"),
        Case("deep", ("validate", "{h}/deep"), INVALID, "d.yml:2:"),
        Case("surrogate", ("validate", "{h}/surrogate"), INVALID, "s.yml:3:"),
        Case("controls", ("validate", "{h}/controls"), INVALID, "unknown category '\\x1b[2J'"),
        Case("long", ("validate", "{h}/long"), INVALID, "'xxxxxxxx"),
        Case("bignum", ("validate", "{h}/bignum"), INVALID, "order: '99999"),
        Case("bomb", ("validate", "{h}/bomb"), INVALID, "alias bomb"),
        Case("file-not-dir", ("validate", "{h}/file-not-dir"), INVALID, "no such catalog directory"),
        Case("missing", ("validate", "{h}/missing"), INVALID, "no such catalog directory"),
        Case("dev-zero", ("validate", "/dev/zero"), INVALID, "no such catalog directory"),
    ]
    writers = [
        Case(
            "generate-link",
            ("generate", "{h}/link-passwd", "--out", "{h}/out-g"),
            INVALID,
            "evil.yml: is a symbolic link",
        ),
        Case(
            "policy-fifo",
            ("policy", "{h}/plugin-fifo", "--out", "{h}/out-p"),
            INVALID,
            "fifo.yml: is not a regular file",
        ),
        Case(
            "templates-link",
            ("generate", str(CATALOG), "--out", "{h}/out-t1", "--templates", "{h}/tpl-link"),
            INVALID,
            "overview.md.j2: is a symbolic link that leads out",
        ),
        Case(
            "templates-binary",
            ("policy", str(CATALOG), "--out", "{h}/out-t2", "--templates", "{h}/tpl-binary"),
            INVALID,
            "policy.md.j2:1: is not UTF-8",
        ),
        Case(
            "templates-huge",
            ("generate", str(CATALOG), "--out", "{h}/out-t3", "--templates", "{h}/tpl-huge"),
            INVALID,
            "overview.md.j2: file is 5,242,880 bytes",
        ),
        Case(
            "templates-file",
            ("generate", str(CATALOG), "--out", "{h}/out-t4", "--templates", "/etc/passwd"),
            USAGE,
            "'/etc/passwd' is a file",
        ),
        Case("schema-out", ("schema", "--out", "/proc/cookie-catalog/x"), INVALID, "error: cannot write"),
        *[
            Case(f"export-{fmt}", ("export", fmt, "--catalog", "{h}/huge"), INVALID, "huge.yml: file is")
            for fmt in ("open-cookie-database", "cookieconsent", "klaro", "edpb", "json")
        ],
    ]
    diff = [
        Case(
            "git-outside", ("diff", "git:HEAD:../../etc/passwd", "catalog"), UNREADABLE, "leads out of the repository"
        ),
        Case("git-option", ("diff", "git:--output=x", "catalog"), UNREADABLE, "cannot start with '-'"),
        Case("git-empty", ("diff", "git::", "catalog"), UNREADABLE, "no revision"),
        Case("git-newline", ("diff", "git:HEAD\nHEAD:catalog", "catalog"), UNREADABLE, "control character"),
        Case("git-unknown", ("diff", "git:no-such-rev", "catalog"), UNREADABLE, "unknown revision"),
        Case("git-file", ("diff", "git:HEAD:catalog/catalog.yml", "catalog"), UNREADABLE, "no directory"),
        Case("diff-link", ("diff", "{h}/link-passwd", "catalog"), UNREADABLE, "evil.yml: is a symbolic link"),
        Case("diff-deep", ("diff", "catalog", "{h}/deep"), UNREADABLE, "d.yml:2:"),
    ]
    scan = [
        Case(f"scan-{name}", ("scan", "--catalog", "catalog", f"{{h}}/{name}"), UNREADABLE, says)
        for name, says in [
            ("deep.har", "nested too deeply"),
            ("deep-state.json", "nested too deeply"),
            ("number.har", "a number of 5,000 digits"),
            ("latin1.txt", "latin1.txt:1: is not UTF-8"),
            ("binary.har", "binary.har:1: holds a NUL byte"),
            ("short.txt", "short.txt:1: has 3 tab-separated fields"),
            ("types.har", "log.entries is not a list"),
            ("entry-types.har", "log.entries[0].response is not an object"),
            ("list.json", "neither a HAR"),
            ("bad.json", "bad.json:1:22: not valid JSON"),
            ("missing.har", "no such file"),
        ]
    ]
    scan += [
        Case("scan-dev-zero", ("scan", "--catalog", "catalog", "/dev/zero"), UNREADABLE, "/dev/zero: is a device"),
        Case("scan-dir", ("scan", "--catalog", "catalog", "{h}"), USAGE, "is a directory"),
        Case("scan-fifo", ("scan", "--catalog", "catalog", "{h}/capture.fifo"), 0),  # no writer: an empty capture
        Case("scan-surrogate", ("scan", "--catalog", "catalog", "{h}/surrogate.har"), 1),
        Case(
            "scan-surrogate-json",
            ("scan", "--format", "json", "--catalog", "catalog", "{h}/surrogate.har"),
            1,
            stdout_json=True,
        ),
        Case("scan-controls", ("scan", "--catalog", "catalog", "{h}/controls.har"), 1),
        Case(
            "scan-bad-catalog",
            ("scan", "--catalog", "{h}/link-out", "{h}/surrogate.har"),
            UNREADABLE,
            "zz.yml: is a symbolic",
        ),
    ]
    imports = [
        Case(
            f"ocd-{name}",
            ("import", "open-cookie-database", f"{{h}}/{name}", "--out", f"{{h}}/out-{name}"),
            INVALID,
            says,
        )
        for name, says in [
            ("short.csv", "short.csv:2:1: has 4 fields; expected 10"),
            ("quote.csv", "quote.csv:2:1: is not valid CSV"),
            ("long.csv", "long.csv:2:1: has 11 fields"),
            ("header.csv", "holds no row"),
            ("empty.csv", "is empty"),
            ("field.csv", "is not valid CSV: field larger than field limit"),
            ("latin1.csv", "latin1.csv:2:1: is not UTF-8"),
            ("import.fifo", "is empty"),
            ("missing.csv", "no such file"),
        ]
    ]
    imports += [
        Case(f"html-{name}", ("import", "html", f"{{h}}/{name}", "--out", f"{{h}}/out-{name}"), INVALID, says)
        for name, says in [
            ("lt.html", "holds no table"),
            ("pi.html", "holds no table"),
            ("endtags.html", "holds no table"),
            ("quotes.html", "holds no table"),
            ("nested.html", "holds no table"),
            ("no-table.html", "holds no table"),
            ("binary.html", "holds a NUL byte"),
            ("import.fifo", "holds no table"),
        ]
    ]
    imports += [
        Case(
            "ocd-dev-zero",
            ("import", "open-cookie-database", "/dev/zero", "--out", "{h}/out-z1"),
            INVALID,
            "is a device",
        ),
        Case("html-dev-zero", ("import", "html", "/dev/zero", "--out", "{h}/out-z2"), INVALID, "is a device"),
        Case(
            "html-refs",
            (
                "import",
                "html",
                "{h}/refs.html",
                "--out",
                "{h}/out-refs",
                "--provenance",
                "first-party",
                "--category",
                "functional",
            ),
            0,
        ),
    ]
    usage = [
        Case("unknown-command", ("frobnicate",), USAGE, "No such command"),
        Case("unknown-option", ("validate", "--frob"), USAGE, "No such option"),
        Case("bad-choice", ("diff", "catalog", "catalog", "--format", "xml"), USAGE, "'xml' is not one of"),
    ]
    return validate + writers + diff + scan + imports + usage


CASES = reader_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input_ends_in_one_line_per_problem(hostile, case):
    args = [a.replace("{h}", str(hostile)) for a in case.args]
    started = time.monotonic()
    done = subprocess.run([str(CLI), *args], cwd=ROOT, capture_output=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    elapsed = time.monotonic() - started
    err = done.stderr.decode("utf-8")  # whatever the input, what is printed is valid UTF-8
    out = done.stdout.decode("utf-8")
    assert done.returncode == case.code, err
    assert no_traceback(err) and "internal error" not in err, err
    lines = err.splitlines()
    assert all(LINE.match(line) and len(line) < 1000 for line in lines), err
    assert all(ch.isprintable() for line in lines for ch in line), err  # no escape sequence reaches a terminal
    assert case.says in err, err
    if case.code not in (0, 1) or case.args[0] != "scan":
        assert len(lines) <= 3, err  # these inputs have one or two problems each
    if case.stdout_json:
        json.loads(out)
    assert elapsed < TIMEOUT


def test_scan_prints_names_escaped_one_per_line(hostile):
    """A cookie name is data from a web site: it can neither act on a terminal nor forge a line of a CI log."""
    done = subprocess.run(
        [str(CLI), "scan", "--catalog", "catalog", str(hostile / "controls.har"), str(hostile / "surrogate.har")],
        cwd=ROOT,
        capture_output=True,
        timeout=TIMEOUT,
    )
    out = done.stdout.decode("utf-8")
    assert "undocumented: \\x1b]0;pwned\\x07\\n::error::forged (cookie)" in out
    assert "undocumented: a\\ud800b (cookie)" in out
    assert not any(line.startswith("::error::") for line in out.splitlines())


def test_scan_json_keeps_a_lone_surrogate_as_its_json_escape(hostile):
    done = subprocess.run(
        [str(CLI), "scan", "--format", "json", "--catalog", "catalog", str(hostile / "surrogate.har")],
        cwd=ROOT,
        capture_output=True,
        timeout=TIMEOUT,
    )
    assert [u["name"] for u in json.loads(done.stdout)["undocumented"]] == ["a\ud800b"]


def test_usage_error_is_one_line():
    done = subprocess.run([str(CLI), "validate", "--frob"], capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == USAGE
    assert done.stderr == "error: No such option '--frob'; see 'cookie-catalog validate --help'\n"


def test_a_bug_is_one_line_with_exit_70(tmp_path):
    """The last line of defence: an exception no command expected is still one line, with its own exit code."""
    script = (
        "import sys; import cookie_catalog.cli as cli; import cookie_catalog.cli.common as common;"
        "sys.argv = ['cookie-catalog', 'validate', 'catalog']; common.load_catalog = lambda root: 1 / 0; cli.run()"
    )
    done = subprocess.run(
        [str(CLI.parent / "python"), "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT
    )
    assert done.returncode == 70
    assert no_traceback(done.stderr) and len(done.stderr.splitlines()) == 1
    assert "internal error" in done.stderr and "ZeroDivisionError" in done.stderr
    debug = subprocess.run(
        [str(CLI.parent / "python"), "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "COOKIE_CATALOG_DEBUG": "1"},
    )
    assert "Traceback" in debug.stderr
