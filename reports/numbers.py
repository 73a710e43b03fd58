"""Numbers as the pages write them: rounded half up from the decimal value, as Django's
floatformat does (3.485 -> 3.49, never «-0.00»), so the page, the comparison table and the PDF
show the same digits."""

from decimal import ROUND_HALF_UP, Decimal

_QUANTUM = {places: Decimal(1).scaleb(-places) for places in range(0, 4)}


def half_up(number: Decimal, places: int) -> str:
    """`number` rounded half up to `places` (0 to 3) decimals, with «.» as the separator."""
    rounded = number.quantize(_QUANTUM[places], ROUND_HALF_UP)
    if not rounded:
        rounded = abs(rounded)
    return f"{rounded:f}"
