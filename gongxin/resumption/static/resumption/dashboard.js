// Charts of the resumption dashboard; data comes from the page (#resumption-data), computed by resumption/stats.py.
(function () {
  var el = document.getElementById("resumption-data");
  if (!el || !window.echarts) return;
  var data = JSON.parse(el.textContent);
  var font = {fontFamily: "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif"};
  function pct(v) { return v === null || v === undefined ? "—" : v + "%"; }
  function chart(id, option) {
    var node = document.getElementById(id);
    if (!node) return;
    var c = echarts.init(node);
    option.textStyle = font;
    option.animation = false;
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
  }
  chart("chart-trend", {
    tooltip: {trigger: "axis", valueFormatter: pct},
    grid: {left: 45, right: 20, top: 20, bottom: 30},
    xAxis: {type: "category", data: data.days},
    yAxis: {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}},
    series: [{name: "复工率", type: "line", data: data.rates, showSymbol: false, lineStyle: {width: 3}, areaStyle: {opacity: 0.15}}]
  });
  chart("chart-towns", {
    tooltip: {trigger: "axis", valueFormatter: pct},
    grid: {left: 40, right: 10, top: 20, bottom: 70},
    xAxis: {type: "category", data: data.towns, axisLabel: {rotate: 45, interval: 0}},
    yAxis: {type: "value", min: 0, max: 100, axisLabel: {formatter: "{value}%"}},
    series: [{name: "复工率", type: "bar", data: data.town_rates}]
  });
})();
