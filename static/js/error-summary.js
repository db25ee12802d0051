// The summary at the top of a failed form (templates/_partials/forms.html): each link gets the
// name of the field it leads to, read from the field's label or its group's legend, and the
// summary takes the focus where the browser did not already give it (autofocus). Without
// JavaScript the links still lead to the fields with their messages.
(function () {
  "use strict";
  function nameOf(target) {
    var holder = (target.labels && target.labels[0]) || target.querySelector("legend") ||
      (target.closest("fieldset") && target.closest("fieldset").querySelector("legend"));
    if (!holder) {
      return "";
    }
    var first = Array.prototype.find.call(holder.childNodes, function (node) {
      return node.nodeType === Node.TEXT_NODE && node.textContent.trim();
    });
    return first ? first.textContent.trim() : "";
  }
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (!summary) {
      return;
    }
    summary.querySelectorAll("a[href^='#']").forEach(function (link) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) {
        link.replaceWith(document.createTextNode(link.textContent));
        return;
      }
      var name = nameOf(target);
      if (name) {
        var strong = document.createElement("strong");
        strong.textContent = name;
        link.prepend(strong, " ");
      }
    });
    if (document.activeElement !== summary) {
      summary.focus();
    }
  });
})();
