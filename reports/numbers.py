"""Numbers as the pages write them: rounded half up from the decimal value, as Django's
floatformat does (3.485 -> 3.49, never «-0.00»), so the page, the comparison table and the PDF
show the same digits."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_QUANTUM = {places: Decimal(1).scaleb(-places) for places in range(0, 4)}


def half_up(number: Decimal, places: int) -> str:
    """`number` rounded half up to `places` (0 to 3) decimals, with «.» as the separator."""
    rounded = number.quantize(_QUANTUM[places], ROUND_HALF_UP)
    if not rounded:
        rounded = abs(rounded)
    return f"{rounded:f}"


def decimal_text(value, places: int, separator: str) -> str:
    """What `floatformat:places` writes for `value` (0 to 3 places, `separator` the language's
    decimal separator, no grouping; "" for what is not a number), without the filter's per-call
    work: the same digits, since it rounds the same decimal text half up."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        try:
            number = Decimal(str(float(value)))
        except (ValueError, InvalidOperation, TypeError):
            return ""
    if not number.is_finite():
        return str(value)
    text = half_up(number, places)
    return text.replace(".", separator) if places else text
