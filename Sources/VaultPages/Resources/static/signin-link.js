// The one-time sign-in link carries its code in the fragment (never sent to the node by the browser, never in its
// logs). This posts it once with the form's CSRF token and removes it from the address bar and history.
"use strict";
(function () {
  const code = decodeURIComponent(location.hash.slice(1));
  const form = document.getElementById("link-form");
  const field = document.getElementById("link-token");
  const status = document.getElementById("link-status");
  if (!form || !field) return;
  history.replaceState(null, "", location.pathname);
  if (!/^cvl_[A-Za-z0-9_-]{43}$/.test(code)) {
    status.textContent = "This address holds no sign-in code. Open the whole link you were given, or sign in with your token.";
    return;
  }
  field.value = code;
  status.textContent = "Signing you in…";
  form.submit();
})();
