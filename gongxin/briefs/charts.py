"""The brief's charts as PNG bytes (matplotlib, Agg), with Chinese labels in the CJK font that the
`mplfonts` package ships, so they render on a machine without any system CJK font.

The figures come from the brief (`Chart.data`); floats are used for drawing only.
"""

import importlib.util
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

FONT_FILE = "NotoSansCJKsc-Regular.otf"
BLUE, GREY, RED, GREEN = "#206bc4", "#adb5bd", "#d63939", "#2fb344"
DPI = 120
_font_name = None


def font_dir():
    """The folder of the fonts shipped by mplfonts (also used to point LibreOffice's fontconfig at them)."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("未安装 mplfonts，无法绘制中文图表")
    return Path(list(spec.submodule_search_locations)[0]) / "fonts"


def cjk_font():
    """Register the shipped Noto Sans CJK SC font once; return its family name."""
    global _font_name
    if _font_name is None:
        path = font_dir() / FONT_FILE
        font_manager.fontManager.addfont(str(path))
        _font_name = font_manager.FontProperties(fname=str(path)).get_name()
    return _font_name


def _figure(height=3.4):
    fig = Figure(figsize=(7.2, height), dpi=DPI)
    return fig


def _style(ax, family):
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="x" if ax.get_ylabel() == "" else "y", color="#e9ecef", linewidth=0.6)
    ax.set_axisbelow(True)


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def _num(value):
    return None if value is None else float(value)


def series_chart(chart, family):
    data = chart.data
    fig = _figure()
    ax = fig.add_subplot()
    x = range(len(data["labels"]))
    width = 0.38
    this = [_num(v) or 0 for v in data["this"]]
    last = [_num(v) or 0 for v in data["last"]]
    ax.bar([i - width / 2 for i in x], last, width, color=GREY, label=f"{data['year'] - 1}年")
    ax.bar([i + width / 2 for i in x], this, width, color=BLUE, label=f"{data['year']}年")
    ax.set_xticks(list(x), data["labels"])
    ax.set_ylabel("当月产值（亿元）")
    ax2 = ax.twinx()
    growth = [_num(v) for v in data["growth"]]
    ax2.plot(list(x), [g if g is not None else float("nan") for g in growth], color=RED, marker="o",
             label="当月同比增长（%）")
    for i, g in enumerate(growth):
        if g is not None:
            ax2.annotate(f"{g:.1f}%", (i, g), textcoords="offset points", xytext=(0, 6), ha="center",
                         fontsize=8, color=RED)
    known = [g for g in growth if g is not None] or [0]
    ax2.set_ylim(min(0, min(known)) - 5, max(known) * 1.2 + 5)
    ax.set_ylim(0, max(this + last + [1]) * 1.3)
    ax2.set_ylabel("同比增长（%）")
    ax2.spines[["top"]].set_visible(False)
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    labels = ax.get_legend_handles_labels()[1] + ax2.get_legend_handles_labels()[1]
    ax.legend(handles, labels, prop={"size": 8}, loc="upper center", ncol=3,
              frameon=False)
    ax.set_title(chart.title, fontsize=11)
    _style(ax, family)
    return fig


def bar_chart(chart, family):
    labels = list(reversed(chart.data["labels"]))
    values = [_num(v) for v in reversed(chart.data["values"])]
    fig = _figure(height=max(2.4, 0.26 * len(labels) + 0.9))
    ax = fig.add_subplot()
    if not labels:
        ax.text(0.5, 0.5, "暂无数据", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return fig
    colors = [RED if (v or 0) < 0 else BLUE for v in values]
    ax.barh(range(len(labels)), [v or 0 for v in values], color=colors, height=0.6)
    ax.set_yticks(range(len(labels)), labels)
    for i, v in enumerate(values):
        if v is not None:
            ax.annotate(f"{v:.1f}", (v, i), textcoords="offset points", xytext=(3 if v >= 0 else -3, 0),
                        ha="left" if v >= 0 else "right", va="center", fontsize=7)
    ax.axvline(0, color="#495057", linewidth=0.6)
    ax.set_title(chart.title, fontsize=11)
    ax.margins(x=0.12)
    _style(ax, family)
    return fig


RENDERERS = {"series": series_chart, "towns": bar_chart, "industries": bar_chart}


def render(chart):
    """PNG bytes of one brief chart."""
    family = cjk_font()
    with matplotlib.rc_context({"font.family": family, "axes.unicode_minus": False}):
        fig = RENDERERS[chart.name](chart, family)
        return _png(fig)


def render_all(brief):
    """{chart name: PNG bytes} of every chart of the brief."""
    return {name: render(chart) for name, chart in brief.charts.items()}
