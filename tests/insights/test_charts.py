"""The SVG charts: valid XML, accessible name and description, one bar per
row, the numbers as text, and an empty state when there is nothing to count."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from eventapp.insights.charts import COLOURS, bar_chart, percent, stacked_chart

pytestmark = pytest.mark.usefixtures("english")
SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def texts(root: ET.Element) -> str:
    return " ".join(t.text or "" for t in root.iter(f"{SVG}text"))


def test_bar_chart_is_accessible_svg_with_one_bar_per_row():
    markup = bar_chart("Sectors", [("Academia", 3), ("Media", 1), ("Civil <society>", 0)],
                       desc="Four seats on stage.", chart_id="c1")
    root = parse(markup)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-t c1-d"
    assert root.get("width") == "100%" and root.get("viewBox").startswith("0 0 ")
    assert root.find(f"{SVG}title").text == "Sectors" and root.find(f"{SVG}title").get("id") == "c1-t"
    assert root.find(f"{SVG}desc").text == "Four seats on stage." and root.find(f"{SVG}desc").get("id") == "c1-d"
    assert len(root.findall(f".//{SVG}rect[@class='bar']")) == 3
    words = texts(root)
    assert "Academia" in words and "3 (75%)" in words and "1 (25%)" in words and "0 (0%)" in words
    assert "Civil <society>" in words  # escaped in the markup, text intact


def test_stacked_chart_labels_every_segment_with_number_and_percentage():
    markup = stacked_chart("Gender by role", [("Speakers", [12, 6, 0, 1]), ("Moderators", [0, 0, 0, 0])],
                           ["Woman", "Man", "Another gender", "Not stated"], desc="Women hold 12 of 18.",
                           chart_id="c2")
    root = parse(markup)
    assert root.find(f"{SVG}title").text == "Gender by role"
    assert root.find(f"{SVG}desc").text == "Women hold 12 of 18."
    assert len(root.findall(f".//{SVG}g[@class='bar-row']")) == 2
    # Three non-empty segments in the first row; the empty row is drawn as an outline.
    assert len(root.findall(f".//{SVG}rect[@class='segment']")) == 3
    assert len(root.findall(f".//{SVG}rect[@class='bar-none']")) == 1
    words = texts(root)
    assert "Woman 12 (63%)" in words and "Man 6 (32%)" in words and "Not stated 1 (5%)" in words
    # Not colour alone: the second segment is patterned, and the legend names each one.
    assert root.findall(f".//{SVG}pattern")
    for name in ("Woman", "Man", "Another gender", "Not stated"):
        assert name in words


@pytest.mark.parametrize("chart", [
    lambda: bar_chart("Empty", [("A", 0), ("B", 0)], desc="x", chart_id="e"),
    lambda: bar_chart("Empty", [], desc="x", chart_id="e"),
    lambda: stacked_chart("Empty", [("A", [0, 0])], ["W", "M"], desc="x", chart_id="e"),
])
def test_zero_total_renders_an_empty_state(chart):
    root = parse(chart())
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Empty"
    assert root.find(f"{SVG}desc").text == "No data yet."
    assert "No data yet." in texts(root)
    assert not root.findall(f".//{SVG}rect")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("colour", COLOURS)
def test_colours_contrast_at_least_3_to_1_with_white(colour):
    assert 1.05 / (_luminance(colour) + 0.05) >= 3


def test_chart_colours_are_from_the_checked_palette():
    markup = str(stacked_chart("T", [("A", [1, 2, 3, 4])], ["a", "b", "c", "d"], desc="d", chart_id="p"))
    assert set(re.findall(r'fill="(#[0-9a-f]{6})"', markup)) - {"#fff", "#ffffff"} <= set(COLOURS)


def test_percent():
    assert percent(12, 19) == "63%"
    assert percent(0, 0) == "–"


def test_long_labels_are_shortened_to_fit():
    long = "PS - Meningkatkan Akses Perempuan dan Cakupan Program Perlindungan Sosial dan Kesehatan Reproduksi"
    bars = texts(parse(bar_chart("T", [(long, 2)], desc="d", chart_id="l1")))
    assert long not in bars and "PS - Meningkatkan Akses P…" in bars
    stacked = texts(parse(stacked_chart("T", [(long, [1, 1])], ["W", "M"], desc="d", chart_id="l2")))
    assert long[:60] in stacked and long not in stacked
