// Behaviour the templates used to carry in inline handlers; the Content-Security-Policy allows no inline script.
// [data-autosubmit]: submit the element's form when it changes (the language select).
// [data-dismiss-log]: close the inline follow-up form, or go back when it is a page of its own.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof Element && target.matches("[data-autosubmit]") && target.form) {
    target.form.submit();
  }
});
document.addEventListener("click", function (event) {
  var button = event.target instanceof Element ? event.target.closest("[data-dismiss-log]") : null;
  if (!button) {
    return;
  }
  var slot = button.closest(".log-slot");
  if (slot) {
    slot.replaceChildren();
  } else {
    history.back();
  }
});
