document.querySelectorAll(".ly-edit").forEach(function (link) {
  link.addEventListener("click", function (event) {
    event.preventDefault();
    var code = link.dataset.code;
    document.querySelectorAll(".ly-" + code).forEach(function (input) { input.readOnly = false; });
    document.querySelectorAll(".ly-note-" + code).forEach(function (box) { box.hidden = false; box.querySelector("input").focus(); });
    link.hidden = true;
  });
});
