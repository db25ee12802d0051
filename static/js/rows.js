// "Add a row" and "Delete" buttons of forms with numbered rows (data-rows around data-row
// elements, fields named like lines.0.amount or indicators.0.name). A new row is the last one
// copied empty; after every change the rows are numbered 0, 1, 2 … again, names and ids alike,
// so the form never sends two rows under one number. Elements marked data-scripted (buttons
// that work through htmx) are shown too. data-max on the group caps the rows: the
// add button hides and data-rows-full says the limit. Without JavaScript the buttons stay
// hidden and the form sends the rows it has; the server checks the limit either way.
(function () {
  "use strict";
  var NUMBER = /\.\d+(\.|$)/;
  function renumber(row, number) {
    row.querySelectorAll("[name], [id], [for]").forEach(function (field) {
      ["name", "id", "for"].forEach(function (attribute) {
        var value = field.getAttribute(attribute);
        if (value && NUMBER.test(value)) {
          field.setAttribute(attribute, value.replace(NUMBER, "." + number + "$1"));
        }
      });
    });
    if (row.id && NUMBER.test(row.id)) {
      row.id = row.id.replace(NUMBER, "." + number + "$1");
    }
  }
  function clear(row) {
    row.querySelectorAll("[name]").forEach(function (field) {
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
  function refresh(group) {
    var rows = group.querySelectorAll("[data-row]");
    rows.forEach(renumber);
    var most = parseInt(group.getAttribute("data-max"), 10);
    var full = most > 0 && rows.length >= most;
    var add = group.querySelector("[data-add-row]");
    var note = group.querySelector("[data-rows-full]");
    if (add) {
      add.hidden = full;
    }
    if (note) {
      note.hidden = !full;
    }
  }
  function remove(group, row) {
    var rows = group.querySelectorAll("[data-row]");
    if (rows.length > 1) {
      row.remove();
    } else {
      clear(row);
    }
    refresh(group);
    var next = group.querySelector("[data-row] select, [data-row] input") ||
      group.querySelector("[data-add-row]");
    if (next) {
      next.focus();
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    // Buttons that only work with scripts (htmx) show once scripts run.
    document.querySelectorAll("[data-scripted]").forEach(function (button) {
      button.hidden = false;
    });
    document.querySelectorAll("[data-rows]").forEach(function (group) {
      group.querySelectorAll("[data-delete-row]").forEach(function (button) {
        button.hidden = false;
      });
      group.addEventListener("click", function (event) {
        var button = event.target.closest("[data-delete-row], [data-add-row]");
        if (!button || button.closest("[data-rows]") !== group) {
          return;
        }
        if (button.hasAttribute("data-delete-row")) {
          remove(group, button.closest("[data-row]"));
          return;
        }
        var rows = group.querySelectorAll("[data-row]");
        var last = rows[rows.length - 1];
        var copy = last.cloneNode(true);
        clear(copy);
        last.after(copy);
        refresh(group);
        var first = copy.querySelector("select, input");
        if (first) {
          first.focus();
        }
      });
      refresh(group);
    });
  });
})();
