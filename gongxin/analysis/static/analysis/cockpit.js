// 运行驾驶舱: draws the cards, charts and tile map from the page's JSON, then refreshes from
// data.json every `data-refresh` seconds without a reload. No inline script (CSP: self only).
(function () {
  const root = document.getElementById("cockpit");
  if (!root) return;
  const charts = {};
  let data = JSON.parse(document.getElementById("cockpit-data").textContent);

  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init(document.getElementById(id));
    return charts[id];
  }
  function get(obj, path) {
    return path.split(".").reduce((o, k) => (o == null ? o : o[k]), obj);
  }
  function colour(value, metric) {
    if (value === null || value === undefined) return "#868e96";
    const pivot = metric === "growth" ? 0 : data.time_progress;
    const diff = value - pivot;
    if (diff >= 10) return "#2f9e44";
    if (diff >= 0) return "#74b816";
    if (diff >= -10) return "#f08c00";
    return "#d63939";
  }
  function drawTiles() {
    const metric = document.getElementById("tile-metric").value;
    const box = document.getElementById("tiles");
    box.replaceChildren();
    data.towns.forEach((t) => {
      if (!t.tile) return;
      const value = t[metric];
      const el = document.createElement("div");
      el.className = "tile";
      el.style.gridRow = String(t.tile[0] + 1);
      el.style.gridColumn = String(t.tile[1] + 1);
      el.style.background = colour(value, metric);
      el.title = `${t.name}：${t.ytd_yi}亿元`;
      const name = document.createElement("b");
      name.textContent = t.name;
      el.append(name, document.createTextNode(value === null ? "—" : `${value.toFixed(1)}%`));
      box.append(el);
    });
    document.getElementById("tile-legend").textContent = metric === "growth"
      ? "绿：增速≥10%；浅绿：增长；橙：下降10%以内；红：下降超过10%"
      : `以时间进度${data.time_progress}%为界：绿超10个百分点以上，红落后10个百分点以上`;
  }
  function bars(id, names, series) {
    chart(id).setOption({
      grid: { left: 90, right: 20, top: 24, bottom: 20 }, tooltip: { trigger: "axis" },
      legend: { top: 0 }, xAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { interval: 0, fontSize: 11 } },
      series: series.map((s) => ({ type: "bar", name: s.name, data: s.data })),
    }, true);
  }
  function draw() {
    root.querySelectorAll("[data-k]").forEach((el) => {
      const value = get(data, el.dataset.k);
      if (value !== undefined) el.textContent = value === null ? "—" : value;
    });
    root.querySelector('[data-k="updated"]').textContent = `更新于 ${new Date().toLocaleTimeString("zh-CN")}`;
    chart("chart-trend").setOption({
      tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 50, right: 50, top: 30, bottom: 40 },
      xAxis: { type: "category", data: data.trend.periods, axisLabel: { rotate: 45 } },
      yAxis: [{ type: "value", name: "亿元" }, { type: "value", name: "%", splitLine: { show: false } }],
      series: [
        { name: "本年", type: "bar", data: data.trend.this },
        { name: "上年同期", type: "bar", data: data.trend.last },
        { name: "同比增速", type: "line", yAxisIndex: 1, data: data.trend.growth },
      ],
    }, true);
    const towns = [...data.towns].sort((a, b) => (b.growth ?? -1e9) - (a.growth ?? -1e9));
    bars("chart-towns", towns.map((t) => t.name), [{ name: "累计增速", data: towns.map((t) => t.growth) }]);
    bars("chart-industries", data.industries.map((i) => i.name),
      [{ name: "贡献率", data: data.industries.map((i) => i.contribution) }]);
    bars("chart-products", data.products.map((p) => p.name), [
      { name: "产量增速", data: data.products.map((p) => p.growth) },
      { name: "价格增速", data: data.products.map((p) => p.price_growth) },
    ]);
    drawTiles();
  }
  async function refresh() {
    try {
      const response = await fetch(root.dataset.url, { headers: { Accept: "application/json" } });
      if (response.ok) { data = await response.json(); draw(); }
    } catch (e) { /* offline: keep what is shown */ }
  }
  document.getElementById("tile-metric").addEventListener("change", drawTiles);
  document.getElementById("fullscreen").addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen(); else root.requestFullscreen();
  });
  document.getElementById("print").addEventListener("click", () => window.print());
  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  draw();
  setInterval(refresh, Number(root.dataset.refresh) * 1000);
})();
