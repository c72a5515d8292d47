"""Table tests for k8slab.api.quantity.

Tables follow upstream's staging/src/k8s.io/apimachinery/pkg/api/resource/quantity_test.go
(TestQuantityParse, TestQuantityString, TestQuantityParseEmit, invalid inputs); every
expected string below was also checked against kubectl v1.32 (which parses with
ParseQuantity and prints String()).
"""

from decimal import Decimal

import pytest

from k8slab.api.quantity import (
    BINARY_SI,
    DECIMAL_EXPONENT,
    DECIMAL_SI,
    ERR_FORMAT_WRONG,
    ERR_NUMERIC,
    ERR_SUFFIX,
    canonical,
    format_quantity,
    milli_value,
    parse_quantity,
    parse_quantity_with_format,
    scaled_value,
    value,
)

MAX_INT64 = 2**63 - 1
KI, MI, GI, TI, PI, EI = (1024**i for i in range(1, 7))


def dec(i: int, exponent: int) -> Decimal:
    """upstream's decQuantity(i, exponent, _) value: i * 10**exponent."""
    return Decimal(i).scaleb(exponent)


# (input, value, format): upstream TestQuantityParse
PARSE_TABLE = [
    ("0", dec(0, 0), DECIMAL_SI),
    ("0n", dec(0, 0), DECIMAL_SI),
    ("0u", dec(0, 0), DECIMAL_SI),
    ("0m", dec(0, 0), DECIMAL_SI),
    ("0Ki", dec(0, 0), BINARY_SI),
    ("0k", dec(0, 0), DECIMAL_SI),
    ("0Mi", dec(0, 0), BINARY_SI),
    ("0M", dec(0, 0), DECIMAL_SI),
    ("0Gi", dec(0, 0), BINARY_SI),
    ("0G", dec(0, 0), DECIMAL_SI),
    ("0Ti", dec(0, 0), BINARY_SI),
    ("0T", dec(0, 0), DECIMAL_SI),
    # quantity-less numbers are allowed
    ("1", dec(1, 0), DECIMAL_SI),
    # binary suffixes
    ("1Ki", Decimal(KI), BINARY_SI),
    ("8Ki", Decimal(8 * KI), BINARY_SI),
    ("7Mi", Decimal(7 * MI), BINARY_SI),
    ("6Gi", Decimal(6 * GI), BINARY_SI),
    ("5Ti", Decimal(5 * TI), BINARY_SI),
    ("4Pi", Decimal(4 * PI), BINARY_SI),
    ("3Ei", Decimal(3 * EI), BINARY_SI),
    ("10Ti", Decimal(10 * TI), BINARY_SI),
    ("100Ti", Decimal(100 * TI), BINARY_SI),
    # decimal suffixes
    ("5n", dec(5, -9), DECIMAL_SI),
    ("4u", dec(4, -6), DECIMAL_SI),
    ("3m", dec(3, -3), DECIMAL_SI),
    ("9", dec(9, 0), DECIMAL_SI),
    ("8k", dec(8, 3), DECIMAL_SI),
    ("50k", dec(5, 4), DECIMAL_SI),
    ("7M", dec(7, 6), DECIMAL_SI),
    ("6G", dec(6, 9), DECIMAL_SI),
    ("5T", dec(5, 12), DECIMAL_SI),
    ("40T", dec(4, 13), DECIMAL_SI),
    ("300T", dec(3, 14), DECIMAL_SI),
    ("2P", dec(2, 15), DECIMAL_SI),
    ("1E", dec(1, 18), DECIMAL_SI),
    # decimal exponents
    ("1E-3", dec(1, -3), DECIMAL_EXPONENT),
    ("1e3", dec(1, 3), DECIMAL_EXPONENT),
    ("1E6", dec(1, 6), DECIMAL_EXPONENT),
    ("1e9", dec(1, 9), DECIMAL_EXPONENT),
    ("1E12", dec(1, 12), DECIMAL_EXPONENT),
    ("1e15", dec(1, 15), DECIMAL_EXPONENT),
    ("1E18", dec(1, 18), DECIMAL_EXPONENT),
    # nonstandard but still parsable
    ("1e14", dec(1, 14), DECIMAL_EXPONENT),
    ("1e13", dec(1, 13), DECIMAL_EXPONENT),
    ("100.035k", dec(100035, 0), DECIMAL_SI),
    # things that look like floating point
    ("0.001", dec(1, -3), DECIMAL_SI),
    ("0.0005k", dec(5, -1), DECIMAL_SI),
    ("0.005", dec(5, -3), DECIMAL_SI),
    ("0.05", dec(5, -2), DECIMAL_SI),
    ("0.5", dec(5, -1), DECIMAL_SI),
    ("0.00050k", dec(5, -1), DECIMAL_SI),
    ("0.00500", dec(5, -3), DECIMAL_SI),
    ("0.05000", dec(5, -2), DECIMAL_SI),
    ("0.50000", dec(5, -1), DECIMAL_SI),
    ("0.5e0", dec(5, -1), DECIMAL_EXPONENT),
    ("0.5e-1", dec(5, -2), DECIMAL_EXPONENT),
    ("0.5e-2", dec(5, -3), DECIMAL_EXPONENT),
    ("10.035M", dec(10035, 3), DECIMAL_SI),
    ("1.2e3", dec(12, 2), DECIMAL_EXPONENT),
    ("1.3E+6", dec(13, 5), DECIMAL_EXPONENT),
    ("1.40e9", dec(14, 8), DECIMAL_EXPONENT),
    ("1.53E12", dec(153, 10), DECIMAL_EXPONENT),
    ("1.6e15", dec(16, 14), DECIMAL_EXPONENT),
    ("1.7E18", dec(17, 17), DECIMAL_EXPONENT),
    ("9.01", dec(901, -2), DECIMAL_SI),
    ("8.1k", dec(81, 2), DECIMAL_SI),
    ("7.123456M", dec(7123456, 0), DECIMAL_SI),
    ("6.987654321G", dec(6987654321, 0), DECIMAL_SI),
    ("5.444T", dec(5444, 9), DECIMAL_SI),
    ("40.1T", dec(401, 11), DECIMAL_SI),
    ("300.2T", dec(3002, 11), DECIMAL_SI),
    ("2.5P", dec(25, 14), DECIMAL_SI),
    ("1.01E", dec(101, 16), DECIMAL_SI),
    # things that saturate/round
    ("3.001n", dec(4, -9), DECIMAL_SI),
    ("1.1E-9", dec(2, -9), DECIMAL_EXPONENT),
    ("0.0000000001", dec(1, -9), DECIMAL_SI),
    ("0.0000000005", dec(1, -9), DECIMAL_SI),
    ("0.00000000050", dec(1, -9), DECIMAL_SI),
    ("0.5e-9", dec(1, -9), DECIMAL_EXPONENT),
    ("0.9n", dec(1, -9), DECIMAL_SI),
    ("0.00000012345", dec(124, -9), DECIMAL_SI),
    ("0.00000012354", dec(124, -9), DECIMAL_SI),
    ("9Ei", Decimal(MAX_INT64), BINARY_SI),
    ("9223372036854775807Ki", Decimal(MAX_INT64), BINARY_SI),
    ("12E", dec(12, 18), DECIMAL_SI),
    # fractional binary values
    ("100.035Ki", dec(10243584, -2), BINARY_SI),
    ("0.5Mi", Decimal(MI // 2), BINARY_SI),
    ("0.05Gi", dec(536870912, -1), BINARY_SI),
    ("0.025Ti", dec(274877906944, -1), BINARY_SI),
    # things written by trolls
    ("0.000000000001Ki", dec(2, -9), DECIMAL_SI),  # rounds up, changes format
    (".001", dec(1, -3), DECIMAL_SI),
    (".0001k", dec(100, -3), DECIMAL_SI),
    ("1.", dec(1, 0), DECIMAL_SI),
    ("1.G", dec(1, 9), DECIMAL_SI),
]


@pytest.mark.parametrize(("text", "expected", "fmt"), PARSE_TABLE, ids=[c[0] for c in PARSE_TABLE])
def test_parse_quantity(text, expected, fmt):
    assert parse_quantity(text) == expected
    assert parse_quantity_with_format(text) == (expected, fmt)


@pytest.mark.parametrize(("text", "expected", "fmt"), PARSE_TABLE, ids=[c[0] for c in PARSE_TABLE])
def test_parse_quantity_signed(text, expected, fmt):
    # upstream tries "-" + input and "+" + input for every row of the table
    assert parse_quantity_with_format("-" + text) == (-expected, fmt)
    assert parse_quantity_with_format("+" + text) == (expected, fmt)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100m", Decimal("0.1")),
        ("1Ki", Decimal(1024)),
        ("250m", Decimal("0.25")),
        ("64Mi", Decimal(64 * MI)),
        ("1.5Gi", Decimal(1536 * MI)),
        ("2", Decimal(2)),
        ("1e3", Decimal(1000)),
        ("1.5E-2", Decimal("0.015")),
        ("1.", Decimal(1)),
        (".5", Decimal("0.5")),
        ("-1.5", Decimal("-1.5")),
        ("00012", Decimal(12)),
    ],
)
def test_parse_quantity_exact_decimal(text, expected):
    got = parse_quantity(text)
    assert isinstance(got, Decimal)
    assert got == expected
    assert str(got) == str(expected)  # integers come back without an exponent


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # upstream's invalid table
        ("1.1.M", ERR_FORMAT_WRONG),
        ("1+1.0M", ERR_FORMAT_WRONG),
        ("0.1mi", ERR_SUFFIX),
        ("0.1am", ERR_FORMAT_WRONG),
        ("aoeu", ERR_FORMAT_WRONG),
        (".5i", ERR_SUFFIX),
        ("1i", ERR_SUFFIX),
        ("-3.01i", ERR_SUFFIX),
        ("-3.01e-", ERR_SUFFIX),
        (" 1", ERR_FORMAT_WRONG),  # leading/trailing whitespace is forbidden
        ("1 ", ERR_FORMAT_WRONG),
        # more, each message checked against kubectl v1.32
        ("", ERR_FORMAT_WRONG),
        ("1.2.3", ERR_FORMAT_WRONG),
        ("1 Mi", ERR_FORMAT_WRONG),
        ("1mi", ERR_SUFFIX),
        ("1e", ERR_SUFFIX),
        ("1E+", ERR_SUFFIX),
        ("1Mb", ERR_FORMAT_WRONG),
        ("1MiB", ERR_FORMAT_WRONG),
        ("1KiB", ERR_FORMAT_WRONG),
        ("1kb", ERR_FORMAT_WRONG),
        ("1K", ERR_SUFFIX),
        ("1Kii", ERR_SUFFIX),
        ("1Mi5", ERR_SUFFIX),
        ("1Ee3", ERR_SUFFIX),
        ("1-", ERR_SUFFIX),
        ("1e9223372036854775808", ERR_SUFFIX),  # exponent overflows int64
        ("e-20", ERR_NUMERIC),
        ("+e-20", ERR_NUMERIC),
        ("1,5", ERR_FORMAT_WRONG),
        ("1_000", ERR_FORMAT_WRONG),
        ("Non-Numeric", ERR_FORMAT_WRONG),
        ("0x10", ERR_FORMAT_WRONG),
        ("inf", ERR_FORMAT_WRONG),
        ("NaN", ERR_FORMAT_WRONG),
        ("١", ERR_FORMAT_WRONG),  # only ASCII digits
        ("1\n", ERR_FORMAT_WRONG),
    ],
)
def test_parse_quantity_invalid(text, message):
    with pytest.raises(ValueError) as exc:
        parse_quantity(text)
    assert str(exc.value) == message
    with pytest.raises(ValueError):
        canonical(text)


def test_format_wrong_message_is_upstreams():
    assert ERR_FORMAT_WRONG == (
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )


@pytest.mark.parametrize(
    ("text", "expected", "fmt"),
    [
        # upstream's scanner accepts inputs with no digits as zero (kubectl v1.32 prints "0")
        ("Mi", Decimal(0), BINARY_SI),
        ("m", Decimal(0), DECIMAL_SI),
        (".", Decimal(0), DECIMAL_SI),
        ("-", Decimal(0), DECIMAL_SI),
        ("+", Decimal(0), DECIMAL_SI),
        ("-.", Decimal(0), DECIMAL_SI),
        ("e5", Decimal(0), DECIMAL_EXPONENT),
        # exponents are truncated to int32 as upstream does
        ("1e4294967297", Decimal(10), DECIMAL_EXPONENT),
        ("1e9223372036854775807", Decimal("0.1"), DECIMAL_EXPONENT),
    ],
)
def test_parse_quantity_upstream_quirks(text, expected, fmt):
    assert parse_quantity_with_format(text) == (expected, fmt)


# (value, exponent, format, expected String()): upstream TestQuantityString, v1.32 rows
STRING_TABLE = [
    (GI, 0, BINARY_SI, "1Gi"),
    (300 * MI, 0, BINARY_SI, "300Mi"),
    (6 * KI, 0, BINARY_SI, "6Ki"),
    (1001 * GI, 0, BINARY_SI, "1001Gi"),
    (TI, 0, BINARY_SI, "1Ti"),
    (5, 0, BINARY_SI, "5"),
    (500, -3, BINARY_SI, "500m"),
    (1, 9, DECIMAL_SI, "1G"),
    (1000, 6, DECIMAL_SI, "1G"),
    (1000000, 3, DECIMAL_SI, "1G"),
    (1000000000, 0, DECIMAL_SI, "1G"),
    (1, -3, DECIMAL_SI, "1m"),
    (80, -3, DECIMAL_SI, "80m"),
    (1080, -3, DECIMAL_SI, "1080m"),
    (108, -2, DECIMAL_SI, "1080m"),
    (10800, -4, DECIMAL_SI, "1080m"),
    (300, 6, DECIMAL_SI, "300M"),
    (1, 12, DECIMAL_SI, "1T"),
    (1, 18, DECIMAL_SI, "1E"),
    (1234567, 6, DECIMAL_SI, "1234567M"),
    (1234567, -3, BINARY_SI, "1234567m"),
    (3, 3, DECIMAL_SI, "3k"),
    (1025, 0, BINARY_SI, "1025"),
    (0, 0, DECIMAL_SI, "0"),
    (0, 0, BINARY_SI, "0"),
    (1, 9, DECIMAL_EXPONENT, "1e9"),
    (1, -3, DECIMAL_EXPONENT, "1e-3"),
    (1, -9, DECIMAL_EXPONENT, "1e-9"),
    (80, -3, DECIMAL_EXPONENT, "80e-3"),
    (300, 6, DECIMAL_EXPONENT, "300e6"),
    (1, 12, DECIMAL_EXPONENT, "1e12"),
    (1, 3, DECIMAL_EXPONENT, "1e3"),
    (3, 3, DECIMAL_EXPONENT, "3e3"),
    (0, 0, DECIMAL_EXPONENT, "0"),
    (1, -9, DECIMAL_SI, "1n"),
    (80, -9, DECIMAL_SI, "80n"),
    (1080, -9, DECIMAL_SI, "1080n"),
    (108, -8, DECIMAL_SI, "1080n"),
    (10800, -10, DECIMAL_SI, "1080n"),
    (1, -6, DECIMAL_SI, "1u"),
    (80, -6, DECIMAL_SI, "80u"),
    (1080, -6, DECIMAL_SI, "1080u"),
    (2000, 0, BINARY_SI, "2000"),  # upstream TestBinarySIZeroExponentString
    # v1.32 has no suffix past "E" and drops it (fixed upstream after v1.32)
    (1, 21, DECIMAL_SI, "1"),
    (5, 21, DECIMAL_SI, "5"),
    (1, 20, DECIMAL_SI, "100E"),
]


@pytest.mark.parametrize(("i", "exp", "fmt", "expected"), STRING_TABLE, ids=[f"{r[0]}e{r[1]}-{r[2]}" for r in STRING_TABLE])
def test_format_quantity(i, exp, fmt, expected):
    assert format_quantity(dec(i, exp), fmt) == expected
    if i:
        # upstream: the negated quantity prints with a leading "-"
        assert format_quantity(-dec(i, exp), fmt) == "-" + expected


@pytest.mark.parametrize(
    ("expected", "alternate"),
    [
        # upstream TestQuantityString alternate spellings: both parse to the same canonical string
        ("1Gi", "1024Mi"),
        ("300Mi", "307200Ki"),
        ("1001Gi", "1025024Mi"),
        ("1Ti", "1024Gi"),
        ("5", "5000m"),
        ("500m", "0.5"),
        ("1G", "1000M"),
        ("1G", "0.001T"),
        ("1m", "1000u"),
        ("1080m", "1.08"),
        ("1080m", "1080000000n"),
        ("1e9", ".001e12"),
        ("1e-3", "0.001e0"),
        ("1e-9", "1000e-12"),
        ("0", "00"),
    ],
)
def test_canonical_alternate_spellings(expected, alternate):
    assert canonical(alternate) == expected
    assert canonical(expected) == expected  # the canonical form round-trips


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # upstream TestQuantityParseEmit
        ("1Ki", "1Ki"),
        ("1Mi", "1Mi"),
        ("1Gi", "1Gi"),
        ("1024Mi", "1Gi"),
        ("1000M", "1G"),
        (".001Ki", "1024m"),
        (".000001Ki", "1024u"),
        (".000000001Ki", "1024n"),
        (".000000000001Ki", "2n"),
        ("-1Ki", "-1Ki"),
        ("-1024Mi", "-1Gi"),
        ("-.001Ki", "-1024m"),
        ("-.000000000001Ki", "-2n"),
        # the examples this package documents
        ("0.5", "500m"),
        ("1000m", "1"),
        ("100m", "100m"),
        ("2000Mi", "2000Mi"),
        ("1.5Gi", "1536Mi"),
        ("0.5Ki", "512"),
        ("1023.5Ki", "1048064"),
        ("1024.5Mi", "1049088Ki"),
        ("1.5", "1500m"),
        ("1500m", "1500m"),
        ("0.1n", "1n"),
        ("1e-10", "1e-9"),
        ("1e21", "1e21"),
        ("1000E", "1"),  # v1.32 drops the magnitude (no suffix past E)
        ("8Ei", "9223372036854775807"),
        ("9Ei", "9223372036854775807"),
        ("-9Ei", "-9223372036854775807"),
        ("7Ei", "7Ei"),
        ("12E", "12E"),
        ("1.5e3", "1500"),
        ("1.5e-3", "1500e-6"),
        ("1E3", "1E3"),  # kept verbatim: upstream reuses canonical-looking input
        ("1e+3", "1e+3"),
        ("+1", "+1"),
        ("01", "01"),
        ("1.500", "1.500"),
        ("12.345k", "12.345k"),
        ("+1Ki", "+1Ki"),
        ("1000", "1k"),
        ("-0", "0"),
        ("0.0", "0"),
        ("1e4294967297", "10"),
    ],
)
def test_canonical(text, expected):
    assert canonical(text) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        # YAML numbers: read as the API server reads their JSON form
        (1, "1"),
        (2, "2"),
        (0, "0"),
        (1000, "1k"),
        (0.5, "500m"),
        (0.25, "250m"),
        (1.0, "1"),
        (2.5, "2500m"),
        (1e-7, "100e-9"),  # Go JSON writes 1e-07 as "1e-7"
        (1e21, "1e+21"),  # Go JSON writes "1e+21", kept verbatim
        (1e20, "100E"),
        (Decimal("0.1"), "100m"),
        (Decimal("1E+3"), "1E+3"),
        (Decimal(128), "128"),
    ],
)
def test_canonical_numbers(number, expected):
    assert canonical(number) == expected
    assert parse_quantity(number) == Decimal(str(number))


@pytest.mark.parametrize("bad", [True, None, [1], float("nan"), float("inf"), Decimal("NaN")])
def test_parse_quantity_rejects_non_quantities(bad):
    with pytest.raises(ValueError):
        parse_quantity(bad)


@pytest.mark.parametrize(
    ("val", "fmt", "expected"),
    [
        (Decimal("0.1"), DECIMAL_SI, "100m"),
        (Decimal(1536 * MI), BINARY_SI, "1536Mi"),
        (1, DECIMAL_SI, "1"),
        (1, BINARY_SI, "1"),
        (1, DECIMAL_EXPONENT, "1"),
        (Decimal("1.5"), BINARY_SI, "1500m"),  # |value| < 1024 prints as DecimalSI
        (Decimal("1024.5"), BINARY_SI, "1024500m"),  # not whole: DecimalSI
        (Decimal(-1024), BINARY_SI, "-1Ki"),
        (Decimal(-1023), BINARY_SI, "-1023"),
        (Decimal(3 * EI), BINARY_SI, "3Ei"),
        (Decimal(1024 * EI), BINARY_SI, "1"),  # v1.32: no suffix past Ei
        (Decimal(1000), BINARY_SI, "1k"),
        (Decimal(2048), BINARY_SI, "2Ki"),
        (Decimal("1e-12"), DECIMAL_SI, "1n"),  # rounded up to 1n, as parsing would
        (Decimal("-1e-12"), DECIMAL_SI, "-1n"),
        (Decimal("1.0000000001"), DECIMAL_SI, "1000000001n"),
        (Decimal("0.0005"), DECIMAL_EXPONENT, "500e-6"),
        (Decimal(1500), "Bogus", "1500"),  # unknown formats print as DecimalExponent
        (Decimal(1500000), "Bogus", "1500e3"),
        (Decimal("100.000"), DECIMAL_SI, "100"),
    ],
)
def test_format_quantity_values(val, fmt, expected):
    assert format_quantity(val, fmt) == expected


@pytest.mark.parametrize(
    ("q", "expected_value", "expected_milli"),
    [
        ("100m", 1, 100),
        ("1", 1, 1000),
        ("1.5", 2, 1500),
        ("0.0001", 1, 1),  # ceil: 100u is 1 millicore
        ("1n", 1, 1),
        ("1Ki", 1024, 1024000),
        ("1Gi", GI, GI * 1000),
        ("0", 0, 0),
        ("-1.5", -2, -1500),  # rounded away from zero
        ("-100m", -1, -100),
        ("2500m", 3, 2500),
        ("9Ei", MAX_INT64, MAX_INT64),  # k8slab saturates at int64
        ("-9Ei", -MAX_INT64, -(2**63)),
        (Decimal("0.25"), 1, 250),
        (4, 4, 4000),
        (0.5, 1, 500),
    ],
)
def test_value_and_milli_value(q, expected_value, expected_milli):
    assert value(q) == expected_value
    assert milli_value(q) == expected_milli


@pytest.mark.parametrize(
    ("q", "scale", "expected"),
    [
        ("1Gi", 6, 1074),  # ceil(1073741824 / 10^6)
        ("1G", 9, 1),
        ("1500m", 0, 2),
        ("1", -9, 10**9),
        ("1n", 0, 1),
    ],
)
def test_scaled_value(q, scale, expected):
    assert scaled_value(q, scale) == expected


def test_value_invalid_raises():
    with pytest.raises(ValueError, match="regular expression"):
        milli_value("lots")
