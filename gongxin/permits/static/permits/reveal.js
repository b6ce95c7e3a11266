/* Permit page: "显示完整号码" asks the server for one person's full ID number (the request is audited). */
(function () {
  "use strict";
  var csrf = document.querySelector("#people input[name=csrfmiddlewaretoken]");
  document.querySelectorAll(".reveal-id").forEach(function (button) {
    button.addEventListener("click", function () {
      var pk = button.dataset.person;
      fetch("/permits/people/" + pk + "/reveal/", {method: "POST", credentials: "same-origin",
        headers: {"X-CSRFToken": csrf.value}})
        .then(function (r) { return r.json(); })
        .then(function (d) {
          document.querySelector("[data-id-for='" + pk + "']").textContent = d.value || d.error;
          button.hidden = true;
        });
    });
  });
})();
