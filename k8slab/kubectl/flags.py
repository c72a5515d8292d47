"""Command-line flags as kubectl (cobra + pflag) parses them.

upstream: github.com/spf13/pflag (``--flag=value``, ``--flag value``, ``-f value``,
``-fvalue``, boolean flags, ``--`` ends flags) and github.com/spf13/cobra (the
``Error: unknown flag: --foo`` + ``See 'kubectl get --help' for usage.`` message).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import KubectlError


@dataclass(frozen=True)
class Flag:
    name: str
    short: str = ""
    kind: str = "string"  # string | bool | int | array
    default: Any = None


GLOBAL_FLAGS = [
    Flag("namespace", "n"),
    Flag("kubeconfig"),
    Flag("context"),
    Flag("cluster"),
    Flag("user"),
    Flag("request-timeout"),
    Flag("v", "v"),
]


def _usage_error(command: str, msg: str) -> KubectlError:
    return KubectlError(f"Error: {msg}\nSee 'kubectl {command} --help' for usage.")


def _convert(command: str, flag: Flag, value: str, shown: str) -> Any:
    if flag.kind == "int":
        try:
            return int(value, 10)
        except ValueError:
            raise _usage_error(command, f'invalid argument "{value}" for "{shown}" flag: strconv.ParseInt: '
                                        f'parsing "{value}": invalid syntax')
    if flag.kind == "bool":
        v = value.lower()
        if v in ("1", "t", "true"):
            return True
        if v in ("0", "f", "false"):
            return False
        raise _usage_error(command, f'invalid argument "{value}" for "{shown}" flag: strconv.ParseBool: '
                                    f'parsing "{value}": invalid syntax')
    return value


def parse(command: str, args: list[str], flags: list[Flag]) -> tuple[list[str], dict[str, Any]]:
    """Split ``args`` into positional arguments and flag values (by long name)."""
    all_flags = list(flags) + [f for f in GLOBAL_FLAGS if f.name not in {x.name for x in flags}]
    by_long = {f.name: f for f in all_flags}
    by_short = {f.short: f for f in all_flags if f.short}
    values: dict[str, Any] = {}
    for f in all_flags:
        values[f.name] = list(f.default or []) if f.kind == "array" else f.default
    positional: list[str] = []

    def store(flag: Flag, raw: str, shown: str) -> None:
        v = _convert(command, flag, raw, shown)
        if flag.kind == "array":
            values[flag.name].append(v)
        else:
            values[flag.name] = v

    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            positional.extend(args[i + 1:])
            break
        if a.startswith("--") and len(a) > 2:
            name, eq, raw = a[2:].partition("=")
            flag = by_long.get(name)
            if flag is None:
                raise _usage_error(command, f"unknown flag: --{name}")
            if eq:
                store(flag, raw, f"--{name}")
            elif flag.kind == "bool":
                values[flag.name] = True
            else:
                if i + 1 >= len(args):
                    raise _usage_error(command, f"flag needs an argument: --{name}")
                i += 1
                store(flag, args[i], f"--{name}")
        elif a.startswith("-") and len(a) > 1:
            j = 1
            while j < len(a):
                ch = a[j]
                flag = by_short.get(ch)
                if flag is None:
                    raise _usage_error(command, f"unknown shorthand flag: '{ch}' in {a}")
                rest = a[j + 1:]
                if flag.kind == "bool":
                    if rest.startswith("="):
                        store(flag, rest[1:], f"-{ch}")
                        break
                    values[flag.name] = True
                    j += 1
                    continue
                if rest:
                    store(flag, rest[1:] if rest.startswith("=") else rest, f"-{ch}")
                else:
                    if i + 1 >= len(args):
                        raise _usage_error(command, f"flag needs an argument: '{ch}' in -{ch}")
                    i += 1
                    store(flag, args[i], f"-{ch}")
                break
        else:
            positional.append(a)
        i += 1
    return positional, values
