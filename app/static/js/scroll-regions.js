// Tables wider than the screen scroll inside their own box (<div class="table-scroll">), so
// the page itself never scrolls sideways. While a box really scrolls, it is made reachable by
// keyboard (tabindex="0"; the arrow keys then scroll it), named as a region after its table's
// caption, and given a written hint above it. Whatever the markup set itself is left alone.
(function () {
  var hintText = document.body.getAttribute("data-scroll-hint") || "";

  function label(box) {
    var caption = box.querySelector("caption");
    return (caption && caption.textContent.trim()) || hintText;
  }

  // Set an attribute the markup did not set, and remember that we did, to undo it later.
  function add(box, name, value) {
    if (box.hasAttribute(name)) return;
    box.setAttribute(name, value);
    box.setAttribute("data-scroll-added", (box.getAttribute("data-scroll-added") || "") + " " + name);
  }

  function update(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    var previous = box.previousElementSibling;
    var hint = previous && previous.classList.contains("scroll-hint") ? previous : null;
    if (scrolls) {
      add(box, "tabindex", "0");
      add(box, "role", "region");
      if (!box.hasAttribute("aria-labelledby")) add(box, "aria-label", label(box));
      if (!hint && hintText) {
        hint = document.createElement("p");
        hint.className = "scroll-hint";
        hint.setAttribute("aria-hidden", "true");
        hint.textContent = hintText;
        box.parentNode.insertBefore(hint, box);
      }
    } else {
      (box.getAttribute("data-scroll-added") || "").split(" ").forEach(function (name) {
        if (name) box.removeAttribute(name);
      });
      box.removeAttribute("data-scroll-added");
      if (hint) hint.remove();
    }
  }

  function updateAll() {
    var boxes = document.querySelectorAll(".table-scroll");
    for (var i = 0; i < boxes.length; i++) update(boxes[i]);
  }

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(updateAll);
  });
  updateAll();
})();
