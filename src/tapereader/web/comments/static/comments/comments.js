/* Comments without a page reload: reply links move the form under the comment, the form
   posts with fetch and the answer (server-rendered, sanitized HTML) is put in place.
   Without JavaScript the same links and form work as plain GET/POST. No inline script. */
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  var form = document.getElementById("commentform");
  if (!respond || !form) { return; }
  var home = document.createComment("respond-home");
  respond.parentNode.insertBefore(home, respond);
  var title = document.getElementById("reply-title");
  var cancel = respond.querySelector(".cancel-reply");
  var parentInput = form.querySelector("input[name=parent]");
  var notice = document.querySelector(".comments .js-notice");
  var baseTitle = "Leave a Reply";

  function setTitle(text) {
    title.firstChild.nodeValue = text + " ";
  }

  function replyTo(link) {
    var li = document.getElementById("comment-" + link.getAttribute("data-comment"));
    if (!li) { return false; }
    li.querySelector("article").after(respond);
    parentInput.value = link.getAttribute("data-comment");
    setTitle(baseTitle + " to " + link.getAttribute("data-name"));
    cancel.hidden = false;
    form.querySelector("textarea").focus();
    return true;
  }

  function cancelReply() {
    home.parentNode.insertBefore(respond, home.nextSibling);
    parentInput.value = "";
    setTitle(baseTitle);
    cancel.hidden = true;
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest ? ev.target.closest(".comment-reply-link") : null;
    if (link && replyTo(link)) { ev.preventDefault(); }
  });
  cancel.addEventListener("click", function (ev) { ev.preventDefault(); cancelReply(); });

  function clearErrors() {
    form.querySelectorAll(".field-error.js").forEach(function (e) { e.remove(); });
  }

  function showErrors(errors) {
    Object.keys(errors).forEach(function (name) {
      var input = form.querySelector("[name=" + name + "]");
      var span = document.createElement("span");
      span.className = "field-error js";
      span.setAttribute("role", "alert");
      span.textContent = errors[name].join(" ");
      (input ? input.parentNode : form).appendChild(span);
    });
  }

  function say(text) {
    notice.textContent = text;
    notice.hidden = false;
  }

  form.addEventListener("submit", function (ev) {
    if (!window.fetch || !window.FormData) { return; }
    ev.preventDefault();
    clearErrors();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin",
                        headers: {"Accept": "application/json"}})
      .then(function (resp) {
        return resp.json().catch(function () {
          return {ok: false, message: "The comment could not be posted (" + resp.status + ")."};
        });
      })
      .then(function (data) {
        if (data.errors) { showErrors(data.errors); return; }
        if (!data.ok) { say(data.message); return; }
        if (data.html) {
          var frag = document.createRange().createContextualFragment(data.html);
          var parentLi = data.parent ? document.getElementById("comment-" + data.parent) : null;
          var list = parentLi ? parentLi.querySelector("ol.children")
                              : document.querySelector(".comments ol.comment-list");
          list.appendChild(frag);
        }
        say(data.message);
        form.querySelector("textarea").value = "";
        cancelReply();
      })
      .catch(function () { say("The comment could not be posted. Please try again."); })
      .then(function () { button.disabled = false; });
  });
})();
