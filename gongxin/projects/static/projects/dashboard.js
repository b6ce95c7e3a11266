(function () {
  var data = JSON.parse(document.getElementById("stage-data").textContent);
  var chart = echarts.init(document.getElementById("stage-chart"));
  chart.setOption({
    tooltip: {trigger: "axis"},
    legend: {top: 0, data: ["项目数（个）", "计划总投资（亿元）"]},
    grid: {left: 50, right: 60, top: 60, bottom: 30},
    xAxis: {type: "category", data: data.labels},
    yAxis: [{type: "value", name: "个", minInterval: 1}, {type: "value", name: "亿元"}],
    series: [
      {name: "项目数（个）", type: "bar", data: data.counts, itemStyle: {color: "#206bc4"}, label: {show: true, position: "top"}},
      {name: "计划总投资（亿元）", type: "line", yAxisIndex: 1, data: data.totals, itemStyle: {color: "#f76707"}}
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
