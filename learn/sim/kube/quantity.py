"""resource.Quantity: parsing and the canonical text, as apimachinery does them.

The rules (staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go):

- `<sign><digits>[.<digits>]<suffix>`, the suffix one of the decimal SI ones (n u m "" k M G T
  P E), the binary ones (Ki Mi Gi Ti Pi Ei) or an exponent (e3, E-6). Anything else fails with
  the error kubectl and the API server print (`quantities must match the regular
  expression ...`, `unable to parse quantity's suffix`).
- The value is exact, rounded *up* (away from zero) to a multiple of 1n: "if you want some
  resources, you should get some resources". Binary quantities are capped at 2^63-1 and a
  binary one between 0 and 1 becomes decimal.
- The canonical text (what `kubectl get -o yaml` shows, what a message quotes) keeps the
  format the learner used: the largest suffix that leaves an integer mantissa (decimal
  exponents in steps of 3, binary in steps of 1024). A binary value below 1024 or not an
  integer is written as a decimal one. A text that was already canonical is kept as typed.

`Quantity.value` is the exact Fraction; `.milli()` and `.integer()` round up as MilliValue()
and Value() do. Everyone in learn/sim uses this module for cpu, memory and storage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

DECIMAL_SI = "DecimalSI"
BINARY_SI = "BinarySI"
DECIMAL_EXPONENT = "DecimalExponent"

# The error texts of quantity.go (ErrFormatWrong, ErrNumeric, ErrSuffix).
ERR_FORMAT = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"

_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_BY_EXP = {exp: suffix for suffix, exp in _DECIMAL.items()}
_BINARY = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_BINARY_BY_EXP = {exp: suffix for suffix, exp in _BINARY.items()}
_SUFFIX_CHARS = set("eEinumkKMGTP")
_DIGITS = set("0123456789")
_MAX_INT32 = 2**31 - 1
MAX_ALLOWED = 2**63 - 1  # maxAllowed: the cap of a binary quantity
NANO = Fraction(1, 10**9)

# A sandbox limit, not an API server rule: the API server accepts exponents up to 2^31-1 (it
# keeps a scale, not the digits); beyond 10^±1000 we refuse rather than build huge numbers.
MAX_EXPONENT = 1000


class QuantityError(ValueError):
    """A text that is not a quantity; str() is the API server's message."""


@dataclass(frozen=True)
class Quantity:
    value: Fraction
    format: str = DECIMAL_SI
    # The text as typed, kept when it was already canonical (quantity.go keeps `s`).
    text: str = ""

    def __str__(self) -> str:
        return self.text or canonical(self.value, self.format)

    def milli(self) -> int:
        """MilliValue(): thousandths, rounded up."""
        return _ceil(self.value * 1000)

    def integer(self) -> int:
        """Value(): the integer value, rounded up."""
        return _ceil(self.value)

    def __lt__(self, other: Quantity) -> bool:
        return self.value < other.value

    def __le__(self, other: Quantity) -> bool:
        return self.value <= other.value


def _ceil(value: Fraction) -> int:
    """Round away from zero, as inf.RoundUp does."""
    if value >= 0:
        return math.ceil(value)
    return -math.ceil(-value)


def split(text: str) -> tuple[bool, str, str, str, str]:
    """parseQuantityString: (positive, value, numerator, denominator, suffix)."""
    positive = True
    pos = 0
    end = len(text)
    if text[:1] in {"-", "+"}:
        positive = text[0] == "+"
        pos = 1
    while pos < end and text[pos] == "0":
        pos += 1
    if pos >= end:
        return positive, "0", "0", "", ""
    start = pos
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    if pos >= end:
        return positive, text, text[start:] or "0", "", ""
    num = text[start:pos] or "0"
    denom = ""
    if text[pos] == ".":
        pos += 1
        start = pos
        while pos < end and text[pos] in _DIGITS:
            pos += 1
        denom = text[start:pos]
        if pos >= end:
            return positive, text, num, denom, ""
    value = text[:pos]
    suffix_start = pos
    while pos < end and text[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and text[pos] in {"-", "+"}:
        pos += 1
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    if pos < end:
        raise QuantityError(ERR_FORMAT)
    return positive, value, num, denom, text[suffix_start:]


def _interpret(suffix: str) -> tuple[int, int, str]:
    """(base, exponent, format) of a suffix, as quantitySuffixer.interpret."""
    if suffix in _DECIMAL:
        return 10, _DECIMAL[suffix], DECIMAL_SI
    if suffix in _BINARY:
        return 2, _BINARY[suffix], BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        digits = suffix[1:]
        body = digits[1:] if digits[:1] in {"-", "+"} else digits
        if body and all(c in _DIGITS for c in body):
            exponent = int(digits)
            if -_MAX_INT32 <= exponent <= _MAX_INT32:
                return 10, exponent, DECIMAL_EXPONENT
    raise QuantityError(ERR_SUFFIX)


def parse(text: str) -> Quantity:
    """ParseQuantity. Raises QuantityError with the API server's message."""
    if not isinstance(text, str) or not text:
        raise QuantityError(ERR_FORMAT)
    if text == "0":
        return Quantity(Fraction(0), DECIMAL_SI, "0")
    positive, _value, num, denom, suffix = split(text)
    base, exponent, fmt = _interpret(suffix)
    if abs(exponent) > MAX_EXPONENT:
        raise QuantityError(
            f"the sandbox does not simulate quantities beyond 1e±{MAX_EXPONENT}: {text}"
        )
    shifted = num + denom
    magnitude = Fraction(int(shifted), 10 ** len(denom))
    magnitude *= Fraction(10) ** exponent if base == 10 else 2**exponent
    if magnitude % NANO:
        magnitude = Fraction(math.ceil(magnitude / NANO), 10**9)
    if fmt == BINARY_SI and magnitude > MAX_ALLOWED:
        magnitude = Fraction(MAX_ALLOWED)
    if fmt == BINARY_SI and 0 < magnitude < 1:
        fmt = DECIMAL_SI
    value = magnitude if positive else -magnitude
    return Quantity(value, fmt, text if _keeps_text(base, exponent, num, denom) else "")


def _keeps_text(base: int, exponent: int, num: str, denom: str) -> bool:
    """When ParseQuantity's int64 fast path reuses the typed text as the canonical one."""
    shifted = num + denom
    if base == 2:
        if denom or exponent < 0:
            return False
        precision = 15 - len(num) - int(exponent * 3 / 10) - 1
        if precision < 0 or int(shifted) << exponent > MAX_ALLOWED:
            return False
        return exponent % 10 == 0 and int(shifted) & 0x07 != 0
    if 18 - len(num) - len(denom) < 0:
        return False
    scale = exponent - len(denom)
    if scale < -9 or int(shifted) > MAX_ALLOWED:
        return False
    return scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0"


def canonical(value: Fraction, fmt: str = DECIMAL_SI) -> str:
    """CanonicalizeBytes: the text the API server writes for a value in a format."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    magnitude = -value if value < 0 else value
    if fmt == BINARY_SI:
        if magnitude < 1024 or magnitude.denominator != 1:
            fmt = DECIMAL_SI
        else:
            amount, times = int(magnitude), 0
            while amount % 1024 == 0:
                amount //= 1024
                times += 1
            suffix = _BINARY_BY_EXP.get(times * 10) if times else ""
            if suffix is not None:
                return f"{sign}{amount}{suffix}"
            fmt = DECIMAL_SI  # past Ei: no binary suffix, written exactly in decimal
    mantissa, exponent = _decimal_parts(magnitude)
    if fmt == DECIMAL_EXPONENT:
        return f"{sign}{mantissa}" + (f"e{exponent}" if exponent else "")
    suffix = _DECIMAL_BY_EXP.get(exponent)
    if suffix is None:
        suffix = f"e{exponent}"
    return f"{sign}{mantissa}{suffix}"


def _decimal_parts(magnitude: Fraction) -> tuple[int, int]:
    """AsCanonicalBytes: an integer mantissa and an exponent that is a multiple of 3."""
    rest = magnitude.denominator
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    if rest != 1:
        # No finite decimal expansion (only code builds these, say a third of a cpu): round
        # up to 1n as a parsed value would be.
        magnitude = Fraction(math.ceil(magnitude / NANO), 10**9)
    numerator, exponent = magnitude.numerator, 0
    denominator = magnitude.denominator
    while denominator != 1:
        numerator *= 10
        exponent -= 1
        common = math.gcd(numerator, denominator)
        numerator //= common
        denominator //= common
    while numerator % 10 == 0:
        numerator //= 10
        exponent += 1
    while exponent % 3:
        numerator *= 10
        exponent -= 1
    return numerator, exponent


def parse_value(text: str) -> Fraction:
    return parse(text).value


def milli(text: str) -> int:
    """MilliValue of a quantity text (cpu in millicores)."""
    return parse(text).milli()


def integer(text: str) -> int:
    """Value of a quantity text (memory, storage in bytes), rounded up."""
    return parse(text).integer()


def format_milli(millis: int) -> str:
    """A cpu amount as the API server writes a DecimalSI quantity (250m, 1, 1500m)."""
    return canonical(Fraction(millis, 1000), DECIMAL_SI)


def format_bytes(amount: int) -> str:
    """A memory amount as a BinarySI quantity (128Mi, 1Gi, 1500)."""
    return canonical(Fraction(amount), BINARY_SI)
