// Charts of the analysis overview; data comes from the page (#chart-data), computed by stats.py.
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var font = {fontFamily: "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif"};
  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return;
    var c = echarts.init(el);
    option.textStyle = font;
    option.animation = false;  // what is shown (and printed) is the final figure
    c.setOption(option);
    window.addEventListener("resize", function () { c.resize(); });
  }
  function pct(v) { return v === null || v === undefined ? "—" : v + "%"; }
  var t = data.trend;
  chart("chart-trend", {
    tooltip: {trigger: "axis", valueFormatter: pct},
    legend: {top: 0},
    grid: {left: 45, right: 20, top: 40, bottom: 30},
    xAxis: {type: "category", data: t.months},
    yAxis: {type: "value", axisLabel: {formatter: "{value}%"}},
    series: [
      {name: t.year + "年累计增速", type: "line", data: t.this_ytd, lineStyle: {width: 3}, label: {show: true, formatter: "{c}%"}},
      {name: t.year + "年当月增速", type: "line", data: t.this_month},
      {name: (t.year - 1) + "年累计增速", type: "line", data: t.last_ytd, lineStyle: {type: "dashed"}},
      {name: (t.year - 1) + "年当月增速", type: "line", data: t.last_month, lineStyle: {type: "dotted"}}
    ]
  });
  var w = data.towns;
  chart("chart-towns", {
    tooltip: {trigger: "axis", valueFormatter: pct},
    legend: {top: 0},
    grid: {left: 45, right: 20, top: 40, bottom: 70},
    xAxis: {type: "category", data: w.names, axisLabel: {rotate: 45, interval: 0}},
    yAxis: {type: "value", axisLabel: {formatter: "{value}%"}},
    series: [
      {name: "计划完成率", type: "bar", data: w.completion.map(function (v) {
        return {value: v, itemStyle: {color: v !== null && v < w.progress ? "#d63939" : "#206bc4"}};
      }),
       markLine: {symbol: "none", data: [{yAxis: w.progress, name: "时间进度"}],
                  label: {formatter: "时间进度 {c}%", position: "insideEndTop"}, lineStyle: {color: "#f59f00", width: 2}}},
      {name: "累计增速", type: "line", data: w.growth, symbolSize: 6}
    ]
  });
  var ind = data.industries;
  chart("chart-industries", {
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    legend: {top: 0},
    grid: {left: 150, right: 30, top: 40, bottom: 30},
    yAxis: {type: "category", data: ind.names.slice().reverse(), axisLabel: {width: 140, overflow: "truncate"}},
    xAxis: {type: "value"},
    series: [
      {name: "贡献率（%）", type: "bar", data: ind.contribution.slice().reverse()},
      {name: "拉动（百分点）", type: "bar", data: ind.pull.slice().reverse()}
    ]
  });
})();
