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
