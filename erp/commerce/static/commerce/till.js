// The till: filter the product chooser as one types, and show what remains to pay and the change
// to give back while the payments are typed. The amounts the server keeps are computed by the
// payment service; this only helps the person at the counter.
(function () {
  "use strict";

  var filter = document.getElementById("till-filter");
  if (filter) {
    var items = document.querySelectorAll(".till-products li[data-search]");
    filter.addEventListener("input", function () {
      var words = filter.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
      items.forEach(function (item) {
        var text = item.getAttribute("data-search");
        item.hidden = !words.every(function (word) { return text.indexOf(word) !== -1; });
      });
    });
    // Enter in the filter adds the first product shown.
    filter.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      var first = document.querySelector(".till-products li[data-search]:not([hidden]) button");
      if (first) { first.click(); }
    });
  }

  var pay = document.getElementById("till-pay");
  if (!pay) { return; }
  var cents = function (text) {
    var value = String(text || "").replace(/\s/g, "").replace(",", ".");
    if (!/^\d+(\.\d{0,2})?$/.test(value)) { return 0; }
    return Math.round(parseFloat(value) * 100);
  };
  var total = cents(pay.getAttribute("data-total"));
  var cash = pay.getAttribute("data-cash");
  // Amounts written as the server writes them (Babel's CLDR data): the page carries 1234567.89
  // formatted in the staff's language, from which the prefix, separators and suffix are read.
  var sample = pay.getAttribute("data-money-sample");
  var first = sample.indexOf("1"), last = sample.lastIndexOf("9");
  var prefix = sample.slice(0, first), suffix = sample.slice(last + 1);
  var digits = sample.slice(first, last + 1);
  var group = digits.charAt(1), decimal = digits.charAt(digits.length - 3);
  var format = function (cents) {
    var whole = String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, group);
    return prefix + whole + decimal + String(cents % 100).padStart(2, "0") + suffix;
  };
  var show = function (id, amount) { document.getElementById(id).textContent = format(amount); };
  var help = document.getElementById("till-pay-help");
  var helpText = help.textContent;

  function refresh() {
    var entered = 0, nonCash = 0;
    pay.querySelectorAll("tr.till-payment").forEach(function (row) {
      var method = row.querySelector("select");
      var amount = cents(row.querySelector("input[name$='-amount']").value);
      if (!method || !method.value || amount <= 0) { return; }
      entered += amount;
      if (method.value !== cash) { nonCash += amount; }
    });
    var over = entered > total && nonCash > total;
    show("till-entered", entered);
    show("till-remaining", Math.max(total - entered, 0));
    show("till-change", over ? 0 : Math.max(entered - total, 0));
    pay.classList.toggle("till-pay--due", entered < total);
    pay.classList.toggle("till-pay--change", !over && entered > total);
    help.textContent = over ? help.getAttribute("data-over") : helpText;
    help.classList.toggle("help-critical", over);
  }

  // A method picked on an empty row takes what remains to pay.
  pay.querySelectorAll("tr.till-payment select").forEach(function (select) {
    select.addEventListener("change", function () {
      var input = select.closest("tr").querySelector("input[name$='-amount']");
      if (select.value && !input.value) {
        var entered = 0;
        pay.querySelectorAll("input[name$='-amount']").forEach(function (other) { entered += cents(other.value); });
        var rest = Math.max(total - entered, 0);
        if (rest) { input.value = (rest / 100).toFixed(2); }
      }
      refresh();
    });
  });
  pay.addEventListener("input", refresh);
  refresh();
})();
