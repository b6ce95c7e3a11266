// Site-wide behaviour declared by data attributes (the Content-Security-Policy forbids inline handlers).
// data-autosubmit: a select that submits its form when changed.
// data-check-all=".pick": a checkbox that ticks or clears every checkbox matching the selector.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches && el.matches("[data-autosubmit]") && el.form) { el.form.submit(); }
  if (el.matches && el.matches("[data-check-all]")) {
    document.querySelectorAll(el.dataset.checkAll).forEach(function (c) { c.checked = el.checked; });
  }
});

// Signs of progress for work that takes a while (nothing a user clicks runs long without one).
function gxSpinner(text) {
  var wrap = document.createElement("span");
  var spin = document.createElement("span");
  spin.className = "spinner-border spinner-border-sm me-2";
  spin.setAttribute("role", "status");
  wrap.appendChild(spin);
  wrap.appendChild(document.createTextNode(text));
  return wrap;
}

// data-download="正在生成…": a link to a generated file (the Word brief, a workbook) is fetched in the
// page, the link saying it is being prepared until the file arrives; the file is then saved under the
// server's name. The handshake is the answer's "Content-Disposition: attachment" (lib/export.py's
// download_response): an answer without it (an error, the log-in page once a session has expired) is
// not saved as a file — the browser opens the link instead, to show it. Without scripts the link
// downloads as any link does.
function gxFilename(header) {
  var star = /filename\*=(?:UTF-8|utf-8)''([^;]+)/.exec(header || "");
  if (star) { return decodeURIComponent(star[1]); }
  var plain = /filename="?([^";]+)"?/.exec(header || "");
  return plain ? plain[1] : "download";
}

document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[data-download]");
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
  event.preventDefault();
  if (link.getAttribute("aria-busy") === "true") { return; }
  var label = Array.prototype.slice.call(link.childNodes);
  link.setAttribute("aria-busy", "true");
  link.classList.add("disabled");
  link.replaceChildren(gxSpinner(link.dataset.download || "正在生成，请稍候…"));
  var done = function () {
    link.replaceChildren.apply(link, label);
    link.classList.remove("disabled");
    link.removeAttribute("aria-busy");
  };
  fetch(link.href, {credentials: "same-origin"}).then(function (response) {
    var disposition = response.headers.get("Content-Disposition") || "";
    if (!response.ok || !/^\s*attachment/i.test(disposition)) { throw new Error("not a file: HTTP " + response.status); }
    var name = gxFilename(disposition);
    return response.blob().then(function (blob) {
      var url = URL.createObjectURL(blob);
      var save = document.createElement("a");
      save.href = url;
      save.download = name;
      document.body.appendChild(save);
      save.click();
      save.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
      done();
    });
  }).catch(function () {
    done();
    window.location.href = link.href;
  });
});

// data-busy="正在导入…": a form whose work takes a while (an upload and import, a re-scan, a bulk
// approval) says so once sent, with the seconds elapsed, until the next page arrives; its buttons
// cannot send it twice. The sign goes into the form's [data-busy-status] element (a button itself,
// for a one-button form in a toolbar), else into a line added at the end of the form.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-busy]") || event.defaultPrevented) { return; }
  if (form.getAttribute("aria-busy") === "true") { event.preventDefault(); return; }
  var status = form.querySelector("[data-busy-status]");
  var added = !status;
  if (added) {
    status = document.createElement("div");
    status.setAttribute("data-busy-status", "");
    status.className = "col-12 text-secondary mt-2";
    form.appendChild(status);
  }
  var before = Array.prototype.slice.call(status.childNodes);
  // A disabled button is left out of what the form sends: the one clicked (name="action"
  // value="approve", say) goes as a hidden field instead.
  var submitter = event.submitter;
  var carried = null;
  if (submitter && submitter.name) {
    carried = document.createElement("input");
    carried.type = "hidden";
    carried.name = submitter.name;
    carried.value = submitter.value;
    form.appendChild(carried);
  }
  var started = Date.now();
  var text = form.dataset.busy || "正在处理，请稍候…";
  var show = function () {
    var seconds = Math.floor((Date.now() - started) / 1000);
    status.replaceChildren(gxSpinner(text + (seconds ? "（已用时" + seconds + "秒）" : "")));
  };
  show();
  var timer = setInterval(show, 1000);
  form.setAttribute("aria-busy", "true");
  // Disabled after the submit event the form is still sent (without these buttons).
  var buttons = form.querySelectorAll("button, input[type=submit]");
  buttons.forEach(function (b) { b.disabled = true; });
  // Back to this page from the browser's cache: the form is as it was before it was sent.
  window.addEventListener("pageshow", function (e) {
    if (!e.persisted) { return; }
    clearInterval(timer);
    if (added) { status.remove(); } else { status.replaceChildren.apply(status, before); }
    if (carried) { carried.remove(); }
    buttons.forEach(function (b) { b.disabled = false; });
    form.removeAttribute("aria-busy");
  }, {once: true});
});

// htmx fragments (data-fragment) say so when their request fails, instead of spinning for ever.
document.addEventListener("htmx:responseError", gxFragmentFailed);
document.addEventListener("htmx:sendError", gxFragmentFailed);
function gxFragmentFailed(event) {
  var el = event.detail && event.detail.elt;
  var status = el && el.matches && el.matches("[data-fragment]") && el.querySelector("[data-fragment-status]");
  if (status) {
    status.className = "text-danger";
    status.textContent = "本部分生成失败，请刷新页面重试。";
    el.removeAttribute("aria-busy");
  }
}

// data-swap-refused: an htmx form whose refusal (400) is a page with the reasons — the typed figures and
// the messages next to them — swapped in as a success is (htmx by default swaps no 4xx answer).
document.addEventListener("htmx:beforeSwap", function (event) {
  var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (event.detail.xhr.status === 400 && elt && elt.matches && elt.matches("[data-swap-refused]")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// An answer that is the log-in page (the session expired and the server sent the request there, settings.LOGIN_URL
// given as <body data-login-url>) or the forced password change (<body data-password-url>: the user logged in again
// elsewhere with a one-time password) is never swapped in, for any htmx request: it would take the page's typed
// figures with it. The form (or the fragment) says so instead, with that page to open in a new tab. Only an answer
// to the user's own click or send scrolls that line into view: a background request's (the entry's automatic
// check, a part loading) must not move the page under a finger on its way to a button.
var GX_NOT_SWAPPED = [
  ["loginUrl", "登录已过期，请在新窗口重新登录后再保存，本页已填数据未丢失。", "打开登录页"],
  ["passwordUrl", "须先修改密码：请在新窗口修改密码后再保存，本页已填数据未丢失。", "打开修改密码页"]
];
document.addEventListener("htmx:beforeSwap", function (event) {
  var url = event.detail.xhr.responseURL;
  if (!url) { return; }
  var path = new URL(url).pathname;
  var hit = GX_NOT_SWAPPED.filter(function (entry) {
    var page = document.body.dataset[entry[0]];
    return page && new URL(page, window.location.href).pathname === path;
  })[0];
  if (!hit) { return; }
  event.detail.shouldSwap = false;
  var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
  if (!elt || !elt.closest) { return; }
  if (elt.matches("[data-fragment]")) {
    elt.removeAttribute("aria-busy");
    var spinning = elt.querySelector("[data-fragment-status]");
    if (spinning) { spinning.remove(); }
  }
  var box = gxSendStatus(elt.closest("form") || elt);
  var link = document.createElement("a");
  link.href = document.body.dataset[hit[0]];
  link.target = "_blank";
  link.rel = "noopener";
  link.className = "alert-link ms-1";
  link.textContent = hit[2];
  box.replaceChildren(document.createTextNode(hit[1]), link);
  var trigger = event.detail.requestConfig.triggeringEvent;
  if (trigger && (trigger.type === "submit" || trigger.type === "click")) { box.scrollIntoView({block: "center"}); }
});

// The CSRF token goes as its cookie holds it when the request is sent (<body data-csrf-cookie> names the
// cookie): logging in again in another tab renews it, and the page's own copy would then be refused (403).
document.addEventListener("htmx:configRequest", function (event) {
  var name = document.body.dataset.csrfCookie;
  var cookie = name && document.cookie.split("; ").filter(function (c) { return c.indexOf(name + "=") === 0; })[0];
  if (!cookie) { return; }
  var token = decodeURIComponent(cookie.slice(name.length + 1));
  event.detail.headers["X-CSRFToken"] = token;
  if (event.detail.parameters.csrfmiddlewaretoken !== undefined) { event.detail.parameters.csrfmiddlewaretoken = token; }
});

// The alert line at the top of a form that says how its last htmx request went (added on first use).
function gxSendStatus(form) {
  var box = form.querySelector("[data-send-status]");
  if (!box) {
    box = document.createElement("div");
    box.setAttribute("data-send-status", "");
    box.setAttribute("role", "alert");
    box.className = "alert alert-danger";
    form.prepend(box);
  }
  return box;
}

// ... and says so above the form when the request fails otherwise (no answer, a server error): the typed
// figures stay on the page to send again.
document.addEventListener("htmx:responseError", gxSendFailed);
document.addEventListener("htmx:sendError", gxSendFailed);
function gxSendFailed(event) {
  var form = event.detail && event.detail.elt;
  if (!form || !form.matches || !form.matches("[data-swap-refused]")) { return; }
  var box = gxSendStatus(form);
  var status = event.detail.xhr && event.detail.xhr.status;
  box.textContent = (status ? "提交未成功（服务器返回" + status + "）" : "提交未成功：无法连接服务器") +
    "。您填写的内容仍在页面上，请稍后重试。";
  box.scrollIntoView({block: "center"});
}

// table.table-stack: a list whose rows become blocks on a phone (gongxin.css), each cell labelled with its
// column's header (data-label, copied from the thead here, counting the columns a cell before it spans; a cell
// spanning columns or under an empty header gets none). Run on the page and on every part htmx swaps in.
function gxStackLabels(root) {
  (root.querySelectorAll ? root : document).querySelectorAll("table.table-stack").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var column = 0;
      Array.prototype.forEach.call(tr.children, function (td) {
        var i = column;
        column += td.colSpan;
        if (td.colSpan === 1 && heads[i]) { td.setAttribute("data-label", heads[i]); }
        if (!td.textContent.trim() && !td.querySelector("input, select, button, img, svg")) { td.classList.add("stack-empty"); }
      });
    });
  });
}
gxStackLabels(document);
document.addEventListener("htmx:afterSettle", function (event) { gxStackLabels(event.target.parentNode || document); });
