// Copy: the clipboard API where the page is secure (HTTPS, localhost),
// else a selection and execCommand, which plain HTTP on a LAN still allows.
document.querySelectorAll(".copy").forEach(function (b) {
  b.addEventListener("click", function () {
    var pre = b.previousElementSibling, text = pre.textContent;
    function done() { b.textContent = "Copied"; }
    function old() {
      var t = document.createElement("textarea");
      t.value = text;
      document.body.appendChild(t);
      t.select();
      document.execCommand("copy");
      t.remove();
      done();
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, old);
    } else {
      old();
    }
  });
});
