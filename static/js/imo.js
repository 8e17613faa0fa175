// ИМО: behaviour that templates declare with data- attributes (no inline scripts: the CSP forbids them).
(function () {
  "use strict";
  // <form data-confirm="Закрыть организацию?"> asks before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // <select data-autosubmit> submits its form on change (filters that apply at once).
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-autosubmit") && field.form) {
      if (window.htmx) { window.htmx.trigger(field.form, "submit"); } else { field.form.submit(); }
    }
  });
})();
