// "Did you mean gmail.com?" while typing. The same table (events.forms.EMAIL_DOMAIN_TYPOS)
// is checked by the server on submit, so this is only a head start for the visitor.
(function () {
  var input = document.getElementById("id_email"), hint = document.getElementById("email-hint");
  if (!input || !hint) return;
  var typos = JSON.parse(document.getElementById("email-typos").textContent);
  var prompt = hint.dataset.prompt;
  var suggestion = "";
  function check() {
    var value = input.value.trim().toLowerCase(), at = value.lastIndexOf("@");
    var fixed = at > 0 ? typos[value.slice(at + 1)] : undefined;
    suggestion = fixed ? value.slice(0, at + 1) + fixed : "";
    hint.hidden = !suggestion;
    hint.querySelector("span").textContent = suggestion ? prompt + " " + suggestion + "?" : "";
  }
  input.addEventListener("blur", check);
  input.addEventListener("input", function () { if (!hint.hidden) check(); });
  hint.querySelector("button").addEventListener("click", function () {
    input.value = suggestion; hint.hidden = true; input.focus();
  });
})();
