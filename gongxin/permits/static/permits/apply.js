/* Application form: origin province → city → county selects filled from /permits/divisions/;
   "按通行证编号带出" reloads the form prefilled from the vehicle with that national pass number. */
(function () {
  "use strict";
  var province = document.getElementById("id_origin_province"),
    city = document.getElementById("id_origin_city"),
    county = document.getElementById("id_origin_county");

  function fill(select, items) {
    select.textContent = "";
    var first = document.createElement("option");
    first.value = ""; first.textContent = "请选择";
    select.appendChild(first);
    items.forEach(function (item) {
      var o = document.createElement("option");
      o.value = item.code; o.textContent = item.name; o.dataset.leaf = item.leaf ? "1" : "";
      select.appendChild(o);
    });
  }
  function load(parent) {
    return fetch("/permits/divisions/?parent=" + encodeURIComponent(parent), {credentials: "same-origin"})
      .then(function (r) { return r.json(); }).then(function (d) { return d.items; });
  }
  province.addEventListener("change", function () {
    fill(city, []); fill(county, []);
    if (!province.value) return;
    load(province.value).then(function (items) {
      var leaves = items.filter(function (i) { return i.leaf; });
      // Municipalities list districts directly: they go to the county select.
      if (leaves.length === items.length) { fill(county, items); } else { fill(city, items); }
    });
  });
  city.addEventListener("change", function () {
    fill(county, []);
    var chosen = city.options[city.selectedIndex];
    if (!city.value) return;
    if (chosen.dataset.leaf) {  // a county-level city directly under the province (济源市)
      fill(county, [{code: city.value, name: chosen.textContent, leaf: true}]);
      county.value = city.value;
    } else {
      load(city.value).then(function (items) { fill(county, items); });
    }
  });
  var passButton = document.getElementById("prefill-pass");
  passButton.addEventListener("click", function (e) {
    e.preventDefault();
    var value = document.getElementById("id_national_pass_no").value.trim();
    if (value) window.location.search = "?pass=" + encodeURIComponent(value);
  });
})();
