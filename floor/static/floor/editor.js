// The floor plan editor: draws the booth table as an SVG over a grid (and the venue's
// drawing), and writes back to the table what is dragged or moved with the keyboard. The table
// is the form: without this script it is edited by hand, and the server checks every rule
// (floor.services.plan). Overlaps and booths off the floor are only shown here, as a hint.
(function () {
  "use strict";
  var stage = document.getElementById("floor-stage");
  var configNode = document.getElementById("floor-config");
  if (!stage || !configNode) return;
  var config = JSON.parse(configNode.textContent);
  var NS = "http://www.w3.org/2000/svg";
  var GRID = config.grid || 0.5;
  var status = document.getElementById("floor-status");
  var widthInput = document.getElementById("id_width");
  var heightInput = document.getElementById("id_height");
  stage.closest("section").hidden = false;

  function num(input) { var v = parseFloat(String(input && input.value || "").replace(",", ".")); return isFinite(v) ? v : NaN; }
  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (parent) parent.appendChild(node);
    return node;
  }
  function field(row, name) { return row.querySelector('[name$="-' + name + '"]'); }
  function rows(prefix) { return Array.prototype.slice.call(document.querySelectorAll('tr[data-row="' + prefix + '"]')); }
  function live(row) { var del = field(row, "DELETE"); return !(del && del.checked) && field(row, "label") ? field(row, "label").value.trim() !== "" : false; }
  function round(v, step) { return Math.round(v / step) * step; }
  function fmt(v) { return String(Math.round(v * 100) / 100); }

  var svg, W, H;
  function draw() {
    W = num(widthInput) || 40; H = num(heightInput) || 25;
    stage.textContent = "";
    svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "application", "aria-label": stage.parentElement.querySelector("h2").textContent }, stage);
    var defs = el("defs", {}, svg);
    var pattern = el("pattern", { id: "grid", width: 1, height: 1, patternUnits: "userSpaceOnUse" }, defs);
    el("path", { d: "M 1 0 L 0 0 0 1", fill: "none", stroke: "#d0d5dd", "stroke-width": 0.03 }, pattern);
    el("rect", { x: 0, y: 0, width: W, height: H, fill: "#fff" }, svg);
    if (config.background) el("image", { href: config.background, x: 0, y: 0, width: W, height: H, preserveAspectRatio: "none", opacity: 0.4 }, svg);
    el("rect", { x: 0, y: 0, width: W, height: H, fill: "url(#grid)", stroke: "#344054", "stroke-width": 0.1 }, svg);
    rows("zones").forEach(function (row) {
      var name = field(row, "name"), del = field(row, "DELETE");
      if (!name.value.trim() || (del && del.checked)) return;
      var x = num(field(row, "x")), y = num(field(row, "y")), w = num(field(row, "width")), h = num(field(row, "height"));
      if ([x, y, w, h].some(isNaN)) return;
      el("rect", { x: x, y: y, width: w, height: h, fill: field(row, "colour").value, "fill-opacity": 0.5 }, svg);
      var t = el("text", { x: x + 0.3, y: y + 0.9, "font-size": 0.8, "font-weight": 700 }, svg);
      t.textContent = name.value;
    });
    // Entrances and services as markers, for orientation (moved in their tables).
    ["entrances", "services"].forEach(function (prefix) {
      rows(prefix).forEach(function (row) {
        var del = field(row, "DELETE"), x = num(field(row, "x")), y = num(field(row, "y"));
        if ((del && del.checked) || isNaN(x) || isNaN(y)) return;
        el("circle", { cx: x, cy: y, r: 0.7, fill: prefix === "entrances" ? "#067647" : "#1d4ed8", class: "marker" }, svg);
      });
    });
    rows("booths").forEach(function (row) {
      if (!live(row)) return;
      var g = el("g", { class: "booth", tabindex: 0, role: "button" }, svg);
      g.row = row;
      el("rect", { fill: "#fff", stroke: "#344054", "stroke-width": 0.08 }, g);
      el("text", { "text-anchor": "middle", "font-size": 0.8, "font-weight": 700 }, g);
      place(g);
      g.addEventListener("pointerdown", startDrag);
      g.addEventListener("keydown", keyMove);
    });
    check();
  }
  function box(g) {
    var r = g.row;
    return { x: num(field(r, "x")), y: num(field(r, "y")), w: num(field(r, "width")), h: num(field(r, "height")), label: field(r, "label").value.trim().toUpperCase() };
  }
  function place(g) {
    var b = box(g), rect = g.querySelector("rect"), text = g.querySelector("text");
    if ([b.x, b.y, b.w, b.h].some(isNaN)) { g.style.display = "none"; return; }
    g.style.display = "";
    rect.setAttribute("x", b.x); rect.setAttribute("y", b.y); rect.setAttribute("width", b.w); rect.setAttribute("height", b.h);
    text.setAttribute("x", b.x + b.w / 2); text.setAttribute("y", b.y + b.h / 2 + 0.28);
    text.textContent = b.label;
    var holder = config.holders[b.label];
    g.setAttribute("aria-label", b.label + (holder ? " (" + holder + ")" : "") + ": x " + fmt(b.x) + " m, y " + fmt(b.y) + " m");
    g.setAttribute("data-label", b.label);
    g.classList.toggle("is-taken", Boolean(holder));
  }
  function move(g, x, y) {
    var b = box(g);
    x = Math.min(Math.max(x, 0), Math.max(W - b.w, 0));
    y = Math.min(Math.max(y, 0), Math.max(H - b.h, 0));
    field(g.row, "x").value = fmt(x);
    field(g.row, "y").value = fmt(y);
    place(g);
  }
  function check() {
    var booths = Array.prototype.slice.call(svg.querySelectorAll(".booth"));
    var clashes = [];
    booths.forEach(function (g) { g.classList.remove("is-clash"); });
    booths.forEach(function (a, i) {
      var p = box(a);
      booths.slice(i + 1).forEach(function (b) {
        var q = box(b);
        if (p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h) {
          a.classList.add("is-clash"); b.classList.add("is-clash"); clashes.push(p.label + " / " + q.label);
        }
      });
    });
    status.textContent = clashes.length ? config.clash + " " + clashes.join(", ") : "";
  }
  function toMetres(event) {
    var point = svg.createSVGPoint();
    point.x = event.clientX; point.y = event.clientY;
    return point.matrixTransform(svg.getScreenCTM().inverse());
  }
  var drag = null;
  function startDrag(event) {
    var g = event.currentTarget, b = box(g), p = toMetres(event);
    drag = { g: g, dx: p.x - b.x, dy: p.y - b.y };
    g.classList.add("is-dragging");
    g.setPointerCapture(event.pointerId);
    g.focus();
    event.preventDefault();
  }
  stage.addEventListener("pointermove", function (event) {
    if (!drag) return;
    var p = toMetres(event);
    move(drag.g, round(p.x - drag.dx, GRID), round(p.y - drag.dy, GRID));
  });
  function endDrag() {
    if (!drag) return;
    drag.g.classList.remove("is-dragging");
    var b = box(drag.g);
    status.textContent = b.label + ": x " + fmt(b.x) + " m, y " + fmt(b.y) + " m";
    drag = null;
    check();
  }
  stage.addEventListener("pointerup", endDrag);
  stage.addEventListener("pointercancel", endDrag);
  function keyMove(event) {
    var step = event.shiftKey ? 0.1 : GRID;
    var d = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] }[event.key];
    if (!d) return;
    var g = event.currentTarget, b = box(g);
    move(g, b.x + d[0], b.y + d[1]);
    var now = box(g);
    status.textContent = now.label + ": x " + fmt(now.x) + " m, y " + fmt(now.y) + " m";
    check();
    event.preventDefault();
  }
  // Typing in the table redraws the plan.
  document.querySelector(".floor-editor").addEventListener("change", draw);
  draw();
})();
