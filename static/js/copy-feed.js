/* Adds a "Copy" button beside each calendar address. Progressive enhancement: without
   JavaScript (or without clipboard access) the address stays selectable in its field. */
(function () {
  "use strict";
  document.querySelectorAll("input.feed-url[data-copy-label]").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
    if (!navigator.clipboard) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-feed";
    button.textContent = field.dataset.copyLabel;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        button.textContent = field.dataset.copiedLabel;
      }, function () {
        field.select();
      });
    });
    field.insertAdjacentElement("afterend", button);
  });
})();
