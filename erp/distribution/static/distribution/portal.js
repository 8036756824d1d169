// The distributors' portal: quantity steppers and the order total, selects that apply at once,
// and a confirmation before cancelling. Without this script every screen still works (buttons).
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  function quantity(input) {
    var value = parseInt(input.value, 10);
    return isNaN(value) || value < 0 ? 0 : Math.min(value, parseInt(input.max || "9999", 10));
  }

  function updateTotal() {
    var output = document.getElementById("order-total");
    if (!output) return;
    var cents = 0;
    document.querySelectorAll(".product-row").forEach(function (row) {
      var input = row.querySelector("input[type=number]");
      cents += parseInt(row.dataset.priceCents, 10) * quantity(input);  // whole cents: no float error
    });
    var format = new Intl.NumberFormat(output.dataset.language || document.documentElement.lang,
      { style: "currency", currency: output.dataset.currency });
    output.textContent = format.format(cents / 100);
  }

  ready(function () {
    document.querySelectorAll(".stepper .step").forEach(function (button) {
      button.addEventListener("click", function () {
        var input = document.getElementById(button.getAttribute("aria-controls"));
        input.value = Math.max(0, quantity(input) + parseInt(button.dataset.step, 10));
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
    document.querySelectorAll(".product-row input[type=number]").forEach(function (input) {
      input.addEventListener("input", updateTotal);
    });
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    var refresh = document.querySelector("[data-currency-refresh]");
    if (refresh) {
      refresh.classList.add("no-js-only");
      var currency = refresh.form.querySelector("select[name=currency]");
      currency.addEventListener("change", function () { refresh.click(); });
    }
    document.querySelectorAll("button[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.dataset.confirm)) event.preventDefault();
      });
    });
    updateTotal();
  });
})();
