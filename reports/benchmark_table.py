"""The comparison table's rows as HTML, built in Python: 357 rows × 11 cells through the template
engine (and `floatformat` on every mean, nearly all of them different) were most of the cold
benchmark page. The output is what the template wrote; tests/test_benchmark_table.py checks the
number formatting against Django's `floatformat`."""

from django.urls import reverse
from django.utils import formats
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from assessment.scoring import OUTCOME_CODE

from .anonymity import reason_label
from .numbers import decimal_text


def _text(value) -> str:
    """What `{{ value }}` writes for a name, a label or a count (no grouping is configured)."""
    return str(conditional_escape(value))


class DecimalText:
    """`floatformat(value, places)` for one page (0 to 3 places; the active language's decimal
    separator, no grouping), without the template filter's per-call work: the same digits, since
    it rounds the same decimal text half up."""

    def __init__(self):
        self.separator = formats.get_format("DECIMAL_SEPARATOR")
        # translated once per page, not once per row
        self.level = conditional_escape(_("nivå"))
        self.quarter = conditional_escape(_("kvartil"))

    def __call__(self, value, places: int) -> str:
        return decimal_text(value, places, self.separator)


def hidden_span(reason: str | None) -> str:
    """What templates/reports/_hidden.html writes for a hidden score."""
    code = reason or "withheld"
    return (
        f'<span class="suppressed" data-reason="{code}">'
        f"{conditional_escape(reason_label(code))}</span>"
    )


def score_cells(stats, decimal: DecimalText, row_reason: str | None = None, bands=None):
    """The comparison table's score cells of one kommune, as the template wrote them (one
    `<td>` per dimension, or one for a hidden kommune)."""
    if row_reason:
        return mark_safe(f'<td colspan="{len(stats)}">{hidden_span(row_reason)}</td>')  # noqa: S308
    level, quarter = decimal.level, decimal.quarter
    cells = []
    for index, s in enumerate(stats):
        if s.suppressed:
            cells.append(f"<td>{hidden_span(s.reason)}</td>")
            continue
        band = bands[index] if bands else None
        band_html = (
            f' <span class="band band-{band}" data-band="{band}">{quarter} {band}</span>'
            if band
            else ""
        )
        if s.code == OUTCOME_CODE:  # the outcome index is read on 0-100, as in the report
            cells.append(f'<td class="border-start">{decimal(s.index, 0)}{band_html}</td>')
            continue
        cells.append(
            f"<td>{decimal(s.mean, 2)} "
            f'<span class="small text-body-secondary">({level} {s.level})</span>{band_html}</td>'
        )
    return mark_safe("".join(cells))  # noqa: S308 - numbers and an escaped translation


def report_links(slug: str):
    """The kommune report's address for a kommune number, reversed once for the whole table."""
    placeholder = "0000"
    template = reverse("reports:municipality_report", kwargs={"slug": slug, "number": placeholder})
    head, _sep, tail = template.rpartition(f"/{placeholder}/")

    def link(number: str) -> str:
        return f"{head}/{number}/{tail}"

    return link


def name_cell(row, *, viewer_is_national: bool, query: str, link) -> SafeString:
    """The row's first cell as the template wrote it: for KS a link to the kommune's report and
    a «marker» link; for a coordinator the name only."""
    name = conditional_escape(row["display_name"])
    if not viewer_is_national:
        return name
    number = conditional_escape(row["number"])
    marker = conditional_escape(_("marker"))
    return mark_safe(  # noqa: S308 - every part escaped
        f'<a href="{link(number)}">{name}</a>\n        '
        f'<a class="small" href="?{conditional_escape(query)}&amp;marker={number}">{marker}'
        f'<span class="visually-hidden"> {name}</span></a>'
    )


def hidden_count(reason: str | None, min_size: int) -> str:
    """What templates/reports/_hidden.html writes for a hidden count (count=True)."""
    code = reason or "withheld"
    words = _("færre enn %(n)s") % {"n": min_size} if code == "too_few" else _("skjult")
    return f'<span class="suppressed" data-reason="{code}">{conditional_escape(words)}</span>'


def table_row(row, *, min_size: int) -> SafeString:
    """One kommune's row of the comparison table, as the template wrote it."""
    own = ' class="table-info"' if row["is_own"] else ""
    count = (
        hidden_count(row["reason"], min_size) if row["suppressed"] else _text(row["respondents"])
    )
    return mark_safe(  # noqa: S308 - every part escaped or built escaped
        f'<tr{own}>\n      <th scope="row">{row["name_cell"]}</th>\n'
        f"      <td>{_text(row['county'])}</td><td>{_text(row['size_class_label'])}</td>\n"
        f"      <td>{count}</td>\n      {row['score_cells']}</tr>\n    "
    )


def fact_sheet_rows_html(rows: list[dict], columns: int) -> SafeString:
    """The fact-sheet table's rows (municipalities.selectors.fact_sheet_table), as the template
    wrote them."""
    missing = conditional_escape(_("ikke fylt ut"))
    html = []
    for r in rows:
        if r["answers"]:
            answers = "".join(f"<td>{_text(a)}</td>\n      " for a in r["answers"])
            scaled = r["services_scaled"]
            cells = (
                f"{answers}<td>{_text(r['ks_tools'])}</td>"
                f"<td>{'–' if scaled is None else _text(scaled)}</td>\n      "
            )
        else:
            cells = f'<td colspan="{columns + 2}" class="text-body-secondary">{missing}</td>'
        html.append(f'<tr><th scope="row">{_text(r["name"])}</th>{cells}</tr>\n      ')
    return mark_safe("".join(html))  # noqa: S308 - every part escaped
