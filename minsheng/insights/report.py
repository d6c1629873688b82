"""The monthly PDF report for the county leadership (ReportLab): the county's headline
figures (the shortest plank, the three rates and their change on the month before, the
happiness index), one table of the townships (weakest area, attainment, gaps), the
inequality figures, the county's barrel and, where one has been saved, the latest budget
allocation. Chinese text is set in ReportLab's built-in CID font ``STSong-Light``: no font
file ships with the project.

Read from the snapshot by ``insights.plank``; nothing is computed or written here.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import (
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as _Paragraph

from minsheng.insights import plank
from minsheng.insights.models import PlanningRun
from minsheng.regions.models import Region

FONT = "STSong-Light"


def Paragraph(text: str, style: ParagraphStyle) -> _Paragraph:
    """A paragraph of plain text (names come from whoever typed them: no markup runs)."""
    return _Paragraph(escape(text), style)


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=18, leading=24, spaceAfter=6),
        "h2": ParagraphStyle(
            "h2", fontName=font, fontSize=13, leading=18, spaceBefore=10, spaceAfter=4
        ),
        "body": ParagraphStyle("body", fontName=font, fontSize=10, leading=15),
        "small": ParagraphStyle(
            "small", fontName=font, fontSize=8, leading=11, textColor=colors.grey
        ),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11),
    }


def _pct(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value * 100:.{digits}f}%"


def _num(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _yuan(value: float | None) -> str:
    return _("unknown") if value is None else f"{value:,.0f}"


def _table(rows: list[list[Any]], widths: list[float], style: ParagraphStyle) -> Table:
    cells = [[Paragraph(str(c), style) for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def barrel_drawing(barrel: plank.Barrel, areas: list[Any], width: float = 170 * mm) -> Drawing:
    """The barrel as a ReportLab drawing: one stave per area, the standard's dashed line."""
    font = _font()
    height, left, bottom, top = 70 * mm, 12 * mm, 22 * mm, 5 * mm
    drawing = Drawing(width, height)
    plot = height - bottom - top

    def y(v: float) -> float:
        return bottom + min(max(v, 0.0), plank.DISPLAY_CAP) / plank.DISPLAY_CAP * plot

    n = max(1, len(areas))
    step = (width - left - 4) / n
    weakest = barrel.weakest
    for tick in (0.0, 0.5, 1.0):
        drawing.add(Line(left, y(tick), width - 4, y(tick), strokeColor=colors.lightgrey))
        drawing.add(
            String(left - 3, y(tick) - 3, f"{tick:g}", fontName=font, fontSize=7, textAnchor="end")
        )
    for k, area in enumerate(areas):
        stave = barrel.stave(area)
        if stave is None:
            continue
        fill = (
            colors.HexColor("#c0392b")
            if weakest is not None and stave.area.pk == weakest.area.pk
            else colors.HexColor("#e6a23c" if stave.below else "#2e7d32")
        )
        x = left + k * step + 2
        drawing.add(
            Rect(x, bottom, step - 4, y(stave.height) - bottom, fillColor=fill, strokeColor=None)
        )
        drawing.add(
            String(
                x + (step - 4) / 2,
                bottom - 9,
                area.name[:6],
                fontName=font,
                fontSize=6.5,
                textAnchor="middle",
            )
        )
        drawing.add(
            String(
                x + (step - 4) / 2,
                bottom - 17,
                _pct(stave.attainment),
                fontName=font,
                fontSize=6.5,
                textAnchor="middle",
            )
        )
    standard = Line(left, y(1.0), width - 4, y(1.0), strokeColor=colors.black, strokeWidth=1)
    standard.strokeDashArray = [3, 2]
    drawing.add(standard)
    return drawing


def _allocation_summary(county: Region, month: date) -> list[str]:
    """The latest saved allocation's name, who ran it and its scalar results, as lines."""
    run = (
        PlanningRun.objects.filter(kind=PlanningRun.Kind.ALLOCATION)
        .select_related("scope", "created_by")
        .first()
    )
    if run is None:
        return []
    lines = [
        _("%(name)s, run on %(when)s for %(scope)s (snapshot %(month)s).")
        % {
            "name": run.name or _("Allocation %(id)s") % {"id": run.pk},
            "when": f"{timezone.localtime(run.created_at):%Y-%m-%d}",
            "scope": run.scope.name,
            "month": f"{run.month:%Y-%m}" if run.month else "–",
        }
    ]
    for source in (run.inputs, run.result):
        if isinstance(source, dict):
            for key, value in source.items():
                if isinstance(value, bool) or not isinstance(value, int | float | str):
                    continue
                shown = f"{value:,.4g}" if isinstance(value, float) else str(value)
                lines.append(f"{key}: {shown[:80]}")
                if len(lines) > 14:
                    return lines
    return lines


def monthly_report(county: Region, month: date) -> bytes:
    """The PDF of ``month`` for ``county`` (the caller checked the month is computed)."""
    styles = _styles()
    planks = plank.planks(county, month)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=_("Monthly planning report %(month)s") % {"month": f"{month:%Y-%m}"},
        author="Minsheng",
    )
    story: list[Any] = [
        Paragraph(
            _("%(county)s: public services, the shortest plank, %(month)s")
            % {"county": county.name, "month": f"{month:%Y-%m}"},
            styles["title"],
        ),
        Paragraph(
            _(
                "Monthly report for the county leadership, made %(when)s from the indicator snapshot."
            )
            % {"when": f"{timezone.localdate():%Y-%m-%d}"},
            styles["small"],
        ),
        Paragraph(_("Headline figures"), styles["h2"]),
    ]
    barrel = planks.county
    weakest = barrel.weakest if barrel else None
    if weakest is not None:
        story.append(
            Paragraph(
                _(
                    "Shortest plank: %(area)s, attainment %(percent)s; %(people)s residents' "
                    "worth of service short of the standard; lifting it would cost %(yuan)s yuan."
                )
                % {
                    "area": weakest.area.name,
                    "percent": _pct(weakest.attainment),
                    "people": f"{weakest.gap_people:,.0f}",
                    "yuan": _yuan(weakest.gap_yuan),
                },
                styles["body"],
            )
        )
    else:
        story.append(
            Paragraph(_("No area attainment has been computed for this month."), styles["body"])
        )
    rates = plank.rate_trend(county, month)
    names = {
        "response_rate": _("Response rate"),
        "resolution_rate": _("Resolution rate"),
        "satisfaction_rate": _("Satisfaction rate"),
    }
    rate_rows: list[list[Any]] = [[_("Rate"), _("This month"), _("Change on the month before")]]
    for s in rates:
        change = s.change
        rate_rows.append(
            [
                names[s.code],
                _pct(s.latest, 1),
                "–" if change is None else f"{change * 100:+.1f}",
            ]
        )
    story.append(Spacer(1, 4))
    story.append(_table(rate_rows, [60 * mm, 40 * mm, 60 * mm], styles["cell"]))
    happiness = plank.happiness_trend(county, month)
    latest = happiness[-1] if happiness else None
    w_s, w_q = plank.happiness_weights()
    story.append(Spacer(1, 4))
    story.append(
        Paragraph(
            _(
                "Happiness index: %(value)s (of 100; %(ws)g × satisfaction + %(wq)g × survey score, attainments)."
            )
            % {
                "value": "–" if latest is None or latest.value is None else f"{latest.value:.1f}",
                "ws": w_s,
                "wq": w_q,
            }
            + (
                " " + _("No survey score this month: the satisfaction rate alone.")
                if latest is not None and latest.partial and latest.survey is None
                else ""
            ),
            styles["body"],
        )
    )

    story.append(Paragraph(_("Townships"), styles["h2"]))
    rows: list[list[Any]] = [
        [
            _("Township"),
            _("Weakest area"),
            _("Attainment"),
            _("Gap in people"),
            _("Gap in yuan"),
            _("Weakest village"),
        ]
    ]
    for b in planks.townships:
        w = b.weakest
        if w is None:
            continue
        rows.append(
            [
                b.region.name,
                w.area.name,
                _pct(w.attainment),
                f"{w.gap_people:,.0f}",
                _yuan(w.gap_yuan),
                w.weakest_village.name if w.weakest_village else "–",
            ]
        )
    if len(rows) == 1:
        rows.append([_("No township has figures this month."), "", "", "", "", ""])
    story.append(
        _table(rows, [30 * mm, 34 * mm, 20 * mm, 24 * mm, 28 * mm, 38 * mm], styles["cell"])
    )

    if barrel is not None:
        story.append(Paragraph(_("The county's barrel"), styles["h2"]))
        story.append(barrel_drawing(barrel, planks.areas))
        story.append(
            Paragraph(
                _(
                    "Stave height: attainment (drawn up to 120%); dashed line: the standard; red: the shortest plank."
                ),
                styles["small"],
            )
        )

    story.append(PageBreak())
    story.append(Paragraph(_("Inequality between villages"), styles["h2"]))
    story.append(
        Paragraph(
            _(
                "Unweighted: every village counts once; weighted: every resident counts once. "
                "Theil T and L are split into the gap between urban and rural places and the spread within each."
            ),
            styles["small"],
        )
    )
    inequality_rows: list[list[Any]] = [
        [
            _("Service area"),
            _("Gini"),
            _("Gini (weighted)"),
            _("Theil T"),
            _("Theil T (weighted)"),
            _("Theil L (weighted)"),
            _("between"),
            _("within"),
        ]
    ]
    for item in plank.inequalities(county, month):
        lw = item.theil_l_weighted
        inequality_rows.append(
            [
                item.area.name,
                _num(item.gini),
                _num(item.gini_weighted),
                _num(item.theil_t.total if item.theil_t else None),
                _num(item.theil_t_weighted.total if item.theil_t_weighted else None),
                _num(lw.total if lw else None),
                _num(lw.between if lw else None),
                _num(lw.within if lw else None),
            ]
        )
    story.append(
        _table(
            inequality_rows,
            [34 * mm, 17 * mm, 20 * mm, 17 * mm, 22 * mm, 22 * mm, 21 * mm, 21 * mm],
            styles["cell"],
        )
    )

    story.append(Paragraph(_("Where the money would do most"), styles["h2"]))
    summary = _allocation_summary(county, month)
    if summary:
        for line in summary:
            story.append(Paragraph(line, styles["body"]))
    else:
        story.append(
            Paragraph(
                _("No budget allocation has been saved yet (see the allocation page)."),
                styles["body"],
            )
        )
    doc.build(story)
    return out.getvalue()
