(function () {
  // Ask whether this device may come in; reload once it may (or was
  // refused: the reload shows why), stop once nobody answered in time.
  var msg = document.querySelector("p.msg");
  function poll() {
    fetch("/~ask", { cache: "no-store", credentials: "same-origin" }).then(function (r) {
      if (r.status !== 200) { location.reload(); return; }
      return r.json().then(function (j) {
        if (j.state === "allowed") { location.reload(); return; }
        if (j.state === "expired") {
          document.querySelector("h1").textContent = "Nobody answered";
          msg.textContent = "Nobody at the sharing computer answered in time. Reload this page to ask again.";
          document.title = "Nobody answered";
          return;
        }
        setTimeout(poll, 1500);
      });
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
