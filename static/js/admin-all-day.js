// All-day events have dates only: while "all day" is ticked (or the dates are "month only"),
// the time boxes of the start and end are hidden. Without this script they stay visible and
// the server accepts an all-day event given by its dates alone.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  const box = document.querySelector("input[data-hides-times]");
  if (!box) {
    return;
  }
  const precision = document.getElementById("id_date_precision");
  // Each time box with its "Time:" label and line break, wrapped so that they hide together
  // (before the admin adds its "Now" and clock shortcuts, which then land inside too).
  const parts = box.dataset.hidesTimes.split(" ").map(function (id) {
    const input = document.getElementById(id + "_1");
    if (!input) {
      return null;
    }
    const part = document.createElement("span");
    part.className = "lv-time-part";
    const lineBreak = input.previousElementSibling;
    const start = lineBreak && lineBreak.tagName === "BR" ? lineBreak : input;
    input.parentNode.insertBefore(part, start);
    while (part.nextSibling) {
      part.appendChild(part.nextSibling);
    }
    return part;
  }).filter(Boolean);

  function update() {
    const datesOnly = box.checked || (precision !== null && precision.value === "month");
    parts.forEach(function (part) {
      part.hidden = datesOnly;
    });
  }
  box.addEventListener("change", update);
  if (precision !== null) {
    precision.addEventListener("change", update);
  }
  update();
});
