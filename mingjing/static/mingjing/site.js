// Behaviour that used to sit in inline event handlers, which the Content-Security-Policy refuses:
//   <form data-confirm="确定删除吗？"> or <button data-confirm="…">: ask before submitting;
//   <button data-print>: print the page.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    var button = event.submitter;
    if (button && button.hasAttribute("data-confirm")) question = button.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print]") : null;
    if (target) window.print();
  });
})();
