// "Add a row" buttons of forms with numbered rows (data-rows around data-row elements, fields
// named like indicators.0.name): the last row is copied empty with the next number. Without
// JavaScript the button stays hidden and the form sends the rows it has.
(function () {
  "use strict";
  function renumber(row, next) {
    row.querySelectorAll("[name]").forEach(function (field) {
      field.name = field.name.replace(/\.\d+\./, "." + next + ".");
      if (field.tagName === "SELECT") {
        field.selectedIndex = 0;
      } else {
        field.value = "";
      }
      field.removeAttribute("aria-invalid");
    });
    row.querySelectorAll(".field-error").forEach(function (problem) {
      problem.remove();
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-rows] [data-add-row]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var rows = button.closest("[data-rows]").querySelectorAll("[data-row]");
        var last = rows[rows.length - 1];
        var copy = last.cloneNode(true);
        renumber(copy, rows.length);
        last.after(copy);
        var first = copy.querySelector("input");
        if (first) {
          first.focus();
        }
      });
    });
  });
})();
