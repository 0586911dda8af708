// Uploads with a progress bar per file, one file at a time. Without this
// script the form still works: the browser posts it and comes back here.
(function () {
  "use strict";
  var form = document.querySelector("form.up");
  if (!form || !window.FormData || !window.XMLHttpRequest) {
    return;
  }
  var input = form.querySelector("input[type=file]");
  var max = Number(form.dataset.max) || 0; // bytes; 0: no limit
  var list = form.querySelector("ul");
  var waiting = [];
  var running = false;
  var keep = false; // something to read before the page reloads

  form.querySelector("button").hidden = true;

  function row(file) {
    var li = document.createElement("li");
    var name = document.createElement("span");
    var state = document.createElement("span");
    var bar = document.createElement("progress");
    name.textContent = file.name;
    state.textContent = "waiting";
    bar.max = 1;
    bar.value = 0;
    li.append(name, state, bar);
    list.append(li);
    list.hidden = false;
    return { li: li, state: state, bar: bar };
  }

  function failed(r, text) {
    r.li.className = "err";
    r.state.textContent = text;
    keep = true;
  }

  function reason(xhr) {
    var doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
    var msg = doc.querySelector(".msg") || doc.querySelector("h1");
    return msg ? msg.textContent : "failed (" + xhr.status + ")";
  }

  function next() {
    var job = waiting.shift();
    if (!job) {
      running = false;
      if (keep) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = location.pathname + location.search;
        a.textContent = "Show the folder";
        li.append(a);
        list.append(li);
      } else {
        location.reload();
      }
      return;
    }
    running = true;
    var r = job.row;
    if (max > 0 && job.file.size > max) {
      // Refused before a byte is sent, rather than cut off by the server.
      failed(r, "too large: this server accepts up to " + form.dataset.limit);
      next();
      return;
    }
    var data = new FormData();
    data.append("file", job.file, job.file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", location.pathname);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable && e.total > 0) {
        r.bar.value = e.loaded / e.total;
        r.state.textContent = Math.floor(100 * e.loaded / e.total) + "%";
      }
    };
    xhr.onload = function () {
      if (xhr.status === 201) {
        var saved = JSON.parse(xhr.responseText)[0] || {};
        r.bar.value = 1;
        r.state.textContent = "done";
        if (saved.name && saved.name !== job.file.name) {
          r.state.textContent = "saved as " + saved.name;
          keep = true;
        }
      } else {
        failed(r, reason(xhr));
      }
      next();
    };
    xhr.onerror = function () {
      failed(r, "failed: the connection was lost");
      next();
    };
    xhr.send(data);
  }

  function add(files) {
    for (var i = 0; i < files.length; i++) {
      waiting.push({ file: files[i], row: row(files[i]) });
    }
    if (!running) {
      next();
    }
  }

  function hasFiles(e) {
    return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0;
  }

  input.addEventListener("change", function () {
    add(input.files);
    input.value = "";
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    add(input.files);
    input.value = "";
  });
  ["dragenter", "dragover"].forEach(function (type) {
    document.addEventListener(type, function (e) {
      if (hasFiles(e)) {
        e.preventDefault();
        form.classList.add("drag");
      }
    });
  });
  document.addEventListener("dragleave", function (e) {
    if (!e.relatedTarget) {
      form.classList.remove("drag");
    }
  });
  document.addEventListener("drop", function (e) {
    if (hasFiles(e)) {
      e.preventDefault();
      form.classList.remove("drag");
      add(e.dataTransfer.files);
    }
  });
})();
