/* 卡口查验: verify a permit token offline (Ed25519 via tweetnacl), record 四查一测, queue offline.
 *
 * The page embeds the event's public keys, revocation list, entries and checklist; they are kept in
 * localStorage and refreshed from config.json whenever the network answers. A token is checked the
 * way permits/signing.py and services.check_token do: signature under the key named in the payload,
 * revoked, validity window, direction (second entry, 接驳 vehicles never enter, exit needs an entry).
 * Each recorded check is queued in localStorage with its own id and uploaded when online; the
 * server re-checks and its answer is the record.
 */
(function () {
  "use strict";
  var CONFIG_KEY = "gx.permits.config", QUEUE_KEY = "gx.permits.queue", SEEN_KEY = "gx.permits.seen",
    HISTORY_KEY = "gx.permits.history", CHECKPOINT_KEY = "gx.permits.checkpoint";
  var $ = function (id) { return document.getElementById(id); };

  function load(key, fallback) {
    try { var v = JSON.parse(localStorage.getItem(key)); return v === null ? fallback : v; } catch (e) { return fallback; }
  }
  function store(key, value) { localStorage.setItem(key, JSON.stringify(value)); }

  var embedded = JSON.parse($("checkpoint-config").textContent);
  var config = load(CONFIG_KEY, null);
  if (!config || config.event !== embedded.event || config.generated_at < embedded.generated_at) {
    config = embedded;
    store(CONFIG_KEY, config);
  }
  var csrf = document.querySelector("#csrf-holder input[name=csrfmiddlewaretoken]").value;
  var current = null; // {token, payload, problems}

  function b64uBytes(text) {
    var s = text.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function fmt(date) {
    var d = new Date(date), p = function (n) { return (n < 10 ? "0" : "") + n; };
    return p(d.getMonth() + 1) + "月" + p(d.getDate()) + "日" + p(d.getHours()) + ":" + p(d.getMinutes());
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ------------------------------------------------------------ verification (no network)

  function verifyToken(token, direction, now) {
    var parts = token.trim().split(".");
    if (parts.length !== 2 || !parts[0] || !parts[1]) return {problems: ["不是有效的通行证二维码（格式不符）"]};
    var data, sig, payload;
    try {
      data = b64uBytes(parts[0]); sig = b64uBytes(parts[1]);
      payload = JSON.parse(new TextDecoder("utf-8", {fatal: true}).decode(data));
    } catch (e) { return {problems: ["通行证二维码内容损坏，无法识别"]}; }
    if (!payload || payload.v !== 1) return {problems: ["不是有效的通行证二维码（版本不符）"]};
    var key = config.keys[payload.k];
    if (!key) return {problems: ["签名密钥未知（可能是伪造的二维码，或卡口页面的公钥需要更新）"]};
    var ok = false;
    try { ok = sig.length === 64 && nacl.sign.detached.verify(data, sig, b64uBytes(key)); } catch (e) { ok = false; }
    if (!ok) return {problems: ["签名校验未通过：二维码被篡改或伪造"]};
    var problems = [], seen = load(SEEN_KEY, {})[payload.n] || {};
    if (config.revoked.indexOf(payload.n) >= 0) problems.push("证明已撤销");
    var t = now.getTime() / 1000;
    if (t < payload.s) problems.push("未到有效期（自" + fmt(payload.s * 1000) + "起有效）");
    if (t > payload.e && direction !== "exit") problems.push("证明已过期（有效期至" + fmt(payload.e * 1000) + "）");
    var entered = config.entered.indexOf(payload.n) >= 0 || seen.entry;
    if (direction === "entry") {
      if (payload.x === "transfer") problems.push("接驳转运证明：外地车辆不得入境，请在接驳点交接货物");
      if (entered) problems.push("该车已入境，一车一证一次有效，不能再次入境");
    } else if (direction === "transfer") {
      if (payload.x !== "transfer") problems.push("该证明为点对点直达，不在接驳点交接");
      else if ((config.handed || []).indexOf(payload.n) >= 0 || seen.entry) problems.push("该证明已完成接驳");
    } else if (direction === "exit") {
      if (!entered) problems.push("没有该车的入境记录");
      else if (config.departed.indexOf(payload.n) >= 0 || seen.exit) problems.push("该车已离境");
    }
    return {payload: payload, problems: problems};
  }

  function evaluatePerson(values, now) {
    var failures = [];
    config.checklist.forEach(function (item) {
      var v = values[item.code];
      if (v === undefined || v === "") { failures.push(item.label + "未查验"); return; }
      if (item.kind === "choice" && item.pass.indexOf(v) < 0) failures.push(item.label + "：" + v);
      if (item.kind === "temperature" && Number(v) >= Number(item.fail_at))
        failures.push(item.label + Number(v).toFixed(1) + "℃（≥" + item.fail_at + "℃）");
      if (item.kind === "sample_time" && (now - new Date(v)) / 3600000 > item.max_hours)
        failures.push(item.label + "超过" + item.max_hours + "小时");
    });
    return failures;
  }

  // ------------------------------------------------------------ the page

  function showResult(token) {
    var direction = $("cp-direction").value, now = new Date();
    var result = verifyToken(token, direction, now);
    current = {token: token.trim(), payload: result.payload, problems: result.problems};
    var box = $("cp-result");
    box.hidden = false;
    $("cp-outcome").hidden = true;
    box.classList.toggle("ok", !result.problems.length);
    box.classList.toggle("bad", !!result.problems.length);
    $("cp-verdict").textContent = result.payload
      ? (result.problems.length ? "不予放行" : "签名有效，请查验人员") : "无效通行证";
    var list = $("cp-problems");
    list.textContent = "";
    result.problems.forEach(function (p) { list.appendChild(el("li", {}, p)); });
    var fields = $("cp-fields"), people = $("cp-people");
    fields.textContent = ""; people.textContent = "";
    $("cp-plate").value = "";
    if (!result.payload) { $("cp-submit").hidden = false; return; }
    var p = result.payload;
    [["证明编号", p.n], ["车牌", p.p], ["有效期", fmt(p.s * 1000) + " 至 " + fmt(p.e * 1000)], ["企业", p.c + "（" + p.t + "）"],
      ["出发地", p.o], ["路线", p.r], ["方式", p.x === "transfer" ? "接驳转运" : "点对点直达"]].forEach(function (row) {
      fields.appendChild(el("dt", {class: "col-4"}, row[0]));
      fields.appendChild(el("dd", {class: "col-8", "data-field": row[0]}, row[1]));
    });
    if (direction === "exit") return;
    var template = $("person-template");
    p.m.forEach(function (person, order) {
      var node = template.content.firstElementChild.cloneNode(true);
      node.dataset.order = order;
      node.querySelector(".cp-person-name").textContent = person[1] + " " + person[0];
      node.querySelector(".cp-person-id").textContent = "**************" + person[2];
      node.querySelector(".cp-reveal").addEventListener("click", function () { reveal(order, node); });
      var items = node.querySelector(".cp-items");
      config.checklist.forEach(function (item) {
        var id = "cp-" + order + "-" + item.code, wrap = el("div", {class: "mb-1"});
        wrap.appendChild(el("label", {class: "form-label mb-0 small", for: id}, item.label));
        var input;
        if (item.kind === "choice") {
          input = el("select", {class: "form-select form-select-sm", id: id});
          input.appendChild(el("option", {value: ""}, "请选择"));
          item.options.forEach(function (o) { input.appendChild(el("option", {value: o}, o)); });
        } else if (item.kind === "temperature") {
          input = el("input", {class: "form-control form-control-sm", id: id, type: "number", step: "0.1",
            min: item.min, max: item.max, inputmode: "decimal", placeholder: "℃"});
        } else {
          input = el("input", {class: "form-control form-control-sm", id: id, type: "datetime-local"});
        }
        input.dataset.item = item.code;
        wrap.appendChild(input);
        items.appendChild(wrap);
      });
      people.appendChild(node);
    });
  }

  function reveal(order, node) {
    var body = new URLSearchParams({token: current.token, order: order});
    fetch("/permits/checkpoint/reveal/", {method: "POST", body: body, headers: {"X-CSRFToken": csrf}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (d) { node.querySelector(".cp-person-id").textContent = d.value || d.error; })
      .catch(function () { node.querySelector(".cp-person-id").textContent += "（离线时不能查看完整号码）"; });
  }

  function collect(now) {
    var people = [], failures = [], bad = null;
    document.querySelectorAll("#cp-people .cp-person").forEach(function (node) {
      var values = {};
      node.querySelectorAll("[data-item]").forEach(function (input) {
        var v = input.value;
        if (input.type === "datetime-local" && v) v = new Date(v).toISOString();
        if (input.type === "number" && v !== "" && (Number(v) < Number(input.min) || Number(v) > Number(input.max)))
          bad = "体温“" + v + "”不是有效的读数";
        values[input.dataset.item] = v;
      });
      var name = node.querySelector(".cp-person-name").textContent;
      evaluatePerson(values, now).forEach(function (f) { failures.push(name + "：" + f); });
      people.push({order: Number(node.dataset.order), results: values});
    });
    return {people: people, failures: failures, bad: bad};
  }

  function submit() {
    if (!current) return;
    var now = new Date(), direction = $("cp-direction").value, checks = collect(now);
    if (checks.bad) { alert(checks.bad); return; }
    var plate = $("cp-plate").value.trim().toUpperCase(), reasons = current.problems.slice();
    if (current.payload && plate && plate !== current.payload.p)
      reasons.push("车牌不符：通行证为" + current.payload.p + "，实际为" + plate);
    reasons = reasons.concat(checks.failures);
    var record = {
      client_id: (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).slice(0, 40),
      token: current.token, checkpoint: $("cp-checkpoint").value, direction: direction, plate_seen: plate,
      people: checks.people, scanned_at: now.toISOString(), offline: !navigator.onLine,
    };
    var queue = load(QUEUE_KEY, []);
    queue.push(record);
    store(QUEUE_KEY, queue);
    var passed = !reasons.length, number = current.payload ? current.payload.n : "";
    if (passed && number) {
      var seen = load(SEEN_KEY, {});
      seen[number] = seen[number] || {};
      seen[number][direction === "exit" ? "exit" : "entry"] = now.toISOString();
      store(SEEN_KEY, seen);
    }
    var history = load(HISTORY_KEY, []);
    history.unshift({id: record.client_id, at: record.scanned_at, plate: current.payload ? current.payload.p : "无效",
      direction: direction, passed: passed, reasons: reasons, status: "待上传"});
    store(HISTORY_KEY, history.slice(0, 50));
    var outcome = $("cp-outcome");
    outcome.hidden = false;
    outcome.className = "alert " + (passed ? "alert-success" : "alert-danger");
    outcome.textContent = (passed ? "放行" : "劝返：" + reasons.join("；")) + (navigator.onLine ? "" : "（离线记录，联网后自动上传）");
    $("cp-result").hidden = true;
    $("cp-token").value = "";
    current = null;
    renderHistory();
    flush();
  }

  function renderHistory() {
    var list = $("cp-history");
    list.textContent = "";
    load(HISTORY_KEY, []).forEach(function (h) {
      var li = el("li", {class: "list-group-item small", "data-record": h.id});
      li.textContent = fmt(h.at) + " " + h.plate + " " + ({entry: "入境", exit: "离境", transfer: "接驳"}[h.direction]) + " " +
        (h.passed ? "放行" : "劝返（" + h.reasons.join("；") + "）") + " · " + h.status;
      list.appendChild(li);
    });
    $("queue-count").textContent = load(QUEUE_KEY, []).length;
  }

  var flushing = false;
  function flush() {
    if (flushing) return;
    var queue = load(QUEUE_KEY, []);
    if (!queue.length) { renderHistory(); return; }
    flushing = true;
    var record = queue[0];
    fetch("/permits/checkpoint/record/", {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}, body: JSON.stringify(record)})
      .then(function (r) { return r.json().then(function (d) { return {ok: r.ok, status: r.status, data: d}; }); })
      .then(function (res) {
        if (!res.ok && res.status !== 400) throw new Error("HTTP " + res.status);
        store(QUEUE_KEY, load(QUEUE_KEY, []).filter(function (q) { return q.client_id !== record.client_id; }));
        var history = load(HISTORY_KEY, []);
        history.forEach(function (h) {
          if (h.id === record.client_id) h.status = res.ok ? "已上传（" + res.data.result_label + "）" : "上传被拒：" + res.data.error;
        });
        store(HISTORY_KEY, history);
        flushing = false;
        refreshConfig();
        flush();
      })
      .catch(function () { flushing = false; renderHistory(); });
  }

  function refreshConfig() {
    fetch("/permits/checkpoint/config.json?event=" + encodeURIComponent(config.event), {credentials: "same-origin"})
      .then(function (r) { if (!r.ok) throw new Error(); return r.json(); })
      .then(function (fresh) { config = fresh; store(CONFIG_KEY, fresh); showConfig(); })
      .catch(function () {});
  }

  function showConfig() {
    $("config-time").textContent = fmt(config.generated_at);
    var select = $("cp-checkpoint"), chosen = select.value || load(CHECKPOINT_KEY, "");
    select.textContent = "";
    config.checkpoints.forEach(function (c) {
      var o = el("option", {value: c.id}, c.name + (c.transfer ? "（接驳点）" : ""));
      if (String(c.id) === String(chosen)) o.selected = true;
      select.appendChild(o);
    });
  }

  function showNet() {
    var badge = $("net-status");
    badge.textContent = navigator.onLine ? "在线" : "离线（可继续查验）";
    badge.className = "badge " + (navigator.onLine ? "bg-green-lt" : "bg-yellow-lt");
  }

  // ------------------------------------------------------------ reading QR codes (jsQR)

  function decodeCanvas(source, width, height) {
    var canvas = $("cp-canvas"), ctx = canvas.getContext("2d", {willReadFrequently: true});
    canvas.width = width; canvas.height = height;
    ctx.drawImage(source, 0, 0, width, height);
    var found = jsQR(ctx.getImageData(0, 0, width, height).data, width, height);
    return found ? found.data : null;
  }

  function scanned(text) {
    $("cp-token").value = text;
    showResult(text);
  }

  $("cp-photo").addEventListener("change", function (e) {
    var file = e.target.files[0];
    if (!file) return;
    var img = new Image(), url = URL.createObjectURL(file);
    img.onload = function () {
      var scale = Math.min(1, 1200 / Math.max(img.width, img.height));
      var text = decodeCanvas(img, Math.round(img.width * scale), Math.round(img.height * scale));
      URL.revokeObjectURL(url);
      if (text) scanned(text); else alert("未能识别二维码，请重新拍照或输入代码");
    };
    img.src = url;
    e.target.value = "";
  });

  $("cp-camera").addEventListener("click", function () {
    var video = $("cp-video");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      alert("此浏览器不能调用摄像头，请使用“拍照识别”或输入代码"); return;
    }
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
      video.srcObject = stream; video.hidden = false; video.play();
      var stop = function () { stream.getTracks().forEach(function (t) { t.stop(); }); video.hidden = true; };
      var tick = function () {
        if (video.readyState === video.HAVE_ENOUGH_DATA) {
          var text = decodeCanvas(video, video.videoWidth, video.videoHeight);
          if (text) { stop(); scanned(text); return; }
        }
        if (!video.hidden) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    }).catch(function () { alert("无法打开摄像头，请使用“拍照识别”或输入代码"); });
  });

  $("cp-verify").addEventListener("click", function () { showResult($("cp-token").value); });
  $("cp-submit").addEventListener("click", submit);
  $("cp-checkpoint").addEventListener("change", function (e) { store(CHECKPOINT_KEY, e.target.value); });
  $("cp-direction").addEventListener("change", function () { if (current) showResult(current.token); });
  window.addEventListener("online", function () { showNet(); flush(); });
  window.addEventListener("offline", showNet);
  setInterval(flush, 15000);
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/permits/checkpoint/sw.js").catch(function () {});
  }
  showConfig(); showNet(); renderHistory(); flush();
  if (navigator.onLine) refreshConfig();
})();
