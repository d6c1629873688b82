/* Minsheng: the dispatch console's queue refreshes itself.

   Every data-refresh-seconds the queue fragment is fetched again with the page's filters
   (data-refresh-url); when it changed, it replaces the list and the polite live region
   says so (data-announce, with {count}). It waits while a form in the queue is in use,
   and while the page is hidden. Without this script the console is a plain page: the
   filters are a GET form and reloading shows the same. */
(function () {
  "use strict";
  var section = document.getElementById("queue");
  if (!section || !window.fetch) return;
  var body = section.querySelector("[data-queue-body]");
  var status = document.getElementById("queue-status");
  var url = section.getAttribute("data-refresh-url");
  var seconds = parseInt(section.getAttribute("data-refresh-seconds"), 10);
  if (!body || !url || !(seconds > 0)) return;
  var last = body.innerHTML;

  function busy() {
    var active = document.activeElement;
    return document.hidden || (active && active !== document.body && body.contains(active));
  }

  function refresh() {
    if (busy()) return;
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html === null || html === last || busy()) return;
        body.innerHTML = html;
        last = body.innerHTML;
        var queue = body.querySelector("[data-count]");
        var count = queue ? queue.getAttribute("data-count") : "";
        if (status) {
          status.textContent = (section.getAttribute("data-announce") || "").replace(
            "{count}",
            count
          );
        }
      })
      .catch(function () {
        /* offline for a moment: try again next time */
      });
  }

  window.setInterval(refresh, seconds * 1000);
})();
