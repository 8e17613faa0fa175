// ИМО, анкеты: skip logic in the browser. A question block with data-show-if="q<pk>" and
// data-show-if-values="1,3" is shown only while the controlling question (an earlier block with
// data-question="q<pk>") is shown and one of its checked options / scale values is in the list.
// Hidden blocks get their inputs disabled, so they are neither sent nor checked; the server re-checks.
(function () {
  "use strict";

  function checkedValues(container, name) {
    var values = [];
    var inputs = container.querySelectorAll("input[name=\"" + name + "\"]");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].checked) { values.push(inputs[i].value); }
    }
    return values;
  }

  function update(container) {
    // Controllers always come earlier, so one pass in document order settles chains of conditions.
    var readonly = container.hasAttribute("data-readonly");
    var blocks = container.querySelectorAll("[data-show-if]");
    for (var i = 0; i < blocks.length; i++) {
      var block = blocks[i];
      var controllerName = block.getAttribute("data-show-if");
      var controller = container.querySelector("[data-question=\"" + controllerName + "\"]");
      var visible = Boolean(controller) && !controller.hidden;
      if (visible) {
        var wanted = (block.getAttribute("data-show-if-values") || "").split(",");
        var chosen = checkedValues(container, controllerName);
        visible = chosen.some(function (value) { return wanted.indexOf(value) >= 0; });
      }
      block.hidden = !visible;
      if (readonly) { continue; }
      var fields = block.querySelectorAll("input, select, textarea");
      for (var j = 0; j < fields.length; j++) { fields[j].disabled = !visible; }
    }
  }

  function updateAll() {
    var containers = document.querySelectorAll("[data-survey-questions]");
    for (var i = 0; i < containers.length; i++) { update(containers[i]); }
  }

  document.addEventListener("change", function (event) {
    var container = event.target.closest && event.target.closest("[data-survey-questions]");
    if (container) { update(container); }
  });
  // Typing «другое» checks its option, so the text is not sent without it.
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.name || !/_other$/.test(field.name) || !field.value) { return; }
    var option = document.getElementById(field.name.replace(/_other$/, "_o"));
    if (option && !option.checked) {
      option.checked = true;
      option.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", updateAll);
  } else {
    updateAll();
  }
})();
