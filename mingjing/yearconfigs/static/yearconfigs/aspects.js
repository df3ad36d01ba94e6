// "添加一行" on the year configuration form: clone the formset's empty row and count it in
// TOTAL_FORMS. Without JavaScript the page offers blank rows and a "再添加空行" button instead.
(function () {
  "use strict";
  function init() {
    var button = document.getElementById("aspect-add-row");
    var template = document.getElementById("aspect-empty-row");
    var body = document.querySelector("#aspect-rows tbody");
    var total = document.getElementById("id_aspects-TOTAL_FORMS");
    if (!button || !template || !body || !total) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("tbody");
      holder.innerHTML = html;
      var row = holder.querySelector("tr");
      row.querySelector("td").insertBefore(document.createTextNode(String(index + 1)), row.querySelector("td").firstChild);
      body.appendChild(row);
      total.value = String(index + 1);
      var title = row.querySelector("input[name$='-title']");
      if (title) title.focus();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
