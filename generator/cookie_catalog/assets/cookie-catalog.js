// Material's search is a role="dialog" without a name (axe-core: aria-dialog-name,
// serious); name it like its input ("Search", in the site's language).
(function () {
  var dialog = document.querySelector(".md-search[role=dialog]:not([aria-label]):not([aria-labelledby])");
  var input = document.querySelector(".md-search__input[aria-label]");
  if (dialog && input) dialog.setAttribute("aria-label", input.getAttribute("aria-label"));
})();

// Cookie names are code spans, legible in the Markdown; long dotted names
// (_genesys.widgets.webchat.state.open) may wrap after their dots: a <wbr>
// after each, which adds nothing to what a reader copies. Again on every page
// Material's instant navigation shows.
(function () {
  function breakAtDots() {
    // Idempotent: a text already split ends at its dot.
    document.querySelectorAll("tr:has(.cc-anchor) > td:first-child code").forEach(function (code) {
      var walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
      var texts = [];
      while (walker.nextNode()) texts.push(walker.currentNode);
      texts.forEach(function (text) {
        var parts = text.data.split(/(?<=\.)(?=.)/);
        if (parts.length < 2) return;
        var fragment = document.createDocumentFragment();
        parts.forEach(function (part, i) {
          if (i) fragment.appendChild(document.createElement("wbr"));
          fragment.appendChild(document.createTextNode(part));
        });
        text.replaceWith(fragment);
      });
    });
  }
  if (window.document$ && document$.subscribe) document$.subscribe(breakAtDots);
  else breakAtDots();
})();
