(function () {
  var data = JSON.parse(document.getElementById("investment-data").textContent);
  var chart = echarts.init(document.getElementById("investment-chart"));
  // 1-本月 restarts every January: one line per year.
  var years = {};
  data.periods.forEach(function (p, i) {
    var y = p.slice(0, 4);
    if (!years[y]) { years[y] = data.periods.map(function () { return null; }); }
    years[y][i] = data.ytd[i];
  });
  var lines = Object.keys(years).sort().map(function (y) {
    return {name: y + "年1-本月", type: "line", yAxisIndex: 1, data: years[y], connectNulls: false};
  });
  chart.setOption({
    tooltip: {trigger: "axis"},
    legend: {top: 0},
    grid: {left: 70, right: 70, top: 60, bottom: 30},
    xAxis: {type: "category", data: data.periods},
    yAxis: [{type: "value", name: "本月（万元）"}, {type: "value", name: "1-本月（万元）"}],
    series: [{name: "本月完成投资", type: "bar", data: data.month, itemStyle: {color: "#206bc4"}}].concat(lines)
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
