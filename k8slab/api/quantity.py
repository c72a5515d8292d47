"""Resource quantities ("100m", "1Gi", "1e3"): parsing, canonical strings, scaled values.

A quantity is an exact fixed-point number with a suffix format (DecimalSI, BinarySI or
DecimalExponent). k8slab holds the value as a :class:`decimal.Decimal` and reproduces the
parser and the canonical ``String()`` of Kubernetes v1.32, behaviour for behaviour:

- upstream: staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go
  (``parseQuantityString``, ``ParseQuantity``, ``CanonicalizeBytes``, ``String``,
  ``Value``, ``MilliValue``)
- upstream: staging/src/k8s.io/apimachinery/pkg/api/resource/suffix.go (suffix tables)
- upstream: staging/src/k8s.io/apimachinery/pkg/api/resource/amount.go
  (``AsCanonicalBytes``, ``AsCanonicalBase1024Bytes``)

Faithful details worth knowing (all checked against kubectl v1.32, which prints these):

- Parsing rounds values finer than 1n *up* (away from zero) to 1n: ``"0.1n"`` -> ``1n``.
- A BinarySI value above 2^63-1 is capped there (``"9Ei"``); DecimalSI ones are not.
- A BinarySI value strictly between 0 and 1 becomes DecimalSI (``".001Ki"`` -> ``1024m``).
- ``String()`` prints BinarySI as DecimalSI when |value| < 1024 or it is not a whole
  number (``"0.5Ki"`` -> ``512``, ``"1.5Gi"`` -> ``1536Mi``).
- When the input is already in a canonical-looking form, upstream keeps the input text
  verbatim as its string (``"+1"``, ``"01"``, ``"1.500"``, ``"1E3"`` print unchanged);
  :func:`canonical` does the same.
- The scanner accepts digit-less inputs such as ``"Mi"``, ``"m"``, ``"."`` or ``"-"`` as
  zero, as upstream does; ``"e-20"`` is rejected ("unable to parse numeric part").
- Exponents are truncated to int32 as upstream does (``"1e4294967297"`` is 10).
- v1.32 drops the suffix of values that have none (DecimalSI beyond 10^18 * 999, i.e. a
  canonical exponent above 18 or below -9; BinarySI beyond Ei): ``"1000E"`` prints as
  ``"1"``. This is the v1.32 behaviour (fixed upstream later, kubernetes PR #140459),
  kept because k8slab follows v1.32.

k8slab simplifications: :func:`value` and :func:`milli_value` return Python ints and
saturate at the int64 bounds where upstream would overflow; :func:`format_quantity`
rounds values finer than 1n up to 1n first (as parsing would) rather than printing them
with no suffix.
"""

from __future__ import annotations

import decimal
import functools
import re
from decimal import Decimal
from typing import Union

__all__ = [
    "BINARY_SI",
    "DECIMAL_EXPONENT",
    "DECIMAL_SI",
    "ERR_FORMAT_WRONG",
    "ERR_NUMERIC",
    "ERR_SUFFIX",
    "QuantityLike",
    "canonical",
    "format_quantity",
    "milli_value",
    "parse_quantity",
    "parse_quantity_with_format",
    "scaled_value",
    "value",
]

DECIMAL_EXPONENT = "DecimalExponent"  # e.g. 12e6
BINARY_SI = "BinarySI"  # e.g. 12Mi (12 * 2^20)
DECIMAL_SI = "DecimalSI"  # e.g. 12M (12 * 10^6)

# upstream: quantity.go splitREString / ErrFormatWrong / ErrNumeric / ErrSuffix
SPLIT_RE_STRING = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT_WRONG = "quantities must match the regular expression '" + SPLIT_RE_STRING + "'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"

QuantityLike = Union[str, int, float, Decimal]

_MAX_INT64 = (1 << 63) - 1
_MIN_INT64 = -(1 << 63)
_MAX_INT64_FACTORS = 18  # upstream: math.go maxInt64Factors
_NANO = -9  # upstream: amount.go Nano
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")

# upstream: suffix.go newSuffixer / fastLookup
_DECIMAL_SUFFIXES = {
    "n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18,
}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DECIMAL_SUFFIX_BY_EXP = {e: s for s, e in _DECIMAL_SUFFIXES.items()}
_BINARY_SUFFIX_BY_1024_EXP = {e // 10: s for s, e in _BINARY_SUFFIXES.items()}
_GO_INT = re.compile(r"[+-]?[0-9]+")


def _wrap32(n: int) -> int:
    """Truncate n to a signed 32-bit integer, as Go's int32() conversion does."""
    return ((n + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def _scan(s: str) -> tuple[bool, str, str, str, str]:
    """Split s into (positive, value, num, denom, suffix); upstream parseQuantityString."""
    positive = True
    pos = 0
    end = len(s)
    if pos < end:
        if s[0] == "-":
            positive = False
            pos += 1
        elif s[0] == "+":
            pos += 1
    # strip leading zeros
    i = pos
    while True:
        if i >= end:
            return positive, "0", "0", "", ""
        if s[i] != "0":
            break
        pos += 1
        i += 1
    # the numerator
    i = pos
    while True:
        if i >= end:
            return positive, s, s[pos:end], "", ""
        if not ("0" <= s[i] <= "9"):
            num = s[pos:i]
            pos = i
            break
        i += 1
    if not num:
        num = "0"
    denom = ""
    # the denominator
    if pos < end and s[pos] == ".":
        pos += 1
        i = pos
        while True:
            if i >= end:
                return positive, s, num, s[pos:end], ""
            if not ("0" <= s[i] <= "9"):
                denom = s[pos:i]
                pos = i
                break
            i += 1
    value = s[:pos]
    # the suffix: [eEinumkKMGTP]* [-+]? [0-9]*
    suffix_start = pos
    i = pos
    while True:
        if i >= end:
            return positive, value, num, denom, s[suffix_start:end]
        if s[i] not in _SUFFIX_CHARS:
            pos = i
            break
        i += 1
    if pos < end and s[pos] in "-+":
        pos += 1
    i = pos
    while True:
        if i >= end:
            return positive, value, num, denom, s[suffix_start:end]
        if not ("0" <= s[i] <= "9"):
            break
        i += 1
    # a non-digit after the exponent digits
    raise ValueError(ERR_FORMAT_WRONG)


def _interpret(suffix: str) -> tuple[int, int, str]:
    """Return (base, exponent, format) for a suffix; upstream suffixHandler.interpret."""
    exp = _DECIMAL_SUFFIXES.get(suffix)
    if exp is not None:
        return 10, exp, DECIMAL_SI
    exp = _BINARY_SUFFIXES.get(suffix)
    if exp is not None:
        return 2, exp, BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        digits = suffix[1:]
        if _GO_INT.fullmatch(digits):
            parsed = int(digits)
            if _MIN_INT64 <= parsed <= _MAX_INT64:  # strconv.ParseInt(.., 10, 64)
                return 10, _wrap32(parsed), DECIMAL_EXPONENT
    raise ValueError(ERR_SUFFIX)


def _round_up_to_nano(u: int, e: int) -> tuple[int, int]:
    """Round u*10^e up (away from zero) to a multiple of 10^-9; inf.Dec Round(.., 9, RoundUp)."""
    if u == 0 or e >= _NANO:
        return u, e
    drop = _NANO - e
    neg = u < 0
    a = -u if neg else u
    if drop > len(str(a)):
        a = 1  # 0 < a < 10^drop
    else:
        q, r = divmod(a, 10**drop)
        a = q + (1 if r else 0)
    return (-a if neg else a), _NANO


def _abs_ge(a: int, e: int, bound: int) -> bool:
    """Whether a*10^e >= bound for a >= 0, without building huge integers."""
    if a == 0:
        return bound <= 0
    if e >= 0:
        if e > len(str(bound)):
            return True
        return a * 10**e >= bound
    return a >= bound * 10 ** (-e)


@functools.lru_cache(maxsize=4096)
def _parse(s: str) -> tuple[int, int, str, str | None]:
    """Parse s into (unscaled, exponent, format, cached string); upstream ParseQuantity.

    The value is unscaled * 10**exponent. The cached string is set when upstream keeps the
    input text as the quantity's String() (its fast path for already-canonical input).
    """
    if not s:
        raise ValueError(ERR_FORMAT_WRONG)
    if s == "0":
        return 0, 0, DECIMAL_SI, s
    positive, value_str, num, denom, suf = _scan(s)
    base, exponent, fmt = _interpret(suf)

    precision = 0
    scale = 0
    mantissa = 1
    if fmt in (DECIMAL_EXPONENT, DECIMAL_SI):
        scale = exponent
        precision = _MAX_INT64_FACTORS - (len(num) + len(denom))
    else:  # BinarySI
        if exponent >= 0 and not denom:
            mantissa = 1 << exponent
            precision = 15 - len(num) - (exponent * 3 // 10) - 1
        else:
            precision = -1

    if precision >= 0:
        scale = _wrap32(scale - len(denom))
        if scale >= _NANO:
            shifted = num + denom
            v = int(shifted)
            result = v * mantissa
            if result <= _MAX_INT64:  # int64Multiply did not overflow
                if not positive:
                    result = -result
                cached = None
                if fmt == BINARY_SI:
                    if exponent % 10 == 0 and (v & 0x07) != 0:
                        cached = s
                elif scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0":
                    cached = s
                return result, scale, fmt, cached

    # the slow path, upstream's inf.Dec
    if not any("0" <= c <= "9" for c in value_str):
        raise ValueError(ERR_NUMERIC)
    body = value_str.lstrip("+-")
    neg = value_str.startswith("-")
    int_part, _, frac_part = body.partition(".")
    a = int((int_part + frac_part) or "0")
    inf_scale = len(frac_part)  # digits after the point
    if base == 10:
        inf_scale = _wrap32(inf_scale + _wrap32(-exponent))
    else:
        a <<= exponent
    e = -inf_scale
    if a != 0:
        a, e = _round_up_to_nano(a, e)
    if fmt == BINARY_SI and _abs_ge(a, e, _MAX_INT64 + 1):
        a, e = _MAX_INT64, 0  # the max is a simple cap
    if fmt == BINARY_SI and a != 0 and not _abs_ge(a, e, 1):
        fmt = DECIMAL_SI  # 0 < amount < 1
    return (-a if neg else a), e, fmt, None


def _go_json_float(f: float) -> str:
    """Format a float as Go's encoding/json does (what the API server parses from YAML)."""
    if f != f or f in (float("inf"), float("-inf")):
        raise ValueError(f"json: unsupported value: {f!r}")
    a = abs(f)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        r = repr(f)
        return re.sub(r"e-0(\d)$", r"e-\1", r)
    return format(Decimal(repr(f)).normalize(decimal.Context(prec=30)), "f")


def _to_text(q: QuantityLike) -> str:
    if isinstance(q, str):
        return q
    if isinstance(q, bool):
        raise ValueError(f"quantity must be a string or a number, not {q!r}")
    if isinstance(q, int):
        return str(q)
    if isinstance(q, float):
        return _go_json_float(q)
    if isinstance(q, Decimal):
        if not q.is_finite():
            raise ValueError(ERR_FORMAT_WRONG)
        return str(q)
    raise ValueError(f"quantity must be a string or a number, not {type(q).__name__}")


def _to_decimal(u: int, e: int) -> Decimal:
    if u == 0:
        return Decimal(0)
    if e >= 0:
        if e <= 40:
            return Decimal(u * 10**e)
        sign = 1 if u < 0 else 0
        return Decimal((sign, tuple(int(d) for d in str(abs(u))), e))
    # strip trailing zeros of the fraction
    while e < 0 and u % 10 == 0:
        u //= 10
        e += 1
    if e == 0:
        return Decimal(u)
    sign = 1 if u < 0 else 0
    return Decimal((sign, tuple(int(d) for d in str(abs(u))), e))


def parse_quantity_with_format(q: QuantityLike) -> tuple[Decimal, str]:
    """Parse a quantity and return (exact value, format), as upstream ParseQuantity does.

    The format is the one the parsed Quantity carries ("DecimalSI", "BinarySI",
    "DecimalExponent"). Raises ValueError with upstream's message when q is invalid.
    """
    u, e, fmt, _ = _parse(_to_text(q))
    return _to_decimal(u, e), fmt


def parse_quantity(q: QuantityLike) -> Decimal:
    """Parse a quantity string ("100m", "1Gi", "1e3", "0.5") into its exact Decimal value.

    Numbers (as YAML gives them) are accepted and read as the API server would read their
    JSON form. Raises ValueError with upstream's message when q is invalid.
    upstream: resource.ParseQuantity.
    """
    u, e, _, _ = _parse(_to_text(q))
    return _to_decimal(u, e)


def _decimal_parts(v: Decimal | int) -> tuple[int, int]:
    """Return (unscaled, exponent) with v == unscaled * 10**exponent."""
    if isinstance(v, bool):
        raise ValueError(f"quantity value must be a number, not {v!r}")
    if isinstance(v, int):
        return v, 0
    if not isinstance(v, Decimal):
        v = Decimal(v)
    if not v.is_finite():
        raise ValueError(f"quantity value must be finite, not {v}")
    sign, digits, exp = v.as_tuple()
    u = int("".join(map(str, digits)) or "0")
    return (-u if sign else u), int(exp)


def _format(u: int, e: int, fmt: str) -> str:
    """Canonical string of u*10^e in fmt; upstream Quantity.CanonicalizeBytes."""
    if u == 0:
        return "0"
    neg = u < 0
    a = -u if neg else u
    if fmt == BINARY_SI:
        if not _abs_ge(a, e, 1024):
            fmt = DECIMAL_SI  # avoids rounding and hopefully confusion, too
        else:
            # AsScale(0): round up to an integer; not exact -> show as DecimalSI
            if e >= 0:
                n = a * 10**e
                exact = True
            else:
                n, r = divmod(a, 10 ** (-e))
                exact = r == 0
            if exact:
                times = 0
                while n >= 1024 and n % 1024 == 0:
                    n //= 1024
                    times += 1
                return ("-" if neg else "") + str(n) + _BINARY_SUFFIX_BY_1024_EXP.get(times, "")
            fmt = DECIMAL_SI
    elif fmt != DECIMAL_SI:
        fmt = DECIMAL_EXPONENT
    # move all factors of 10 into the exponent, then make the exponent a multiple of 3
    while a % 10 == 0:
        a //= 10
        e += 1
    r = e % 3
    if r:
        a *= 10**r
        e -= r
    number = ("-" if neg else "") + str(a)
    if fmt == DECIMAL_SI:
        return number + _DECIMAL_SUFFIX_BY_EXP.get(e, "")
    return number if e == 0 else f"{number}e{e}"


def format_quantity(value: Decimal | int, fmt: str) -> str:
    """Return upstream's canonical String() of a quantity of this value and format.

    fmt is "DecimalSI", "BinarySI" or "DecimalExponent" (anything else is treated as
    DecimalExponent, as upstream does). Values finer than 1n are first rounded up to 1n.
    E.g. (Decimal("0.1"), "DecimalSI") -> "100m"; (1536 * 2**20, "BinarySI") -> "1536Mi".
    """
    u, e = _decimal_parts(value)
    u, e = _round_up_to_nano(u, e)
    return _format(u, e, fmt)


def canonical(q: QuantityLike) -> str:
    """Parse a quantity and return the string upstream would serialise it as.

    The format of the input is kept: "0.5" -> "500m", "1000m" -> "1", "1024Mi" -> "1Gi",
    "2000Mi" -> "2000Mi", "1e3" -> "1e3". Raises ValueError when q is invalid.
    upstream: ParseQuantity(q).String().
    """
    u, e, fmt, cached = _parse(_to_text(q))
    if cached is not None:
        return cached
    return _format(u, e, fmt)


def _as_decimal(q: QuantityLike) -> tuple[int, int]:
    if isinstance(q, Decimal):
        return _decimal_parts(q)
    if isinstance(q, int) and not isinstance(q, bool):
        return q, 0
    u, e, _, _ = _parse(_to_text(q))
    return u, e


def scaled_value(q: QuantityLike, scale: int) -> int:
    """Return q / 10**scale rounded up away from zero, saturated to int64.

    upstream: Quantity.ScaledValue (int64 arithmetic; k8slab saturates instead of overflowing).
    """
    u, e = _as_decimal(q)
    if u == 0:
        return 0
    e -= scale
    neg = u < 0
    a = -u if neg else u
    if e >= 0:
        if len(str(a)) + e > 19:
            return _MIN_INT64 if neg else _MAX_INT64
        n = a * 10**e
    else:
        if -e > len(str(a)):
            n = 1
        else:
            n, r = divmod(a, 10 ** (-e))
            if r:
                n += 1
    if neg:
        return max(-n, _MIN_INT64)
    return min(n, _MAX_INT64)


def value(q: QuantityLike) -> int:
    """Return the value of q rounded up away from zero to an integer; upstream Quantity.Value."""
    return scaled_value(q, 0)


def milli_value(q: QuantityLike) -> int:
    """Return ceil(q * 1000) (away from zero); upstream Quantity.MilliValue."""
    return scaled_value(q, -3)
