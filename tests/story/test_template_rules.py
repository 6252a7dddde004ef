"""Decisions in code, wording in templates: no template compares a figure with a number.

The scan walks each template's Jinja syntax tree (not its text): any comparison with a
numeric constant other than zero fails. Zero is allowed: comparing a figure with zero asks
its sign (up or down, above or below), which decides the wording's direction, not a
judgement. Thresholds live in named functions of ``story.ranking``, tested here.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from jinja2 import nodes

from tapereader.story import ranking
from tapereader.story.compose import environment, list_separator

TEMPLATES = sorted((Path(ranking.__file__).parent / "templates").glob("*.j2"))


def _number(o: nodes.Node) -> float | None:
    sign = 1
    if isinstance(o, nodes.Neg):
        o, sign = o.node, -1
    if isinstance(o, nodes.Const) and isinstance(o.value, int | float) \
            and not isinstance(o.value, bool):
        return sign * o.value
    return None


def numeric_comparisons(source: str) -> list[str]:
    """Comparisons in a Jinja template's source with a number other than zero."""
    out = []
    for cmp in environment().parse(source).find_all(nodes.Compare):
        for o in [cmp.expr, *(op.expr for op in cmp.ops)]:
            v = _number(o)
            if v is not None and v != 0:
                out.append(f"line {cmp.lineno}: compares with {v}")
    return out


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_no_template_compares_with_a_number(path):
    assert TEMPLATES and numeric_comparisons(path.read_text(encoding="utf-8")) == []


def test_the_scan_finds_a_threshold():
    assert numeric_comparisons("{% if z.distance_pct > -1 %}inches{% endif %}") == \
        ["line 1: compares with -1"]
    assert numeric_comparisons("{{ 'well off' if g.pct <= -10 else 'off' }}")
    assert numeric_comparisons("{% if 63 <= s %}x{% endif %}")
    assert numeric_comparisons("{% if g.pct >= 0 %}up{% endif %}") == []  # a sign


def test_judgements_at_their_boundaries():
    assert ranking.well_off_high(-10.0) and not ranking.well_off_high(-9.99)
    assert ranking.inches_away(-0.99) and not ranking.inches_away(-1.0)
    assert not ranking.inches_away(0.0)
    assert ranking.lasting_lead(63) and not ranking.lasting_lead(62)
    assert ranking.vix_fearful(30.0) and not ranking.vix_fearful(29.99)
    assert ranking.at_channel_bottom(10.0) and not ranking.at_channel_bottom(10.01)
    assert not ranking.at_channel_bottom(None)
    assert [ranking.decline_class(x) for x in (-20.0, -19.99, -10.0, -9.99)] == \
        ["bear", "correction", "correction", "pullback"]
    assert ranking.warns_of_slope(-10.0, True) and not ranking.warns_of_slope(-9.9, True)
    assert not ranking.warns_of_slope(-30.0, False) and not ranking.warns_of_slope(None, True)
    assert ranking.line_near(None) and ranking.line_near(-5.0) and not ranking.line_near(5.01)
    assert ranking.several(2) and not ranking.several(1) and not ranking.several(None)
    assert ranking.at_the_line(-2.0) and not ranking.at_the_line(6.4)
    assert ranking.at_the_line(None)                  # the detector's state stands
    f = SimpleNamespace(figures={"bars": 13, "gain_pct": 33.4}, timeframe="weekly")
    assert ranking.short_channel(f)  # type: ignore[arg-type]
    f.figures["bars"] = 52
    assert not ranking.short_channel(f)  # type: ignore[arg-type]


def test_list_separator_writes_prose():
    env = jinja2.Environment()
    env.filters["sep"] = list_separator
    t = env.from_string("{% for x in xs %}{{ x }}{{ loop|sep }}{% endfor %}")
    assert [t.render(xs=xs) for xs in (["a"], ["a", "b"], ["a", "b", "c"])] == \
        ["a", "a and b", "a, b and c"]
