/* Every page: a form that was refused shows its problems at the top (.error-summary); the focus moves there,
   so a phone scrolls to it and a screen reader reads it first. Its links take the focus to each field. */
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
})();
