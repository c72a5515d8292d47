"""The simulated ``sh``: a small POSIX shell interpreter that runs on virtual time.

What kubernetes.io's tutorials put in ``sh -c`` scripts runs here, and nothing else:
no host process is ever started. Supported (busybox ``ash`` behaviour and messages):

- lists ``;`` / newline, ``&&``, ``||``, ``!``, pipes ``|`` (run one after the other,
  the output of one is the input of the next), ``{ ...; }`` and ``( ... )`` groups;
- ``while``/``until``/``for``/``if``/``elif``/``else``, ``break``, ``continue``;
- words with ``'...'``, ``"..."`` and ``\\`` quoting; ``$VAR``, ``${VAR}``,
  ``${VAR:-default}``, ``$?``, ``$$``, ``$#``, ``$(...)``, backquotes, ``$((...))``
  (integer arithmetic); ``VAR=value`` assignments and ``export``;
- redirections ``>``, ``>>``, ``<``, ``2>``, ``2>&1``, ``>/dev/null``;
- builtins and busybox applets: ``echo``, ``printf`` (``%s``/``%d``/``\\n``), ``sleep``,
  ``exit``, ``true``, ``false``, ``:``, ``date``, ``cat``, ``touch``, ``rm``, ``mkdir``,
  ``ls``, ``printenv``, ``env``, ``hostname``, ``pwd``, ``whoami``, ``test``/``[``,
  ``wc -l``, ``head -n``, ``tail -n``, ``grep``, ``trap``;
- the network applets of kubernetes.io's Service tutorials: ``wget [-q] [-O FILE|-O-] URL``,
  ``curl [-sSfi] [-o FILE] URL`` (not in busybox images, as there), ``nslookup NAME``
  (busybox 1.28's format). They resolve with the container's /etc/resolv.conf and
  connect through the pod network the runtime hands the shell (``net``).

The interpreter is a Python generator: it *yields* the seconds it sleeps and *returns*
its exit status, so the container runtime can resume it when virtual time has passed,
and an exec probe can run one to completion and add up its sleeps. A script that runs
many commands without sleeping is charged 10 ms per 1000 commands, so ``while true; do
echo; done`` advances time instead of hanging. A command that is not a builtin and not a
program the runtime knows prints ``sh: X: not found`` and exits 127, as busybox does.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Generator, Iterator

from ..api.meta import EPOCH

__all__ = ["FileSystem", "Shell", "ShellSyntaxError", "parse", "run_sync", "ExitNow", "RunResult"]

Gen = Generator[float, None, int]

#: a script is charged this many seconds per STEP_BUDGET commands run without sleeping
BUSY_CHARGE = 0.01
STEP_BUDGET = 1000


class ShellSyntaxError(Exception):
    """``sh: syntax error: ...`` (exit status 2)."""


class ExitNow(Exception):
    def __init__(self, code: int):
        self.code = code


class _Break(Exception):
    def __init__(self, n: int = 1):
        self.n = n


class _Continue(Exception):
    def __init__(self, n: int = 1):
        self.n = n


# ------------------------------------------------------------------------------ file system
class FileSystem:
    """A container's files: a dict of path -> content, plus volumes mounted at directories.

    ``mounts`` maps a mount path to ``(files, read_only)`` where ``files`` is a dict shared
    by every container that mounts the same volume (an emptyDir, a projected ConfigMap).
    """

    def __init__(self, files: dict[str, str] | None = None, mounts: dict[str, tuple[dict, bool]] | None = None):
        self.files: dict[str, str] = dict(files or {})
        self.dirs: set[str] = {"/", "/tmp", "/etc", "/var", "/bin", "/usr", "/root", "/home", "/proc", "/dev"}
        self.mounts: dict[str, tuple[dict, bool]] = dict(mounts or {})

    @staticmethod
    def norm(path: str, cwd: str = "/") -> str:
        if not path.startswith("/"):
            path = cwd.rstrip("/") + "/" + path
        parts: list[str] = []
        for p in path.split("/"):
            if p in ("", "."):
                continue
            if p == "..":
                if parts:
                    parts.pop()
                continue
            parts.append(p)
        return "/" + "/".join(parts)

    def _where(self, path: str) -> tuple[dict, str, bool]:
        best = ""
        for m in self.mounts:
            mp = m.rstrip("/") or "/"
            if (path == mp or path.startswith(mp + "/")) and len(mp) > len(best):
                best = mp
        if best:
            files, ro = self.mounts[best] if best in self.mounts else self.mounts[best + "/"]
            rel = path[len(best):].lstrip("/")
            return files, rel, ro
        return self.files, path, False

    def read(self, path: str) -> str | None:
        files, rel, _ = self._where(path)
        return files.get(rel)

    def is_dir(self, path: str) -> bool:
        if path in self.dirs or any((m.rstrip("/") or "/") == path for m in self.mounts):
            return True
        files, rel, _ = self._where(path)
        prefix = (rel.rstrip("/") + "/") if rel else ""
        return any(k.startswith(prefix) for k in files) if files is not self.files else \
            any(k.startswith(path.rstrip("/") + "/") for k in files)

    def exists(self, path: str) -> bool:
        return self.read(path) is not None or self.is_dir(path)

    def write(self, path: str, data: str, append: bool = False) -> str | None:
        """Write; returns an error text (read-only file system, no such directory) or None."""
        files, rel, ro = self._where(path)
        if ro:
            return "Read-only file system"
        if files is not self.files and not rel:
            return "Is a directory"
        parent = path.rsplit("/", 1)[0] or "/"
        if not self.is_dir(parent):
            return "nonexistent directory"
        files[rel] = (files.get(rel, "") + data) if append else data
        return None

    def remove(self, path: str) -> str | None:
        files, rel, ro = self._where(path)
        if rel not in files:
            return "No such file or directory"
        if ro:
            return "Read-only file system"
        del files[rel]
        return None

    def mkdir(self, path: str) -> None:
        self.dirs.add(path)

    def listdir(self, path: str) -> list[str] | None:
        if not self.is_dir(path):
            return None
        names: set[str] = set()
        base = path.rstrip("/")
        for m in self.mounts:
            mp = m.rstrip("/")
            if mp.startswith(base + "/") and mp != base:
                names.add(mp[len(base) + 1:].split("/")[0])
        for d in self.dirs:
            if d.startswith(base + "/") and d != base:
                names.add(d[len(base) + 1:].split("/")[0])
        files, rel, _ = self._where(path)
        if files is self.files:
            for k in files:
                if k.startswith(base + "/"):
                    names.add(k[len(base) + 1:].split("/")[0])
        else:
            prefix = (rel.rstrip("/") + "/") if rel else ""
            for k in files:
                if k.startswith(prefix) and not k[len(prefix):].startswith(".."):
                    names.add(k[len(prefix):].split("/")[0])
        return sorted(names)


# ------------------------------------------------------------------------------ parsing
@dataclass
class Word:
    parts: list[tuple[str, str]]  # (kind, text): kind in 'lit' (unquoted), 'sq', 'dq'

    def literal(self) -> str | None:
        """The word's text when it has no expansions (used for keywords)."""
        if len(self.parts) == 1 and self.parts[0][0] == "lit" and "$" not in self.parts[0][1] \
                and "`" not in self.parts[0][1]:
            return self.parts[0][1]
        return None


@dataclass
class Redir:
    fd: int
    op: str          # '>', '>>', '<', '>&'
    target: Word


@dataclass
class Simple:
    assigns: list[tuple[str, Word]]
    words: list[Word]
    redirs: list[Redir] = field(default_factory=list)


@dataclass
class Pipeline:
    cmds: list[Any]
    negate: bool = False


@dataclass
class AndOr:
    first: Any
    rest: list[tuple[str, Any]]


@dataclass
class Seq:
    items: list[Any]


@dataclass
class While:
    cond: Seq
    body: Seq
    until: bool = False
    redirs: list[Redir] = field(default_factory=list)


@dataclass
class For:
    var: str
    items: list[Word] | None
    body: Seq
    redirs: list[Redir] = field(default_factory=list)


@dataclass
class If:
    branches: list[tuple[Seq, Seq]]
    orelse: Seq | None
    redirs: list[Redir] = field(default_factory=list)


@dataclass
class Group:
    body: Seq
    subshell: bool
    redirs: list[Redir] = field(default_factory=list)


_OPS = ("&&", "||", ";;", ">>", "2>&1", ">&", ";", "|", "&", "(", ")", ">", "<", "\n")
_RESERVED = {"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "in", "{", "}", "!"}


def _tokenize(src: str) -> list[Any]:
    """Words (as :class:`Word`) and operators (as str)."""
    toks: list[Any] = []
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch in " \t":
            i += 1
            continue
        if ch == "\\" and i + 1 < n and src[i + 1] == "\n":
            i += 2
            continue
        if ch == "#":
            while i < n and src[i] != "\n":
                i += 1
            continue
        if src.startswith("2>&1", i):
            toks.append("2>&1")
            i += 4
            continue
        if ch == "2" and src.startswith("2>", i) and (i == 0 or src[i - 1] in " \t;\n"):
            toks.append("2>>" if src.startswith("2>>", i) else "2>")
            i += 3 if src.startswith("2>>", i) else 2
            continue
        op = next((o for o in _OPS if src.startswith(o, i)), None)
        if op is not None:
            toks.append(op)
            i += len(op)
            continue
        parts: list[tuple[str, str]] = []
        buf = ""
        while i < n:
            ch = src[i]
            if ch in " \t\n;&|()<>":
                break
            if ch == "\\":
                if i + 1 < n:
                    if buf:
                        parts.append(("lit", buf))
                        buf = ""
                    parts.append(("sq", src[i + 1]))
                    i += 2
                else:
                    i += 1
                continue
            if ch == "'":
                j = src.find("'", i + 1)
                if j < 0:
                    raise ShellSyntaxError("unterminated quoted string")
                if buf:
                    parts.append(("lit", buf))
                    buf = ""
                parts.append(("sq", src[i + 1:j]))
                i = j + 1
                continue
            if ch == '"':
                j = i + 1
                s = ""
                while j < n and src[j] != '"':
                    if src[j] == "\\" and j + 1 < n and src[j + 1] in '"\\$`\n':
                        s += "\\" + src[j + 1] if src[j + 1] in "$`" else src[j + 1]
                        j += 2
                        continue
                    if src.startswith("$(", j):
                        k = _match_paren(src, j + 1)
                        s += src[j:k + 1]
                        j = k + 1
                        continue
                    s += src[j]
                    j += 1
                if j >= n:
                    raise ShellSyntaxError("unterminated quoted string")
                if buf:
                    parts.append(("lit", buf))
                    buf = ""
                parts.append(("dq", s))
                i = j + 1
                continue
            if src.startswith("$(", i) or src.startswith("${", i):
                k = _match_paren(src, i + 1) if src[i + 1] == "(" else src.find("}", i)
                if k < 0:
                    raise ShellSyntaxError("unterminated ${")
                buf += src[i:k + 1]
                i = k + 1
                continue
            if ch == "`":
                j = src.find("`", i + 1)
                if j < 0:
                    raise ShellSyntaxError("unterminated `")
                buf += "$(" + src[i + 1:j] + ")"
                i = j + 1
                continue
            buf += ch
            i += 1
        if buf:
            parts.append(("lit", buf))
        toks.append(Word(parts))
    return toks


def _match_paren(src: str, i: int) -> int:
    """Index of the ')' closing the '(' at ``i``."""
    depth = 0
    j = i
    while j < len(src):
        c = src[j]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j
        elif c == "'":
            j = src.find("'", j + 1)
            if j < 0:
                break
        j += 1
    raise ShellSyntaxError("unterminated $(")


class _Parser:
    def __init__(self, toks: list[Any]):
        self.toks = toks
        self.i = 0

    def peek(self) -> Any:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def kw(self) -> str | None:
        t = self.peek()
        if isinstance(t, Word):
            return t.literal()
        return None

    def next(self) -> Any:
        t = self.peek()
        self.i += 1
        return t

    def expect_kw(self, k: str) -> None:
        if self.kw() != k:
            got = self.peek()
            got_s = "end of file" if got is None else (got if isinstance(got, str) else got.literal() or "word")
            raise ShellSyntaxError(f"unexpected {_q(got_s)} (expecting \"{k}\")")
        self.i += 1

    def skip_newlines(self) -> None:
        while self.peek() in ("\n", ";"):
            self.i += 1

    def seq(self, stop: tuple[str, ...] = ()) -> Seq:
        items = []
        while True:
            while self.peek() in ("\n", ";", "&"):
                self.i += 1
            t = self.peek()
            if t is None or t == ")" or (self.kw() in stop):
                return Seq(items)
            items.append(self.and_or())

    def and_or(self) -> AndOr:
        first = self.pipeline()
        rest = []
        while self.peek() in ("&&", "||"):
            op = self.next()
            while self.peek() == "\n":
                self.i += 1
            rest.append((op, self.pipeline()))
        return AndOr(first, rest)

    def pipeline(self) -> Pipeline:
        neg = False
        if self.kw() == "!":
            self.i += 1
            neg = True
        cmds = [self.command()]
        while self.peek() == "|":
            self.i += 1
            while self.peek() == "\n":
                self.i += 1
            cmds.append(self.command())
        return Pipeline(cmds, neg)

    def redirs(self, out: list[Redir]) -> None:
        while True:
            t = self.peek()
            if t == "2>&1":
                self.i += 1
                out.append(Redir(2, ">&", Word([("lit", "1")])))
            elif t in (">", ">>", "<", "2>", "2>>", ">&"):
                self.i += 1
                target = self.next()
                if not isinstance(target, Word):
                    raise ShellSyntaxError(f"unexpected {_q(target or 'end of file')}")
                fd = 2 if t.startswith("2") else (0 if t == "<" else 1)
                op = t[1:] if t.startswith("2") else t
                out.append(Redir(fd, op, target))
            else:
                return

    def command(self) -> Any:
        k = self.kw()
        if k in ("while", "until"):
            self.i += 1
            cond = self.seq(("do",))
            if not cond.items:
                raise ShellSyntaxError(f'unexpected "{self.kw() or "end of file"}"')
            self.expect_kw("do")
            body = self.seq(("done",))
            self.expect_kw("done")
            node = While(cond, body, until=(k == "until"))
            self.redirs(node.redirs)
            return node
        if k == "for":
            self.i += 1
            var = self.next()
            if not isinstance(var, Word) or not var.literal():
                raise ShellSyntaxError("bad for loop variable")
            items = None
            while self.peek() == "\n":
                self.i += 1
            if self.kw() == "in":
                self.i += 1
                items = []
                while isinstance(self.peek(), Word) and self.kw() != "do":
                    items.append(self.next())
            self.skip_newlines()
            self.expect_kw("do")
            body = self.seq(("done",))
            self.expect_kw("done")
            node = For(var.literal() or "", items, body)
            self.redirs(node.redirs)
            return node
        if k == "if":
            self.i += 1
            branches = []
            cond = self.seq(("then",))
            if not cond.items:
                raise ShellSyntaxError(f'unexpected "{self.kw() or "end of file"}"')
            self.expect_kw("then")
            body = self.seq(("elif", "else", "fi"))
            branches.append((cond, body))
            orelse = None
            while True:
                k2 = self.kw()
                if k2 == "elif":
                    self.i += 1
                    c2 = self.seq(("then",))
                    self.expect_kw("then")
                    b2 = self.seq(("elif", "else", "fi"))
                    branches.append((c2, b2))
                elif k2 == "else":
                    self.i += 1
                    orelse = self.seq(("fi",))
                else:
                    self.expect_kw("fi")
                    break
            node = If(branches, orelse)
            self.redirs(node.redirs)
            return node
        if k == "{":
            self.i += 1
            body = self.seq(("}",))
            self.expect_kw("}")
            node = Group(body, False)
            self.redirs(node.redirs)
            return node
        if self.peek() == "(":
            self.i += 1
            body = self.seq()
            if self.next() != ")":
                raise ShellSyntaxError('unexpected end of file (expecting ")")')
            node = Group(body, True)
            self.redirs(node.redirs)
            return node
        assigns: list[tuple[str, Word]] = []
        words: list[Word] = []
        redirs: list[Redir] = []
        while True:
            self.redirs(redirs)
            t = self.peek()
            if not isinstance(t, Word):
                break
            if not words and t.literal() in ("do", "done", "then", "fi", "else", "elif", "}"):
                break
            if not words and t.parts and t.parts[0][0] == "lit" and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=",
                                                                            t.parts[0][1]):
                name, _, first = t.parts[0][1].partition("=")
                assigns.append((name, Word(([("lit", first)] if first else []) + t.parts[1:])))
                self.i += 1
                continue
            words.append(t)
            self.i += 1
        if not words and not assigns and not redirs:
            t = self.peek()
            raise ShellSyntaxError(f"unexpected {_q(t if isinstance(t, str) else (t.literal() if t else 'end of file'))}")
        return Simple(assigns, words, redirs)


def _q(s: Any) -> str:
    return "newline" if s == "\n" else (f'"{s}"' if s != "end of file" else "end of file")


def parse(script: str) -> Seq:
    """Parse a script; raises :class:`ShellSyntaxError`."""
    p = _Parser(_tokenize(script))
    seq = p.seq()
    if p.peek() is not None:
        t = p.peek()
        raise ShellSyntaxError(f"unexpected {_q(t if isinstance(t, str) else (t.literal() or 'word'))}")
    return seq


# ------------------------------------------------------------------------------ running
class _Out:
    """An output stream: a line sink (the log) or a string buffer (a file, a pipe, $(...))."""

    def __init__(self, sink: Callable[[str], None] | None = None):
        self.sink = sink
        self.buf = ""

    def write(self, s: str) -> None:
        if self.sink is None:
            self.buf += s
            return
        self.buf += s
        while "\n" in self.buf:
            line, self.buf = self.buf.split("\n", 1)
            self.sink(line)

    def flush(self) -> None:
        if self.sink is not None and self.buf:
            self.sink(self.buf)
            self.buf = ""


@dataclass
class RunResult:
    """What :func:`run_sync` gives back: exit code, stdout+stderr text, seconds slept."""

    exit_code: int
    output: str
    duration: float


class Shell:
    """One ``sh`` process: its variables, file system, and where its output goes.

    ``stdout(line)``/``stderr(line)`` receive whole lines; ``now()`` is virtual time (for
    ``date``); ``hostname`` is the pod's name; ``programs(argv)`` may return a generator
    for a program the runtime knows (a server that runs until stopped), else None.
    """

    def __init__(self, fs: FileSystem, env: dict[str, str] | None = None, *, stdout: Callable[[str], None],
                 stderr: Callable[[str], None] | None = None, now: Callable[[], float] = lambda: 0.0,
                 hostname: str = "localhost", pid: int = 1,
                 programs: Callable[[list[str]], Gen | None] | None = None,
                 http_get: Callable[[str], tuple[int, str] | None] | None = None,
                 net: Any = None, missing: frozenset[str] | set[str] = frozenset()):
        self.fs = fs
        self.vars: dict[str, str] = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                     "HOME": "/root", "HOSTNAME": hostname}
        self.vars.update(env or {})
        self.exported: set[str] = set(self.vars)
        self.now = now
        self.hostname = hostname
        self.pid = pid
        self.status = 0
        self.programs = programs
        self.http_get = http_get
        #: the container's network (resolver + connect, see runtime._ContainerNet); None: only ``http_get``
        self.net = net
        #: applets this image does not ship (``curl`` in busybox)
        self.missing = frozenset(missing)
        self.traps: dict[str, str] = {}
        self._out = _Out(stdout)
        self._err = _Out(stderr or stdout)
        self._steps = 0
        self.cwd = "/"

    # ---------------------------------------------------------------- entry points
    def run(self, script: str) -> Gen:
        """Run ``script`` (a generator: yields sleeps, returns the exit status)."""
        try:
            tree = parse(script)
        except ShellSyntaxError as e:
            self._err.write(f"sh: syntax error: {e}\n")
            self._flush()
            return 2
        try:
            code = yield from self._seq(tree, self._out, self._err, None)
        except ExitNow as e:
            code = e.code
        except (_Break, _Continue):
            code = 0
        self._flush()
        return code & 0xFF

    def run_argv(self, argv: list[str]) -> Gen:
        """Run one command given as argv (an exec probe, ``kubectl exec``)."""
        try:
            code = yield from self._command(argv, self._out, self._err, None)
        except ExitNow as e:
            code = e.code
        self._flush()
        return code & 0xFF

    def _flush(self) -> None:
        self._out.flush()
        self._err.flush()

    # ---------------------------------------------------------------- tree walking
    def _tick(self) -> Iterator[float]:
        self._steps += 1
        if self._steps >= STEP_BUDGET:
            self._steps = 0
            yield BUSY_CHARGE

    def _seq(self, seq: Seq, out: _Out, err: _Out, stdin: str | None) -> Gen:
        st = 0
        for item in seq.items:
            st = yield from self._and_or(item, out, err, stdin)
        return st

    def _and_or(self, node: AndOr, out: _Out, err: _Out, stdin: str | None) -> Gen:
        st = yield from self._pipeline(node.first, out, err, stdin)
        for op, p in node.rest:
            if (op == "&&" and st == 0) or (op == "||" and st != 0):
                st = yield from self._pipeline(p, out, err, stdin)
        self.status = st
        return st

    def _pipeline(self, p: Pipeline, out: _Out, err: _Out, stdin: str | None) -> Gen:
        data = stdin
        st = 0
        for i, cmd in enumerate(p.cmds):
            last = i == len(p.cmds) - 1
            o = out if last else _Out()
            st = yield from self._node(cmd, o, err, data)
            if not last:
                data = o.buf
        if p.negate:
            st = 0 if st else 1
        self.status = st
        return st

    def _node(self, node: Any, out: _Out, err: _Out, stdin: str | None) -> Gen:
        yield from self._tick()
        if isinstance(node, Simple):
            return (yield from self._simple(node, out, err, stdin))
        redirs = getattr(node, "redirs", [])
        res = self._redirect(redirs, out, err, stdin)
        if isinstance(res, int):
            return res
        out, err, stdin, files = res
        try:
            if isinstance(node, While):
                st = 0
                while True:
                    yield from self._tick()
                    c = yield from self._seq(node.cond, out, err, stdin)
                    if (c == 0) == node.until:
                        break
                    try:
                        st = yield from self._seq(node.body, out, err, stdin)
                    except _Break as b:
                        if b.n > 1:
                            raise _Break(b.n - 1)
                        break
                    except _Continue as c2:
                        if c2.n > 1:
                            raise _Continue(c2.n - 1)
                        continue
                return st
            if isinstance(node, For):
                items = self._expand_words(node.items) if node.items is not None else []
                st = 0
                for v in items:
                    self.vars[node.var] = v
                    try:
                        st = yield from self._seq(node.body, out, err, stdin)
                    except _Break as b:
                        if b.n > 1:
                            raise _Break(b.n - 1)
                        break
                    except _Continue as c2:
                        if c2.n > 1:
                            raise _Continue(c2.n - 1)
                        continue
                return st
            if isinstance(node, If):
                for cond, body in node.branches:
                    c = yield from self._seq(cond, out, err, stdin)
                    if c == 0:
                        return (yield from self._seq(body, out, err, stdin))
                if node.orelse is not None:
                    return (yield from self._seq(node.orelse, out, err, stdin))
                return 0
            if isinstance(node, Group):
                if node.subshell:
                    saved = dict(self.vars)
                    try:
                        return (yield from self._seq(node.body, out, err, stdin))
                    except ExitNow as e:
                        return e.code
                    finally:
                        self.vars = saved
                return (yield from self._seq(node.body, out, err, stdin))
            raise ShellSyntaxError("bad node")
        finally:
            self._close(files)

    def _redirect(self, redirs: list[Redir], out: _Out, err: _Out, stdin: str | None):
        files: list[tuple[str, _Out, bool]] = []
        for r in redirs:
            target = self._expand_word(r.target)
            if r.op == ">&":
                if r.fd == 2 and target == "1":
                    err = out
                continue
            if r.op == "<":
                path = self.fs.norm(target, self.cwd)
                data = self.fs.read(path)
                if data is None:
                    err.write(f"sh: can't open '{target}': No such file or directory\n")
                    return 1
                stdin = data
                continue
            if target == "/dev/null":
                o = _Out()
            else:
                path = self.fs.norm(target, self.cwd)
                append = r.op == ">>"
                problem = self.fs.write(path, "", append=True)
                if problem:
                    err.write(f"sh: can't create {target}: {problem}\n")
                    return 1
                if not append:
                    self.fs.write(path, "")
                o = _Out()
                files.append((path, o, True))
            if r.fd == 2:
                err = o
            else:
                out = o
        return out, err, stdin, files

    def _close(self, files: list[tuple[str, _Out, bool]]) -> None:
        for path, o, append in files:
            self.fs.write(path, o.buf, append=append)
            o.buf = ""

    def _simple(self, node: Simple, out: _Out, err: _Out, stdin: str | None) -> Gen:
        argv = self._expand_words(node.words)
        values = [(n, self._expand_word(w)) for n, w in node.assigns]
        if not argv:
            for n, v in values:
                self.vars[n] = v
            res = self._redirect(node.redirs, out, err, stdin)
            if isinstance(res, int):
                return res
            self._close(res[3])
            return 0
        res = self._redirect(node.redirs, out, err, stdin)
        if isinstance(res, int):
            return res
        out2, err2, stdin2, files = res
        saved = {n: self.vars.get(n) for n, _ in values}
        for n, v in values:
            self.vars[n] = v
        try:
            st = yield from self._command(argv, out2, err2, stdin2)
        finally:
            self._close(files)
            for n, v in saved.items():
                if v is None:
                    self.vars.pop(n, None)
                else:
                    self.vars[n] = v
        self.status = st
        return st

    # ---------------------------------------------------------------- expansion
    def _expand_words(self, words: list[Word]) -> list[str]:
        out: list[str] = []
        for w in words:
            out += self._expand_fields(w)
        return out

    def _expand_word(self, w: Word) -> str:
        return "".join(self._expand_text(t) if k != "sq" else t for k, t in w.parts)

    def _expand_fields(self, w: Word) -> list[str]:
        fields: list[str] = []
        cur = ""
        have = False
        for kind, text in w.parts:
            if kind == "sq":
                cur += text
                have = True
            elif kind == "dq":
                cur += self._expand_text(text)
                have = True
            else:
                pieces = self._expand_text(text, split=True)
                for j, piece in enumerate(pieces):
                    if j > 0:
                        if have or cur:
                            fields.append(cur)
                        cur, have = "", False
                    if piece:
                        cur += piece
                        have = True
        if have or cur:
            fields.append(cur)
        return fields

    def _expand_text(self, text: str, split: bool = False) -> Any:
        """Expand $... in ``text``; with ``split`` the unquoted results are split on whitespace."""
        pieces: list[str] = [""]
        i, n = 0, len(text)

        def add(s: str, expanded: bool) -> None:
            if split and expanded:
                parts = re.split(r"[ \t\n]+", s)
                pieces[-1] += parts[0]
                for p in parts[1:]:
                    pieces.append(p)
            else:
                pieces[-1] += s

        while i < n:
            ch = text[i]
            if ch == "\\" and i + 1 < n and text[i + 1] in "$`":
                add(text[i + 1], False)
                i += 2
                continue
            if ch != "$" or i + 1 >= n:
                add(ch, False)
                i += 1
                continue
            nx = text[i + 1]
            if text.startswith("$((", i):
                k = _match_paren(text, i + 1)
                add(str(self._arith(text[i + 3:k - 1])), True)
                i = k + 1
            elif nx == "(":
                k = _match_paren(text, i + 1)
                add(self._substitute(text[i + 2:k]), True)
                i = k + 1
            elif nx == "{":
                k = text.find("}", i)
                add(self._param(text[i + 2:k]), True)
                i = k + 1
            elif nx in "?$#!0":
                add(self._param(nx), True)
                i += 2
            else:
                m = re.match(r"[A-Za-z_][A-Za-z0-9_]*|[1-9]", text[i + 1:])
                if m:
                    add(self._param(m.group(0)), True)
                    i += 1 + len(m.group(0))
                else:
                    add("$", False)
                    i += 1
        if split:
            return pieces
        return pieces[0]

    def _param(self, expr: str) -> str:
        if expr == "?":
            return str(self.status)
        if expr == "$":
            return str(self.pid)
        if expr == "#":
            return "0"
        if expr == "!":
            return ""
        if expr == "0":
            return "sh"
        for op in (":-", ":=", ":+", "-", "="):
            if op in expr:
                name, _, word = expr.partition(op)
                v = self.vars.get(name)
                if op == ":+":
                    return self._expand_text(word) if v else ""
                unset = v is None or (op.startswith(":") and v == "")
                if unset:
                    val = self._expand_text(word)
                    if "=" in op:
                        self.vars[name] = val
                    return val
                return v or ""
        if expr.startswith("#"):
            return str(len(self.vars.get(expr[1:], "")))
        return self.vars.get(expr, "")

    def _substitute(self, script: str) -> str:
        """``$(...)``: run the script to completion now (its sleeps are not waited for)."""
        o = _Out()
        saved = (self._out, self._err)
        try:
            tree = parse(script)
            gen = self._seq(tree, o, self._err, None)
            try:
                while True:
                    next(gen)
            except StopIteration as s:
                self.status = s.value or 0
        except ShellSyntaxError as e:
            self._err.write(f"sh: syntax error: {e}\n")
            self.status = 2
        except ExitNow as e:
            self.status = e.code
        finally:
            self._out, self._err = saved
        return o.buf.rstrip("\n")

    def _arith(self, expr: str) -> int:
        expr = self._expand_text(expr)
        toks = re.findall(r"\d+|[A-Za-z_][A-Za-z0-9_]*|==|!=|<=|>=|&&|\|\||[-+*/%()<>!]", expr)
        pos = 0

        def peek() -> str | None:
            return toks[pos] if pos < len(toks) else None

        def take() -> str:
            nonlocal pos
            pos += 1
            return toks[pos - 1]

        def atom() -> int:
            t = take() if peek() is not None else "0"
            if t == "(":
                v = orr()
                if peek() == ")":
                    take()
                return v
            if t == "-":
                return -atom()
            if t == "+":
                return atom()
            if t == "!":
                return int(not atom())
            if t.isdigit():
                return int(t)
            try:
                return int(self.vars.get(t, "0") or "0")
            except ValueError:
                return 0

        def mul() -> int:
            v = atom()
            while peek() in ("*", "/", "%"):
                op = take()
                r = atom()
                if op == "*":
                    v *= r
                elif r == 0:
                    raise ExitNow(2)
                elif op == "/":
                    v = int(v / r)
                else:
                    v = v - r * int(v / r)
            return v

        def add() -> int:
            v = mul()
            while peek() in ("+", "-"):
                v = v + mul() if take() == "+" else v - mul()
            return v

        def cmp() -> int:
            v = add()
            while peek() in ("<", ">", "<=", ">=", "==", "!="):
                op = take()
                r = add()
                v = int({"<": v < r, ">": v > r, "<=": v <= r, ">=": v >= r, "==": v == r, "!=": v != r}[op])
            return v

        def orr() -> int:
            v = cmp()
            while peek() in ("&&", "||"):
                op = take()
                r = cmp()
                v = int((v and r) if op == "&&" else (v or r))
            return v

        return orr()

    # ---------------------------------------------------------------- commands
    def _command(self, argv: list[str], out: _Out, err: _Out, stdin: str | None) -> Gen:
        prog = argv[0]
        base = prog.rsplit("/", 1)[-1]
        fn = _BUILTINS.get(base) if base not in self.missing else None
        if fn is not None:
            r = fn(self, argv, out, err, stdin)
            if isinstance(r, int):
                return r
            return (yield from r)
        if self.programs is not None:
            gen = self.programs(argv)
            if gen is not None:
                return (yield from gen)
        err.write(f"sh: {prog}: not found\n")
        return 127


# ------------------------------------------------------------------------------ builtins
def _echo(sh: Shell, argv, out, err, stdin) -> int:
    args = argv[1:]
    newline = True
    escapes = False
    while args and args[0] in ("-n", "-e", "-ne", "-en", "-E"):
        if "n" in args[0]:
            newline = False
        if "e" in args[0]:
            escapes = True
        args = args[1:]
    s = " ".join(args)
    if escapes:
        s = s.replace("\\n", "\n").replace("\\t", "\t")
    out.write(s + ("\n" if newline else ""))
    return 0


def _printf(sh: Shell, argv, out, err, stdin) -> int:
    if len(argv) < 2:
        err.write("printf: usage: printf FORMAT [ARGUMENT]...\n")
        return 1
    fmt = argv[1].replace("\\n", "\n").replace("\\t", "\t")
    args = list(argv[2:])

    def one(args: list[str]) -> str:
        def rep(m: re.Match) -> str:
            spec = m.group(1)
            if spec == "%":
                return "%"
            a = args.pop(0) if args else ""
            if spec == "d":
                try:
                    return str(int(a or "0"))
                except ValueError:
                    return "0"
            return a
        return re.sub(r"%[-0-9.]*([sdi%])", rep, fmt)

    s = one(args)
    while args:
        s += one(args)
    out.write(s)
    return 0


def _duration(s: str) -> float | None:
    mult = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    m = 1
    if s and s[-1] in mult:
        s, m = s[:-1], mult[s[-1]]
    try:
        v = float(s)
    except ValueError:
        return None
    if v < 0 or v != v:
        return None
    return v * m


def _sleep(sh: Shell, argv, out, err, stdin):
    if len(argv) < 2:
        err.write("sleep: missing operand\n")
        return 1
    total = 0.0
    for a in argv[1:]:
        if a == "infinity":
            return _forever()
        d = _duration(a)
        if d is None:
            err.write(f"sleep: invalid number '{a}'\n")
            return 1
        total += d
    return _sleep_gen(total)


def _sleep_gen(total: float) -> Gen:
    sh_steps = total
    if sh_steps > 0:
        yield sh_steps
    return 0


def _forever() -> Gen:
    while True:
        yield float("inf")


def _exit(sh: Shell, argv, out, err, stdin) -> int:
    code = sh.status
    if len(argv) > 1:
        try:
            code = int(argv[1]) & 0xFF
        except ValueError:
            err.write(f"sh: exit: Illegal number: {argv[1]}\n")
            code = 2
    raise ExitNow(code)


def _date(sh: Shell, argv, out, err, stdin) -> int:
    t = EPOCH + _dt.timedelta(seconds=int(sh.now()))
    fmt = next((a[1:] for a in argv[1:] if a.startswith("+")), None)
    if fmt:
        out.write(t.strftime(fmt) + "\n")
    else:
        # busybox: "Wed Jan  1 00:00:10 UTC 2025"
        out.write(f"{t.strftime('%a %b')} {t.day:2d} {t.strftime('%H:%M:%S')} UTC {t.year}\n")
    return 0


def _cat(sh: Shell, argv, out, err, stdin) -> int:
    files = [a for a in argv[1:] if a != "-"]
    if not files:
        out.write(stdin or "")
        return 0
    st = 0
    for f in files:
        path = sh.fs.norm(f, sh.cwd)
        data = sh.fs.read(path)
        if data is None:
            if sh.fs.is_dir(path):
                err.write(f"cat: read error: Is a directory\n")
            else:
                err.write(f"cat: can't open '{f}': No such file or directory\n")
            st = 1
            continue
        out.write(data)
    return st


def _touch(sh: Shell, argv, out, err, stdin) -> int:
    st = 0
    for f in argv[1:]:
        if f.startswith("-"):
            continue
        path = sh.fs.norm(f, sh.cwd)
        if sh.fs.read(path) is None:
            problem = sh.fs.write(path, "")
            if problem:
                err.write(f"touch: {f}: {problem}\n")
                st = 1
    return st


def _rm(sh: Shell, argv, out, err, stdin) -> int:
    force = any(a.startswith("-") and "f" in a for a in argv[1:])
    st = 0
    for f in argv[1:]:
        if f.startswith("-"):
            continue
        path = sh.fs.norm(f, sh.cwd)
        problem = sh.fs.remove(path)
        if problem and not (force and problem.startswith("No such")):
            err.write(f"rm: can't remove '{f}': {problem}\n")
            st = 1
    return st


def _mkdir(sh: Shell, argv, out, err, stdin) -> int:
    for f in argv[1:]:
        if not f.startswith("-"):
            sh.fs.mkdir(sh.fs.norm(f, sh.cwd))
    return 0


def _ls(sh: Shell, argv, out, err, stdin) -> int:
    paths = [a for a in argv[1:] if not a.startswith("-")] or [sh.cwd]
    st = 0
    for p in paths:
        path = sh.fs.norm(p, sh.cwd)
        if sh.fs.read(path) is not None:
            out.write(p + "\n")
            continue
        names = sh.fs.listdir(path)
        if names is None:
            err.write(f"ls: {p}: No such file or directory\n")
            st = 1
            continue
        if len(paths) > 1:
            out.write(f"{p}:\n")
        for n in names:
            out.write(n + "\n")
    return st


def _printenv(sh: Shell, argv, out, err, stdin) -> int:
    if len(argv) > 1:
        st = 0
        for name in argv[1:]:
            if name in sh.vars:
                out.write(sh.vars[name] + "\n")
            else:
                st = 1
        return st
    for k in sorted(sh.exported):
        if k in sh.vars:
            out.write(f"{k}={sh.vars[k]}\n")
    return 0


def _export(sh: Shell, argv, out, err, stdin) -> int:
    for a in argv[1:]:
        name, eq, v = a.partition("=")
        if eq:
            sh.vars[name] = v
        sh.exported.add(name)
    return 0


def _hostname(sh: Shell, argv, out, err, stdin) -> int:
    out.write(sh.hostname + "\n")
    return 0


def _const(text: str, code: int = 0):
    def fn(sh: Shell, argv, out, err, stdin) -> int:
        if text:
            out.write(text + "\n")
        return code
    return fn


def _pwd(sh: Shell, argv, out, err, stdin) -> int:
    out.write(sh.cwd + "\n")
    return 0


def _cd(sh: Shell, argv, out, err, stdin) -> int:
    path = sh.fs.norm(argv[1] if len(argv) > 1 else "/root", sh.cwd)
    if not sh.fs.is_dir(path):
        err.write(f"sh: cd: can't cd to {argv[1]}: No such file or directory\n")
        return 2
    sh.cwd = path
    return 0


def _test(sh: Shell, argv, out, err, stdin) -> int:
    args = argv[1:]
    if argv[0] == "[":
        if not args or args[-1] != "]":
            err.write("sh: missing ]\n")
            return 2
        args = args[:-1]
    try:
        return 0 if _test_expr(sh, args) else 1
    except ValueError as e:
        err.write(f"sh: {e}\n")
        return 2


def _test_expr(sh: Shell, a: list[str]) -> bool:
    if not a:
        return False
    if a[0] == "!":
        return not _test_expr(sh, a[1:])
    for i, t in enumerate(a):
        if t in ("-a", "-o") and 0 < i < len(a) - 1:
            left, right = _test_expr(sh, a[:i]), _test_expr(sh, a[i + 1:])
            return (left and right) if t == "-a" else (left or right)
    if len(a) == 1:
        return a[0] != ""
    if len(a) == 2:
        op, x = a
        path = sh.fs.norm(x, sh.cwd)
        if op in ("-f", "-r", "-w", "-s"):
            d = sh.fs.read(path)
            return d is not None and (op != "-s" or d != "")
        if op == "-e":
            return sh.fs.exists(path)
        if op == "-d":
            return sh.fs.is_dir(path)
        if op == "-z":
            return x == ""
        if op == "-n":
            return x != ""
        raise ValueError(f"{op}: unknown operand")
    if len(a) == 3:
        x, op, y = a
        if op in ("=", "=="):
            return x == y
        if op == "!=":
            return x != y
        ints = {"-eq": int.__eq__, "-ne": int.__ne__, "-lt": int.__lt__, "-le": int.__le__, "-gt": int.__gt__,
                "-ge": int.__ge__}
        if op in ints:
            try:
                return ints[op](int(x), int(y))
            except ValueError:
                bad = x if not x.lstrip("-").isdigit() else y
                raise ValueError(f"{bad}: bad number") from None
    raise ValueError("syntax error")


def _wc(sh: Shell, argv, out, err, stdin) -> int:
    files = [a for a in argv[1:] if not a.startswith("-")]
    data = stdin or ""
    if files:
        d = sh.fs.read(sh.fs.norm(files[0], sh.cwd))
        if d is None:
            err.write(f"wc: {files[0]}: No such file or directory\n")
            return 1
        data = d
    lines = data.count("\n")
    if "-l" in argv:
        out.write(f"{lines}" + (f" {files[0]}" if files else "") + "\n")
    else:
        out.write(f"{lines:>9} {len(data.split()):>9} {len(data):>9}" + (f" {files[0]}" if files else "") + "\n")
    return 0


def _head_tail(sh: Shell, argv, out, err, stdin) -> int:
    n = 10
    files = []
    args = argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-n" and i + 1 < len(args):
            n = int(args[i + 1])
            i += 2
            continue
        if re.match(r"^-\d+$", a):
            n = int(a[1:])
        elif not a.startswith("-"):
            files.append(a)
        i += 1
    data = stdin or ""
    if files:
        d = sh.fs.read(sh.fs.norm(files[0], sh.cwd))
        if d is None:
            err.write(f"{argv[0]}: can't open '{files[0]}': No such file or directory\n")
            return 1
        data = d
    lines = data.splitlines()
    pick = lines[:n] if argv[0].endswith("head") else lines[-n:] if n else []
    for ln in pick:
        out.write(ln + "\n")
    return 0


def _grep(sh: Shell, argv, out, err, stdin) -> int:
    args = [a for a in argv[1:] if not a.startswith("-")]
    quiet = "-q" in argv
    if not args:
        err.write("Usage: grep [-q] PATTERN [FILE]...\n")
        return 2
    pat = args[0]
    data = stdin or ""
    if len(args) > 1:
        d = sh.fs.read(sh.fs.norm(args[1], sh.cwd))
        if d is None:
            err.write(f"grep: {args[1]}: No such file or directory\n")
            return 2
        data = d
    try:
        rx = re.compile(pat)
    except re.error:
        rx = re.compile(re.escape(pat))
    hits = [ln for ln in data.splitlines() if rx.search(ln)]
    if not quiet:
        for ln in hits:
            out.write(ln + "\n")
    return 0 if hits else 1


def _trap(sh: Shell, argv, out, err, stdin) -> int:
    if len(argv) >= 3:
        for sig in argv[2:]:
            sh.traps[sig.upper().removeprefix("SIG")] = argv[1]
    return 0


def _parse_url(url: str) -> tuple[str, int, str] | None:
    """``[http[s]://]host[:port][/path]`` → (host, port, path); None when malformed."""
    m = re.match(r"^(?:(https?)://)?([^/:?#]+)(?::(\d*))?([/?].*)?$", url)
    if not m:
        return None
    default = 443 if m.group(1) == "https" else 80
    path = m.group(4) or "/"
    if path.startswith("?"):
        path = "/" + path
    return m.group(2), int(m.group(3) or default), path


def _wget_local(sh: Shell, url: str, to_stdout: bool, out, err) -> int:
    """wget without a pod network (a shell outside a cluster): localhost and this node's pods only."""
    res = sh.http_get(url) if sh.http_get is not None else None
    m = re.match(r"^https?://([^/:]+)(?::(\d+))?", url)
    host = m.group(1) if m else url
    if res is None:
        err.write(f"wget: can't connect to remote host ({host}): Connection refused\n")
        return 1
    code, body = res
    if code >= 400:
        err.write(f"wget: server returned error: HTTP/1.1 {code} {_REASONS.get(code, '')}\n")
        return 1
    if to_stdout:
        out.write(body if body.endswith("\n") or not body else body + "\n")
    else:
        name = url.rstrip("/").rsplit("/", 1)[-1] if url.count("/") > 2 else "index.html"
        sh.fs.write(sh.fs.norm(name or "index.html", sh.cwd), body)
    return 0


def _progress(name: str, size: int) -> str:
    """busybox's progress meter (libbb/progress.c) for a finished transfer, 80 columns."""
    return f"{name[:20]:<20}{100:4d}% |{'*' * 32}| {size:>5}  0:00:00 ETA\n"


def _wget(sh: Shell, argv, out, err, stdin):
    """busybox wget: ``-q``, ``-O FILE``/``-O-``, ``-T SEC``, ``--spider``; messages as busybox prints them.

    upstream: busybox networking/wget.c (``Connecting to``, ``writing to stdout``,
    ``bad address``, ``can't connect to remote host``, ``server returned error``).
    """
    quiet = spider = False
    output: str | None = None
    timeout: float | None = None
    urls: list[str] = []
    args = list(argv[1:])
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a.startswith("--"):
            name, eq, val = a[2:].partition("=")
            if name == "quiet":
                quiet = True
            elif name == "spider":
                spider = True
            elif name in ("output-document", "timeout"):
                if not eq and i < len(args):
                    val, i = args[i], i + 1
                if name == "timeout":
                    timeout = _duration(val)
                else:
                    output = val
            continue
        if a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                ch = a[j]
                if ch in "OTUYP":
                    val = a[j + 1:]
                    if not val and i < len(args):
                        val, i = args[i], i + 1
                    if ch == "O":
                        output = val
                    elif ch == "T":
                        timeout = _duration(val)
                    break
                if ch == "q":
                    quiet = True
                j += 1
            continue
        urls.append(a)
    if not urls:
        err.write("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
                  "Usage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n"
                  "\t[--post-data STR | --post-file FILE] [-Y on/off]\n"
                  "\t[-P DIR] [-U AGENT] [-T SEC] URL...\n")
        return 1
    to_stdout = output == "-"
    if sh.net is None:
        return _wget_local(sh, urls[0], to_stdout, out, err)
    url = urls[0]
    target = _parse_url(url)
    if target is None:
        err.write(f"wget: bad address '{url}'\n")
        return 1
    host, port, path = target
    addrs = sh.net.lookup(host)
    if not addrs:
        err.write(f"wget: bad address '{host}'\n")
        return 1
    ip = addrs[0]
    if not quiet:
        err.write(f"Connecting to {host} ({ip}:{port})\n")
    rep = sh.net.get(ip, port, path)
    if rep.error == "timeout" and timeout is not None:
        yield timeout
        err.write("wget: download timed out\n")
        return 1
    if rep.error:
        what = "Connection refused" if rep.error == "refused" else "Connection timed out"
        err.write(f"wget: can't connect to remote host ({ip}): {what}\n")
        return 1
    code, body = rep.status, rep.body
    if code >= 400:
        err.write(f"wget: server returned error: HTTP/1.1 {code} {_REASONS.get(code, '')}".rstrip() + "\n")
        return 1
    if spider:
        if not quiet:
            err.write("remote file exists\n")
        return 0
    if to_stdout:
        if not quiet:
            err.write("writing to stdout\n")
        out.write(body)
        if body and not body.endswith("\n"):
            out.flush()
        if not quiet:
            err.write(_progress("-", len(body.encode())))
            err.write("written to stdout\n")
        return 0
    name = output or (path.split("?")[0].rstrip("/").rsplit("/", 1)[-1] if path.strip("/") else "") or "index.html"
    fpath = sh.fs.norm(name, sh.cwd)
    if output is None and sh.fs.read(fpath) is not None:
        err.write(f"wget: can't open '{name}': File exists\n")
        return 1
    if not quiet:
        err.write(f"saving to '{name}'\n")
    problem = sh.fs.write(fpath, body)
    if problem:
        err.write(f"wget: can't open '{name}': {problem}\n")
        return 1
    if not quiet:
        err.write(_progress(name, len(body.encode())))
        err.write(f"'{name}' saved\n")
    return 0


def _curl(sh: Shell, argv, out, err, stdin):
    """curl: ``-s``, ``-S``, ``-f``, ``-i``, ``-o FILE``, ``-m SEC``; exit codes and messages as curl 8 prints them.

    Simplification: no progress meter (what curl prints on a terminal, ``kubectl exec -it``).
    """
    silent = show_error = fail = include = False
    output: str | None = None
    max_time: float | None = None
    urls: list[str] = []
    args = list(argv[1:])
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a.startswith("--"):
            name, eq, val = a[2:].partition("=")
            flags = {"silent": "s", "show-error": "S", "fail": "f", "include": "i", "location": "L",
                     "verbose": "v"}
            if name in flags:
                a = "-" + flags[name]
            elif name in ("output", "max-time", "connect-timeout"):
                if not eq and i < len(args):
                    val, i = args[i], i + 1
                if name == "output":
                    output = val
                else:
                    max_time = _duration(val)
                continue
            else:
                continue
        if a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                ch = a[j]
                if ch in "omHXd":
                    val = a[j + 1:]
                    if not val and i < len(args):
                        val, i = args[i], i + 1
                    if ch == "o":
                        output = val
                    elif ch == "m":
                        max_time = _duration(val)
                    break
                silent |= ch == "s"
                show_error |= ch == "S"
                fail |= ch == "f"
                include |= ch == "i"
                j += 1
            continue
        urls.append(a)

    def error(code: int, msg: str) -> int:
        if not silent or show_error:
            err.write(f"curl: ({code}) {msg}\n")
        return code

    if not urls:
        err.write("curl: try 'curl --help' or 'curl --manual' for more information\n")
        return 2
    url = urls[0]
    target = _parse_url(url)
    if target is None:
        return error(3, "URL rejected: Malformed input to a URL function")
    host, port, path = target
    if sh.net is None:
        return error(7, f"Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server")
    addrs = sh.net.lookup(host)
    if not addrs:
        return error(6, f"Could not resolve host: {host}")
    rep = sh.net.get(addrs[0], port, path)
    if rep.error == "refused":
        return error(7, f"Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server")
    if rep.error:
        limit = max_time if max_time is not None else 300.0  # curl's default connect timeout
        if max_time is not None:
            yield max_time
        return error(28, f"Failed to connect to {host} port {port} after {int(limit * 1000)} ms: "
                         "Timeout was reached")
    if fail and rep.status >= 400:
        return error(22, f"The requested URL returned error: {rep.status}")
    text = rep.body
    if include:
        text = (f"HTTP/1.1 {rep.status} {_REASONS.get(rep.status, '')}\r\n".replace(" \r", "\r")
                + f"Content-Length: {len(rep.body.encode())}\r\n\r\n" + rep.body)
    if output is not None and output != "-":
        problem = sh.fs.write(sh.fs.norm(output, sh.cwd), text)
        if problem:
            return error(23, f"Failure writing output to destination")
        return 0
    out.write(text)
    return 0


def _nslookup(sh: Shell, argv, out, err, stdin) -> int:
    """busybox 1.28's nslookup (the version kubernetes.io's DNS debugging pins).

    upstream: busybox-1.28 networking/nslookup.c: ``print_host`` prints ``%-10s %s`` then
    ``Address N: <ip> <reverse name>`` for each address getaddrinfo gives (the pod's
    resolv.conf search list applies), or ``nslookup: can't resolve '<name>'`` and exit 1.
    k8slab answers in this format whatever the busybox tag.
    """
    names = [a for a in argv[1:] if not a.startswith("-")]
    if not names:
        err.write("BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\n"
                  "Usage: nslookup [HOST] [SERVER]\n\n"
                  "Query the nameserver for the IP address of the given HOST\n"
                  "optionally using a specified DNS server\n")
        return 1
    name = names[0]
    net = sh.net
    server = names[1] if len(names) > 1 else (net.nameserver() if net is not None else "127.0.0.1")

    def host(header: str, hostname: str, addrs: list[str]) -> None:
        out.write(f"{header:<10} {hostname}\n")
        for k, ip in enumerate(addrs, 1):
            rev = net.reverse(ip) if net is not None else ""
            out.write(f"Address {k}: {ip}" + (f" {rev}" if rev else "") + "\n")

    host("Server:", server, [server])
    out.write("\n")
    addrs = net.lookup(name) if net is not None else []
    if not addrs:
        out.flush()
        err.write(f"nslookup: can't resolve '{name}'\n")
        return 1
    host("Name:", name, addrs)
    return 0


_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 400: "Bad Request", 403: "Forbidden",
            404: "Not Found", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
            504: "Gateway Timeout"}


def _break(sh: Shell, argv, out, err, stdin) -> int:
    raise _Break(int(argv[1]) if len(argv) > 1 else 1)


def _continue(sh: Shell, argv, out, err, stdin) -> int:
    raise _Continue(int(argv[1]) if len(argv) > 1 else 1)


def _env(sh: Shell, argv, out, err, stdin) -> int:
    return _printenv(sh, argv[:1], out, err, stdin)


_BUILTINS: dict[str, Callable[..., Any]] = {
    "echo": _echo, "printf": _printf, "sleep": _sleep, "exit": _exit, "true": _const(""), ":": _const(""),
    "false": _const("", 1), "date": _date, "cat": _cat, "touch": _touch, "rm": _rm, "mkdir": _mkdir, "ls": _ls,
    "printenv": _printenv, "env": _env, "export": _export, "hostname": _hostname, "pwd": _pwd,
    "whoami": _const("root"), "cd": _cd, "test": _test, "[": _test, "wc": _wc, "head": _head_tail,
    "tail": _head_tail, "grep": _grep, "trap": _trap, "wget": _wget, "curl": _curl, "nslookup": _nslookup,
    "break": _break, "continue": _continue,
}


def run_sync(shell: Shell, gen: Gen, timeout: float | None = None) -> tuple[int, float, bool]:
    """Run a shell generator to completion now: (exit code, seconds it slept, timed out)."""
    slept = 0.0
    try:
        while True:
            d = next(gen)
            slept += d
            if timeout is not None and slept > timeout:
                gen.close()
                return -1, slept, True
            if slept == float("inf"):
                gen.close()
                return -1, slept, True
    except StopIteration as s:
        return int(s.value or 0), slept, False
