// Runs the Wagtail admin's widget set-up without inline scripts, so the Content-Security-Policy
// of the admin needs no 'unsafe-inline' in script-src. Wagtail writes
//   <script>new ImageChooser("id_image", {...});</script>
// after a widget; home.admin_csp and home/templates/wagtailadmin/ write the same call as data,
//   <script type="application/json" data-bookday-init>{"call": "ImageChooser", "new": true, "args": [...]}</script>
// and this file makes the call, in document order, as soon as the block is in the page: while the
// page is parsed, and when Wagtail adds a form from a template (an inline panel's "Add").
// Only the set-up functions named here can be called: data in a page cannot name any other.
(function () {
  "use strict";
  var ALLOWED = [
    "InlinePanel",
    "MultipleChooserPanel",
    "initDateChooser",
    "initTimeChooser",
    "initDateTimeChooser",
    "createTaskChooser",
    "Chooser",
    "PageChooser",
    "ImageChooser",
    "DocumentChooser",
    "SnippetChooser",
  ];

  function run(block) {
    if (block.dataset.bookdayDone) return;
    block.dataset.bookdayDone = "1";
    var init = JSON.parse(block.textContent);
    if (ALLOWED.indexOf(init.call) === -1 || typeof window[init.call] !== "function") {
      console.warn("bookday admin-init: unknown set-up function", init.call);
      return;
    }
    var fn = window[init.call];
    if (init.new) {
      new (Function.prototype.bind.apply(fn, [null].concat(init.args)))();
    } else {
      fn.apply(null, init.args);
    }
  }

  function scan(root) {
    if (root.matches && root.matches("script[data-bookday-init]")) run(root);
    if (root.querySelectorAll) root.querySelectorAll("script[data-bookday-init]").forEach(run);
  }

  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        // Blocks inside a <template> are inert until Wagtail copies them into the page.
        if (node.nodeType === 1 && !node.closest("template")) scan(node);
      });
    });
  }).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () {
    scan(document);
  });
})();
