// The public floor map: zoom and pan by changing the SVG's viewBox (buttons, wheel, drag,
// pinch, arrow keys and + / −). The server already centred on ?booth=; this only moves.
(function () {
  "use strict";
  var svg = document.getElementById("floor-svg");
  if (!svg) return;
  var frame = svg.parentElement;
  var full = svg.getAttribute("data-full").split(" ").map(Number);
  var view = svg.getAttribute("viewBox").split(" ").map(Number);
  var MIN = 3; // metres: the closest zoom still shows a booth and its neighbours

  function draw() {
    svg.setAttribute("viewBox", view.map(function (v) { return v.toFixed(2); }).join(" "));
  }
  function clamp() {
    view[2] = Math.min(Math.max(view[2], MIN), full[2]);
    view[3] = Math.min(Math.max(view[3], MIN * full[3] / full[2]), full[3]);
    view[0] = Math.min(Math.max(view[0], 0), full[2] - view[2]);
    view[1] = Math.min(Math.max(view[1], 0), full[3] - view[3]);
  }
  function zoom(factor, cx, cy) {
    if (cx === undefined) { cx = view[0] + view[2] / 2; cy = view[1] + view[3] / 2; }
    // Each side stops at the floor's: zooming out past one side still shows more of the other.
    var w = Math.min(view[2] * factor, full[2]), h = Math.min(view[3] * factor, full[3]);
    view = [cx - (cx - view[0]) * w / view[2], cy - (cy - view[1]) * h / view[3], w, h];
    clamp(); draw();
  }
  function pan(dx, dy) { view[0] += dx; view[1] += dy; clamp(); draw(); }
  function metresPerPixel() {
    var box = svg.getBoundingClientRect();
    return Math.max(view[2] / box.width, view[3] / box.height);
  }
  function toMetres(clientX, clientY) {
    var box = svg.getBoundingClientRect(), m = metresPerPixel();
    return [view[0] + (clientX - box.left - (box.width - view[2] / m) / 2) * m,
            view[1] + (clientY - box.top - (box.height - view[3] / m) / 2) * m];
  }

  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var how = button.getAttribute("data-zoom");
      if (how === "in") zoom(0.6);
      else if (how === "out") zoom(1 / 0.6);
      else { view = full.slice(); draw(); }
    });
  });

  frame.addEventListener("keydown", function (event) {
    var step = view[2] / 8;
    var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (moves[event.key] && event.target === frame) { pan(moves[event.key][0], moves[event.key][1]); event.preventDefault(); }
    else if (event.key === "+" || event.key === "=") { zoom(0.6); event.preventDefault(); }
    else if (event.key === "-" || event.key === "_") { zoom(1 / 0.6); event.preventDefault(); }
  });

  frame.addEventListener("wheel", function (event) {
    var p = toMetres(event.clientX, event.clientY);
    zoom(event.deltaY < 0 ? 0.8 : 1.25, p[0], p[1]);
    event.preventDefault();
  }, { passive: false });

  // Drag with one pointer, pinch with two. A short tap stays a tap, so booth links still work.
  var pointers = new Map(), moved = false, pinch = 0;
  frame.addEventListener("pointerdown", function (event) {
    pointers.set(event.pointerId, [event.clientX, event.clientY]);
    moved = false;
    if (pointers.size === 2) pinch = spread();
  });
  frame.addEventListener("pointermove", function (event) {
    var last = pointers.get(event.pointerId);
    if (!last) return;
    var now = [event.clientX, event.clientY];
    if (pointers.size === 1) {
      var dx = now[0] - last[0], dy = now[1] - last[1];
      if (moved || Math.abs(dx) + Math.abs(dy) > 6) {
        if (!moved) frame.setPointerCapture(event.pointerId);
        moved = true;
        var m = metresPerPixel();
        pan(-dx * m, -dy * m);
        pointers.set(event.pointerId, now);
      }
    } else if (pointers.size === 2) {
      pointers.set(event.pointerId, now);
      var d = spread();
      if (pinch && d) {
        var c = centre();
        var p = toMetres(c[0], c[1]);
        zoom(pinch / d, p[0], p[1]);
      }
      pinch = d; moved = true;
    }
  });
  function end(event) { pointers.delete(event.pointerId); if (pointers.size < 2) pinch = 0; }
  frame.addEventListener("pointerup", end);
  frame.addEventListener("pointercancel", end);
  // A drag that ends over a booth is not a click on its link.
  frame.addEventListener("click", function (event) { if (moved) { event.preventDefault(); moved = false; } }, true);
  function spread() {
    var p = Array.from(pointers.values());
    return Math.hypot(p[0][0] - p[1][0], p[0][1] - p[1][1]);
  }
  function centre() {
    var p = Array.from(pointers.values());
    return [(p[0][0] + p[1][0]) / 2, (p[0][1] + p[1][1]) / 2];
  }
})();
