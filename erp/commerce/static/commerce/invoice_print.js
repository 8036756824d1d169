// Just paid at the till: the invoice's PDF downloads at once, under its number (FA-000004.pdf).
(function () {
  "use strict";
  var link = document.getElementById("invoice-download");
  if (link && link.getAttribute("data-print") === "1") {
    window.history.replaceState(null, "", window.location.pathname);  // a reload does not download again
    link.click();
  }
})();
