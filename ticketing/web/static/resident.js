/* The request form: show only the chosen community's buildings, streets and shops (the lists work without this too). */
(function () {
  "use strict";

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
