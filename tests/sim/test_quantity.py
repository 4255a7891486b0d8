"""resource.Quantity parsing and canonical text, against apimachinery's own tables.

Every table below is transcribed from
staging/src/k8s.io/apimachinery/pkg/api/resource/quantity_test.go (kubernetes/kubernetes);
`dec(m, e)` there is the value m * 10^e.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from learn.sim.kube import quantity as q
from learn.sim.kube.quantity import BINARY_SI as BIN
from learn.sim.kube.quantity import DECIMAL_EXPONENT as EXP
from learn.sim.kube.quantity import DECIMAL_SI as DEC


def dec(m: int | float, e: int) -> Fraction:
    return Fraction(m) * Fraction(10) ** e


MAX = Fraction(2**63 - 1)

# quantity_test.go, TestQuantityParse: `table` (input, expected value, expected format).
PARSE = [
    ("0", dec(0, 0), DEC),
    ("0n", dec(0, 0), DEC),
    ("0u", dec(0, 0), DEC),
    ("0m", dec(0, 0), DEC),
    ("0Ki", dec(0, 0), BIN),
    ("0k", dec(0, 0), DEC),
    ("0Mi", dec(0, 0), BIN),
    ("0M", dec(0, 0), DEC),
    ("0Gi", dec(0, 0), BIN),
    ("0G", dec(0, 0), DEC),
    ("0Ti", dec(0, 0), BIN),
    ("0T", dec(0, 0), DEC),
    ("1", dec(1, 0), DEC),
    ("1Ki", dec(1024, 0), BIN),
    ("8Ki", dec(8 * 1024, 0), BIN),
    ("7Mi", dec(7 * 1024 * 1024, 0), BIN),
    ("6Gi", dec(6 * 1024**3, 0), BIN),
    ("5Ti", dec(5 * 1024**4, 0), BIN),
    ("4Pi", dec(4 * 1024**5, 0), BIN),
    ("3Ei", dec(3 * 1024**6, 0), BIN),
    ("10Ti", dec(10 * 1024**4, 0), BIN),
    ("100Ti", dec(100 * 1024**4, 0), BIN),
    ("5n", dec(5, -9), DEC),
    ("4u", dec(4, -6), DEC),
    ("3m", dec(3, -3), DEC),
    ("9", dec(9, 0), DEC),
    ("8k", dec(8, 3), DEC),
    ("50k", dec(5, 4), DEC),
    ("7M", dec(7, 6), DEC),
    ("6G", dec(6, 9), DEC),
    ("5T", dec(5, 12), DEC),
    ("40T", dec(4, 13), DEC),
    ("300T", dec(3, 14), DEC),
    ("2P", dec(2, 15), DEC),
    ("1E", dec(1, 18), DEC),
    ("1E-3", dec(1, -3), EXP),
    ("1e3", dec(1, 3), EXP),
    ("1E6", dec(1, 6), EXP),
    ("1e9", dec(1, 9), EXP),
    ("1E12", dec(1, 12), EXP),
    ("1e15", dec(1, 15), EXP),
    ("1E18", dec(1, 18), EXP),
    ("1e14", dec(1, 14), EXP),
    ("1e13", dec(1, 13), EXP),
    ("1e3", dec(1, 3), EXP),
    ("100.035k", dec(100035, 0), DEC),
    ("0.001", dec(1, -3), DEC),
    ("0.0005k", dec(5, -1), DEC),
    ("0.005", dec(5, -3), DEC),
    ("0.05", dec(5, -2), DEC),
    ("0.5", dec(5, -1), DEC),
    ("0.00050k", dec(5, -1), DEC),
    ("0.00500", dec(5, -3), DEC),
    ("0.05000", dec(5, -2), DEC),
    ("0.50000", dec(5, -1), DEC),
    ("0.5e0", dec(5, -1), EXP),
    ("0.5e-1", dec(5, -2), EXP),
    ("0.5e-2", dec(5, -3), EXP),
    ("0.5e0", dec(5, -1), EXP),
    ("10.035M", dec(10035, 3), DEC),
    ("1.2e3", dec(12, 2), EXP),
    ("1.3E+6", dec(13, 5), EXP),
    ("1.40e9", dec(14, 8), EXP),
    ("1.53E12", dec(153, 10), EXP),
    ("1.6e15", dec(16, 14), EXP),
    ("1.7E18", dec(17, 17), EXP),
    ("9.01", dec(901, -2), DEC),
    ("8.1k", dec(81, 2), DEC),
    ("7.123456M", dec(7123456, 0), DEC),
    ("6.987654321G", dec(6987654321, 0), DEC),
    ("5.444T", dec(5444, 9), DEC),
    ("40.1T", dec(401, 11), DEC),
    ("300.2T", dec(3002, 11), DEC),
    ("2.5P", dec(25, 14), DEC),
    ("1.01E", dec(101, 16), DEC),
    ("3.001n", dec(4, -9), DEC),
    ("1.1E-9", dec(2, -9), EXP),
    ("0.0000000001", dec(1, -9), DEC),
    ("0.0000000005", dec(1, -9), DEC),
    ("0.00000000050", dec(1, -9), DEC),
    ("0.5e-9", dec(1, -9), EXP),
    ("0.9n", dec(1, -9), DEC),
    ("0.00000012345", dec(124, -9), DEC),
    ("0.00000012354", dec(124, -9), DEC),
    ("9Ei", MAX, BIN),
    ("9223372036854775807Ki", MAX, BIN),
    ("12E", dec(12, 18), DEC),
    ("100.035Ki", dec(10243584, -2), BIN),
    ("0.5Mi", dec(int(0.5 * 1024 * 1024), 0), BIN),
    ("0.05Gi", dec(536870912, -1), BIN),
    ("0.025Ti", dec(274877906944, -1), BIN),
    ("0.000000000001Ki", dec(2, -9), DEC),
    (".001", dec(1, -3), DEC),
    (".0001k", dec(100, -3), DEC),
    ("1.", dec(1, 0), DEC),
    ("1.G", dec(1, 9), DEC),
]

# quantity_test.go, TestQuantityParse: `invalid` (and the empty string checked first).
INVALID = [
    "",
    "1.1.M",
    "1+1.0M",
    "0.1mi",
    "0.1am",
    "aoeu",
    ".5i",
    "1i",
    "-3.01i",
    "-3.01e-",
    "1e4294967297",
    " 1",
    "1 ",
]


@pytest.mark.parametrize(("text", "value", "fmt"), PARSE)
def test_parse(text: str, value: Fraction, fmt: str) -> None:
    got = q.parse(text)
    assert (got.value, got.format) == (value, fmt)


@pytest.mark.parametrize(("text", "value", "fmt"), PARSE)
def test_parse_negative_and_explicit_plus(text: str, value: Fraction, fmt: str) -> None:
    negative = q.parse("-" + text)
    assert (negative.value, negative.format) == (-value, fmt)
    plus = q.parse("+" + text)
    assert (plus.value, plus.format) == (value, fmt)


@pytest.mark.parametrize("text", INVALID)
def test_invalid(text: str) -> None:
    with pytest.raises(q.QuantityError):
        q.parse(text)


def test_invalid_messages_are_the_api_servers() -> None:
    # quantity.go: ErrFormatWrong and ErrSuffix, what `kubectl apply` shows for "512mi".
    with pytest.raises(q.QuantityError) as wrong:
        q.parse("1+1.0M")
    assert str(wrong.value) == (
        "quantities must match the regular expression "
        "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )
    with pytest.raises(q.QuantityError) as suffix:
        q.parse("512mi")
    assert str(suffix.value) == "unable to parse quantity's suffix"


# quantity_test.go, TestParseQuantityString: (input, positive, value, num, denom, suffix).
SPLIT = [
    ("0.025Ti", True, "0.025", "0", "025", "Ti"),
    ("1.025Ti", True, "1.025", "1", "025", "Ti"),
    ("-1.025Ti", False, "-1.025", "1", "025", "Ti"),
    (".", True, ".", "0", "", ""),
    ("-.", False, "-.", "0", "", ""),
    ("1E-3", True, "1", "1", "", "E-3"),
]


@pytest.mark.parametrize(("text", "positive", "value", "num", "denom", "suffix"), SPLIT)
def test_split(text: str, positive: bool, value: str, num: str, denom: str, suffix: str) -> None:
    assert q.split(text) == (positive, value, num, denom, suffix)


# quantity_test.go, TestQuantityString: (value, format, canonical text, an alternate spelling
# that parses to the same canonical text).
STRING = [
    (dec(1024**3, 0), BIN, "1Gi", "1024Mi"),
    (dec(300 * 1024 * 1024, 0), BIN, "300Mi", "307200Ki"),
    (dec(6 * 1024, 0), BIN, "6Ki", ""),
    (dec(1001 * 1024**3, 0), BIN, "1001Gi", "1025024Mi"),
    (dec(1024**4, 0), BIN, "1Ti", "1024Gi"),
    (dec(5, 0), BIN, "5", "5000m"),
    (dec(500, -3), BIN, "500m", "0.5"),
    (dec(1, 9), DEC, "1G", "1000M"),
    (dec(1000, 6), DEC, "1G", "0.001T"),
    (dec(1000000, 3), DEC, "1G", ""),
    (dec(1000000000, 0), DEC, "1G", ""),
    (dec(1, -3), DEC, "1m", "1000u"),
    (dec(80, -3), DEC, "80m", ""),
    (dec(1080, -3), DEC, "1080m", "1.08"),
    (dec(108, -2), DEC, "1080m", "1080000000n"),
    (dec(10800, -4), DEC, "1080m", ""),
    (dec(300, 6), DEC, "300M", ""),
    (dec(1, 12), DEC, "1T", ""),
    (dec(1, 18), DEC, "1E", ""),
    (dec(1, 21), DEC, "1e21", "1000E"),
    (dec(5, 21), DEC, "5e21", "5000E"),
    (dec(1, 24), DEC, "1e24", "1000000E"),
    (dec(1, 70), BIN, "10e69", ""),
    (dec(2, 70), BIN, "20e69", ""),
    (dec(1, 72), BIN, "1e72", ""),
    (dec(1234567, 6), DEC, "1234567M", ""),
    (dec(1234567, -3), BIN, "1234567m", ""),
    (dec(3, 3), DEC, "3k", ""),
    (dec(1025, 0), BIN, "1025", ""),
    (dec(0, 0), DEC, "0", ""),
    (dec(0, 0), BIN, "0", ""),
    (dec(1, 9), EXP, "1e9", ".001e12"),
    (dec(1, -3), EXP, "1e-3", "0.001e0"),
    (dec(1, -9), EXP, "1e-9", "1000e-12"),
    (dec(80, -3), EXP, "80e-3", ""),
    (dec(300, 6), EXP, "300e6", ""),
    (dec(1, 12), EXP, "1e12", ""),
    (dec(1, 3), EXP, "1e3", ""),
    (dec(3, 3), EXP, "3e3", ""),
    (dec(3, 3), DEC, "3k", ""),
    (dec(0, 0), EXP, "0", "00"),
    (dec(1, -9), DEC, "1n", ""),
    (dec(80, -9), DEC, "80n", ""),
    (dec(1080, -9), DEC, "1080n", ""),
    (dec(108, -8), DEC, "1080n", ""),
    (dec(10800, -10), DEC, "1080n", ""),
    (dec(1, -6), DEC, "1u", ""),
    (dec(80, -6), DEC, "80u", ""),
    (dec(1080, -6), DEC, "1080u", ""),
]


@pytest.mark.parametrize(("value", "fmt", "text", "alternate"), STRING)
def test_canonical(value: Fraction, fmt: str, text: str, alternate: str) -> None:
    assert q.canonical(value, fmt) == text
    # The canonical text parses to itself and keeps the typed text.
    parsed = q.parse(text)
    assert parsed.text == text and str(parsed) == text
    if alternate:
        other = q.parse(alternate)
        assert other.text == ""
        assert str(other) == text
    if value:
        assert q.canonical(-value, fmt) == "-" + text


# quantity_test.go, TestBinarySIZeroExponentString and TestQuantityStringBelowNano.
@pytest.mark.parametrize(
    ("value", "fmt", "text"),
    [
        (dec(2000, 0), BIN, "2000"),
        (dec(-2000, 0), BIN, "-2000"),
        (dec(1, -12), DEC, "1e-12"),
        (dec(1, -10), DEC, "100e-12"),
    ],
)
def test_canonical_edges(value: Fraction, fmt: str, text: str) -> None:
    assert q.canonical(value, fmt) == text


def test_binary_past_ei_is_written_exactly() -> None:
    # quantity_test.go, TestBinarySIPastEiArithmeticRoundTrip: 1Ei * 1024.
    value = q.parse("1Ei").value * 1024
    assert q.canonical(value, BIN) == "1180591620717411303424"
    assert q.parse("1180591620717411303424").value == value


# quantity_test.go, TestQuantityParseEmit.
EMIT = [
    ("1Ki", "1Ki"),
    ("1Mi", "1Mi"),
    ("1Gi", "1Gi"),
    ("1024Mi", "1Gi"),
    ("1000M", "1G"),
    (".001Ki", "1024m"),
    (".000001Ki", "1024u"),
    (".000000001Ki", "1024n"),
    (".000000000001Ki", "2n"),
]


@pytest.mark.parametrize(("text", "emitted"), EMIT)
def test_parse_emit(text: str, emitted: str) -> None:
    assert str(q.parse(text)) == emitted
    assert str(q.parse("-" + text)) == "-" + emitted


# quantity_test.go, TestQuantityCmp (the first table).
@pytest.mark.parametrize(
    ("x", "y", "expect"),
    [("0", "0", 0), ("100m", "50m", 1), ("50m", "100m", -1), ("10000T", "100Gi", 1)],
)
def test_compare(x: str, y: str, expect: int) -> None:
    a, b = q.parse(x).value, q.parse(y).value
    assert (a > b) - (a < b) == expect


def test_milli_and_integer_round_up() -> None:
    # quantity.go: MilliValue() and Value() round up (ScaledValue uses ceiling division).
    assert q.milli("250m") == 250
    assert q.milli("0.1") == 100
    assert q.milli("1n") == 1
    assert q.integer("1.5") == 2
    assert q.integer("512Mi") == 512 * 1024 * 1024
    assert q.format_milli(250) == "250m"
    assert q.format_milli(2000) == "2"
    assert q.format_bytes(128 * 1024 * 1024) == "128Mi"


def test_huge_exponent_is_refused_quickly() -> None:
    with pytest.raises(q.QuantityError):
        q.parse("1e2147483647")
