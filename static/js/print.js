// Buttons marked data-print print the page. A static file, so that pages need no inline
// script and keep the site's Content-Security-Policy.
document.addEventListener("click", function (event) {
  "use strict";
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
