/* Staff ticket page: a filter box over a long list of posts (the transfer target). Without this script the
   box stays hidden and the list, grouped by tier, works as it is. */
(function () {
  "use strict";

  function normalise(text) {
    return text.toLowerCase().replace(/\s+/g, "");
  }

  function filterable(box) {
    var select = document.getElementById(box.getAttribute("data-filters"));
    if (!select) return;
    var groups = Array.prototype.map.call(select.children, function (child) {
      return { node: child, options: child.tagName === "OPTGROUP" ? Array.prototype.slice.call(child.children) : null };
    });

    box.addEventListener("input", function () {
      var wanted = normalise(box.value);
      var chosen = select.value;
      var shown = [];
      groups.forEach(function (group) {
        if (group.options === null) {  // the "choose a post" line stays
          select.appendChild(group.node);
          return;
        }
        var matches = group.options.filter(function (option) {
          return !wanted || normalise(option.textContent + group.node.label).indexOf(wanted) >= 0;
        });
        group.node.replaceChildren.apply(group.node, matches);
        if (matches.length) {
          select.appendChild(group.node);
          shown = shown.concat(matches);
        } else if (group.node.parentNode) {
          group.node.parentNode.removeChild(group.node);
        }
      });
      if (shown.length === 1) {
        select.value = shown[0].value;
      } else if (shown.some(function (option) { return option.value === chosen; })) {
        select.value = chosen;
      } else {
        select.value = "";
      }
    });
    box.closest("[hidden]").hidden = false;
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[data-filters]"), filterable);
})();
