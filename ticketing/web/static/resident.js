/* The resident pages (each part works without this script too):
   - a language switch keeps what was typed in this page's forms (kept in this tab's sessionStorage until the page
     in the new language restores it);
   - an error summary at the top of the page takes the focus, so a phone shows it and a screen reader reads it;
   - the request form shows only the chosen community's buildings, streets and shops. */
(function () {
  "use strict";

  var DRAFT = "resident-draft:" + location.pathname;

  function kept(field) {
    return field.name && field.name !== "csrf_token" && ["hidden", "file", "submit", "button"].indexOf(field.type) < 0;
  }

  function drafts() {
    return Array.prototype.filter.call(document.querySelectorAll("main form[method=post]"), function (form) {
      return !form.classList.contains("inline");
    });
  }

  function saveDraft() {
    var values = drafts().map(function (form) {
      return Array.prototype.filter.call(form.elements, kept).map(function (field) {
        var checkable = field.type === "radio" || field.type === "checkbox";
        return [field.name, checkable ? field.value : null, checkable ? field.checked : field.value];
      });
    });
    try { sessionStorage.setItem(DRAFT, JSON.stringify(values)); } catch (e) { /* storage off: nothing kept */ }
  }

  function restoreDraft() {
    var saved;
    try {
      saved = JSON.parse(sessionStorage.getItem(DRAFT) || "null");
      sessionStorage.removeItem(DRAFT);
    } catch (e) { return; }
    if (!saved) return;
    drafts().forEach(function (form, index) {
      (saved[index] || []).forEach(function (entry) {
        Array.prototype.forEach.call(form.elements, function (field) {
          if (field.name !== entry[0] || !kept(field)) return;
          if (entry[1] === null) field.value = entry[2];
          else if (field.value === entry[1]) field.checked = entry[2];
        });
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[action*='/language/']"), function (form) {
    form.addEventListener("submit", saveDraft);
  });
  restoreDraft();

  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();

  var community = document.getElementById("community");
  var lists = [document.getElementById("building"), document.getElementById("place")];
  if (!community || !lists[0] || !lists[1]) return;

  function filter(reset) {
    lists.forEach(function (list) {
      Array.prototype.forEach.call(list.querySelectorAll("optgroup"), function (group) {
        var other = community.value !== "" && group.dataset.community !== community.value;
        var chosen = list.selectedOptions[0] && list.selectedOptions[0].parentNode === group;
        if (other && chosen && reset) { list.value = ""; chosen = false; }
        group.hidden = other && !chosen;
      });
    });
  }

  community.addEventListener("change", function () { filter(true); });
  filter(false);
})();
