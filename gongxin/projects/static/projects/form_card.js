document.querySelectorAll("form.card input:not([type=checkbox]):not([type=hidden]), form.card select, form.card textarea").forEach(function (el) {
  el.classList.add(el.tagName === "SELECT" ? "form-select" : "form-control");
});
