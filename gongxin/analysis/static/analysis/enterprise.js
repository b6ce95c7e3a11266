(function () {
  var d = JSON.parse(document.getElementById("enterprise-chart").textContent);
  var el = document.getElementById("chart-enterprise");
  if (!window.echarts || !el) return;
  var c = echarts.init(el);
  c.setOption({animation: false, tooltip: {trigger: "axis"}, legend: {top: 0}, grid: {left: 50, right: 50, top: 40, bottom: 30},
    xAxis: {type: "category", data: d.months},
    yAxis: [{type: "value", name: "万元"}, {type: "value", name: "%", splitLine: {show: false}}],
    series: [{name: "1-本月产值（万元）", type: "bar", data: d.ytd},
             {name: "累计增速（%）", type: "line", yAxisIndex: 1, data: d.growth}]});
})();
