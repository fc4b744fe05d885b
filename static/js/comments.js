// Progressive enhancement for the comment form: "Reply" moves the form under the comment
// instead of reloading the page (without JavaScript, ?replytocom=ID does the same job).
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  var form = document.getElementById("commentform");
  if (!respond || !form) return;
  var home = document.createElement("div");
  home.id = "respond-home";
  respond.parentNode.insertBefore(home, respond);
  var parentInput = form.querySelector("input[name=parent]");
  var cancel = document.getElementById("cancel-comment-reply-link");
  var heading = respond.querySelector("[data-reply-heading]");
  var defaultHeading = heading ? heading.textContent : "";

  function moveTo(commentId, author) {
    var comment = document.getElementById("comment-" + commentId);
    if (!comment) return false;
    var body = comment.querySelector(".comment-body");
    (body || comment).insertAdjacentElement("afterend", respond);
    parentInput.value = commentId;
    if (heading) heading.textContent = respond.dataset.replyLabel + " " + author;
    cancel.hidden = false;
    var first = form.querySelector("textarea, input:not([type=hidden])");
    if (first) first.focus();
    return true;
  }

  function reset() {
    home.parentNode.insertBefore(respond, home.nextSibling);
    parentInput.value = "";
    if (heading) heading.textContent = defaultHeading;
    cancel.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".comment-reply-link");
    if (link && moveTo(link.dataset.commentId, link.dataset.author)) {
      event.preventDefault();
    }
  });
  cancel.addEventListener("click", function (event) {
    event.preventDefault();
    reset();
    form.querySelector("textarea").focus();
  });
})();
