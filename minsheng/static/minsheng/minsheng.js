/* Minsheng: the only script. A form that was sent is not sent twice (a slow network and
   an impatient thumb must not place the same order twice), and a form marked data-confirm
   asks before it is sent. Pages work without it. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    if (form.getAttribute("data-sent")) {
      event.preventDefault();
      return;
    }
    // A form that cannot be undone (cancelling an order) asks once more; without the
    // script its required box does the asking.
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sent", "1");
    var buttons = form.querySelectorAll("button[type=submit]");
    for (var i = 0; i < buttons.length; i++) buttons[i].setAttribute("aria-busy", "true");
  });
  // Coming back with the browser's back button shows the page from its cache: allow again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    var sent = document.querySelectorAll("form[data-sent]");
    for (var i = 0; i < sent.length; i++) sent[i].removeAttribute("data-sent");
  });
})();
