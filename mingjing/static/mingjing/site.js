// Behaviour that used to sit in inline event handlers, which the Content-Security-Policy refuses:
//   <form data-confirm="确定删除吗？"> or <button data-confirm="…">: ask before submitting;
//   <button data-print>: print the page.
// Runs before htmx processes the page (deferred scripts run before DOMContentLoaded).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    var button = event.submitter;
    if (button && button.hasAttribute("data-confirm")) question = button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);
  // The page already counted the to-dos (home, 待办): show the count, do not fetch it again.
  var known = document.querySelector("[data-todo-count]");
  var slot = document.getElementById("todo-count");
  if (known && slot) {
    slot.removeAttribute("hx-get");
    slot.removeAttribute("hx-trigger");
    var count = parseInt(known.getAttribute("data-todo-count"), 10);
    if (count > 0) {
      var badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = String(count);
      slot.replaceChildren(badge);
    }
  }
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print]") : null;
    if (target) window.print();
  });
})();
