/* Adds the visitor's own time to event times given in Beijing time, when their zone differs.
   Progressive enhancement: without JavaScript the page still shows Beijing time. */
(function () {
  "use strict";
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // The site writes British English and Simplified Chinese.
  var locale = { "en": "en-GB", "zh-hans": "zh-CN" }[document.documentElement.lang] || undefined;
  var nodes = document.querySelectorAll("[data-local-time]");
  nodes.forEach(function (node) {
    var start = new Date(node.dataset.start);
    var end = new Date(node.dataset.end);
    if (isNaN(start) || isNaN(end)) return;
    var inBeijing = new Intl.DateTimeFormat("en", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", day: "numeric" });
    var inLocal = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", day: "numeric" });
    if (inBeijing.format(start) === inLocal.format(start)) return; // same wall-clock time
    var format = new Intl.DateTimeFormat(locale, {
      dateStyle: "full", timeStyle: "short"
    });
    var endFormat = new Intl.DateTimeFormat(locale, {
      timeStyle: "short"
    });
    node.textContent = node.dataset.label + " " + format.format(start) + " – " + endFormat.format(end) + " (" + zone + ")";
    node.hidden = false;
  });
})();
