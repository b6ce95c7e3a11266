// Coverage per material against the reserve standard; data from the page (#reserves-chart), computed by stats.py.
(function () {
  var el = document.getElementById("coverage-chart");
  var data = JSON.parse(document.getElementById("reserves-chart").textContent);
  if (!el || !window.echarts) return;
  var chart = echarts.init(el);
  chart.setOption({
    animation: false,
    textStyle: {fontFamily: "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif"},
    tooltip: {trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; }},
    legend: {top: 0},
    grid: {left: 50, right: 20, top: 40, bottom: 70},
    xAxis: {type: "category", data: data.names, axisLabel: {rotate: 30, interval: 0}},
    yAxis: {type: "value", axisLabel: {formatter: "{value}%"}},
    series: [
      {name: "覆盖率（实物+产能）", type: "bar", itemStyle: {color: "#2fb344"}, data: data.coverage.map(function (v, i) {
        return {value: v, itemStyle: {color: data.gap[i] ? "#d63939" : "#2fb344"}};
      }), markLine: {symbol: "none", data: [{yAxis: 100, name: "储备标准"}],
                     label: {formatter: "储备标准 100%", position: "insideEndTop"}, lineStyle: {color: "#f59f00", width: 2}}},
      {name: "实物覆盖率", type: "line", data: data.physical}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
