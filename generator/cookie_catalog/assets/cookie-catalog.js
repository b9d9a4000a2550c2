// Material's search is a role="dialog" without a name (axe-core: aria-dialog-name,
// serious); name it like its input ("Search", in the site's language).
(function () {
  var dialog = document.querySelector(".md-search[role=dialog]:not([aria-label]):not([aria-labelledby])");
  var input = document.querySelector(".md-search__input[aria-label]");
  if (dialog && input) dialog.setAttribute("aria-label", input.getAttribute("aria-label"));
})();
