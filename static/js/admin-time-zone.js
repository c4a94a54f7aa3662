// One note per admin form when the staff member's clock is not on Beijing time, instead of
// Django's "You are N hours ahead of server time" under every date and time field.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  if (window.DateTimeShortcuts) {
    window.DateTimeShortcuts.addTimezoneWarning = function () {};
  }
  const note = document.querySelector(".lv-time-zone-note");
  if (!note) {
    return;
  }
  const localOffset = -new Date().getTimezoneOffset() * 60;
  if (localOffset === Number(note.dataset.serverOffset)) {
    return;
  }
  const minutes = Math.abs(localOffset) / 60;
  const offset = (localOffset < 0 ? "−" : "+") +
    String(Math.floor(minutes / 60)).padStart(2, "0") + ":" + String(minutes % 60).padStart(2, "0");
  const local = document.createElement("span");
  local.className = "lv-local-offset";
  local.textContent = " " + note.dataset.localNote.replace("{offset}", offset);
  note.appendChild(local);
});
