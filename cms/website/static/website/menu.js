/* The header's menu button on small screens: it opens and closes the menu, says so to screen
   readers (aria-expanded), and Escape closes it and gives the focus back to the button. Without
   JavaScript, no-script.css shows the menu open and hides the button. */
(function () {
  "use strict";
  var header = document.querySelector("[data-menu]");
  if (!header) { return; }
  var button = header.querySelector(".menu-button");
  var menu = document.getElementById(button.getAttribute("aria-controls"));
  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("menu-open", open);
  }
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  header.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
  menu.addEventListener("focusout", function (event) {
    if (window.matchMedia("(max-width: 47.99em)").matches && event.relatedTarget && !header.contains(event.relatedTarget)) {
      setOpen(false);
    }
  });
})();
