// The summary at the top of a failed form (templates/_partials/forms.html): each link gets the
// name of the field it leads to, read from the field's label or its group's legend, the links
// follow the fields' order on the page, and the summary takes the focus where the browser did
// not already give it (autofocus). Without JavaScript the links still lead to the fields with
// their messages, in the order the server found the problems.
(function () {
  "use strict";
  function nameOf(target) {
    var holder = (target.labels && target.labels[0]) || target.closest("label") ||
      target.querySelector("legend") ||
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
    // A page with several forms (the money tab) puts the summary inside the failed one, whose
    // fields are the ones meant even where another form uses the same ids.
    var scope = summary.closest("form") || document;
    var placed = [];
    summary.querySelectorAll("a[href^='#']").forEach(function (link) {
      var id = link.getAttribute("href").slice(1);
      var target = scope.querySelector("[id='" + CSS.escape(id) + "']");
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
      if (target !== document.getElementById(id)) {
        link.addEventListener("click", function (event) {
          event.preventDefault();
          target.scrollIntoView();
          target.focus();
        });
      }
      placed.push({ item: link.closest("li"), target: target });
    });
    placed.sort(function (a, b) {
      return a.target.compareDocumentPosition(b.target) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
    placed.forEach(function (one) {
      one.item.parentNode.appendChild(one.item);
    });
    if (document.activeElement !== summary) {
      summary.focus();
    }
  });
})();
