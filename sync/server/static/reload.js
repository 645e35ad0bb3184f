// The live preview: reload the page when the server's change token differs from the one it was built with.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="preview-changes"]');
  if (!meta) { return; }
  var shown = meta.getAttribute("content");
  function poll() {
    fetch("/_view/changes", { cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : shown; })
      .then(function (token) {
        if (token !== shown) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
}());
