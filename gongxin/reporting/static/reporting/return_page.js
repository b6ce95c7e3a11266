// "修改上年数": opens the last-year cells of an indicator and its note. Delegated from the document, so
// that it works on the page htmx swaps in after a save.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest(".ly-edit");
  if (!link) { return; }
  event.preventDefault();
  var code = link.dataset.code;
  document.querySelectorAll(".ly-" + code).forEach(function (input) { input.readOnly = false; });
  document.querySelectorAll(".ly-note-" + code).forEach(function (box) { box.hidden = false; box.querySelector("input").focus(); });
  link.hidden = true;
});
