// Uploads that survive a dropped connection: tus-js-client (loaded just
// before this script) sends each file in resumable pieces, one file at a
// time, and a file picked again after a reload continues where it stopped.
// Without tus-js-client, files go as the form; without this script, the
// browser posts the form and comes back here.
(function () {
  "use strict";
  var form = document.querySelector("form.up");
  if (!form || !window.FormData || !window.XMLHttpRequest) {
    return;
  }
  var tus = window.tus && window.tus.isSupported ? window.tus : null;
  var input = form.querySelector("input[type=file]");
  var max = Number(form.dataset.max) || 0; // bytes; 0: no limit
  var list = form.querySelector("ul");
  var jobs = [];
  var running = null;
  var canDrop = "ondrop" in window && window.matchMedia && matchMedia("(pointer: fine)").matches;

  form.querySelector("button").hidden = true;
  form.querySelector(".how").textContent = canDrop ? "Drop files or folders here, or choose them:" : "Choose files to send:";
  if (tus && "webkitdirectory" in input) {
    var pick = document.createElement("input");
    pick.type = "file";
    pick.webkitdirectory = true;
    pick.hidden = true;
    var folderBtn = document.createElement("button");
    folderBtn.type = "button";
    folderBtn.className = "btn ul";
    folderBtn.textContent = "Choose a folder";
    folderBtn.addEventListener("click", function () { pick.click(); });
    pick.addEventListener("change", function () {
      add([].map.call(pick.files, function (f) { return { file: f, path: f.webkitRelativePath }; }));
      pick.value = "";
    });
    form.querySelector("p").append(" ", folderBtn, pick);
  }
  var total = document.createElement("div");
  total.className = "total";
  total.hidden = true;
  var totalBar = document.createElement("progress");
  var totalText = document.createElement("span");
  totalBar.max = 1;
  total.append(totalText, totalBar);
  list.before(total);

  function size(n) {
    var u = ["B", "KiB", "MiB", "GiB", "TiB"], i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return (i ? n.toFixed(n < 10 ? 1 : 0) : n) + " " + u[i];
  }
  function duration(s) {
    if (!isFinite(s)) { return ""; }
    s = Math.ceil(s);
    return s < 60 ? s + " s" : s < 3600 ? Math.floor(s / 60) + " min " + (s % 60) + " s" : Math.floor(s / 3600) + " h " + Math.floor(s % 3600 / 60) + " min";
  }
  function button(text, fn) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn";
    b.textContent = text;
    b.addEventListener("click", fn);
    return b;
  }

  function row(job) {
    var li = document.createElement("li");
    var name = document.createElement("span");
    var state = document.createElement("span");
    var bar = document.createElement("progress");
    name.className = "name";
    state.className = "state";
    name.textContent = job.path || job.file.name;
    state.textContent = "waiting";
    bar.max = 1;
    bar.value = 0;
    job.cancel = button("Cancel", function () { cancel(job); });
    job.retry = button("Retry", function () { retry(job); });
    job.retry.hidden = true;
    li.append(name, state, job.cancel, job.retry, bar);
    list.append(li);
    list.hidden = false;
    job.li = li;
    job.state = state;
    job.bar = bar;
  }

  function say(job, text, cls) {
    job.state.textContent = text;
    job.li.className = cls || "";
  }

  // The overall bar, and whether leaving the page would lose anything.
  function update() {
    var sent = 0, size2 = 0, busy = 0;
    jobs.forEach(function (j) {
      if (j.status === "cancelled") { return; }
      sent += j.sent;
      size2 += j.file.size;
      if (j.status === "waiting" || j.status === "sending" || j.status === "stalled") { busy++; }
    });
    total.hidden = jobs.length < 2;
    totalBar.value = size2 ? sent / size2 : 1;
    totalText.textContent = (busy ? busy + " to go · " : "all done · ") + size(sent) + " of " + size(size2);
  }
  window.addEventListener("beforeunload", function (e) {
    if (running || jobs.some(function (j) { return j.status === "waiting" || j.status === "stalled"; })) {
      e.preventDefault();
      e.returnValue = "";
    }
  });

  // Speed and time left from the last few seconds; "stalled" when nothing
  // has moved for five.
  setInterval(function () {
    var j = running;
    if (!j || j.status === "done") { return; }
    var now = Date.now();
    j.samples.push([now, j.sent]);
    while (j.samples.length > 6) { j.samples.shift(); }
    var first = j.samples[0];
    var rate = now > first[0] ? (j.sent - first[1]) * 1000 / (now - first[0]) : 0;
    if (now - j.moved > 5000) {
      if (j.status === "sending") { j.status = "stalled"; }
      say(j, "stalled at " + size(j.sent) + " of " + size(j.file.size) + " — it goes on when the connection is back", "stall");
    } else if (j.status === "sending") {
      say(j, (j.resumed ? "resumed · " : "") + size(j.sent) + " of " + size(j.file.size) +
        (rate > 0 ? " · " + size(rate) + "/s · " + duration((j.file.size - j.sent) / rate) + " left" : ""));
    }
  }, 1000);

  function finish(job, status, text, cls) {
    job.status = status;
    job.cancel.hidden = true;
    job.retry.hidden = status !== "failed" && status !== "cancelled";
    say(job, text, cls);
    if (running === job) {
      running = null;
      next();
    }
    update();
  }

  function reason(status, body) {
    var doc = new DOMParser().parseFromString(body || "", "text/html");
    var msg = doc.querySelector(".msg") || doc.querySelector("h1");
    var text = msg ? msg.textContent : (body || "").trim();
    return text || "failed (" + status + ")";
  }

  function landed(job, result, name, sum) {
    var text = result === "already there" ? "already there" :
      name && name !== job.file.name ? "saved as " + name : "done";
    // Said on the result too: the "resumed" of the progress line may have
    // been on screen for a moment only.
    if (job.resumed) { text += " · resumed after a break"; }
    finish(job, "done", text + (sum ? " · SHA-256 " + sum : ""), "ok");
    job.bar.value = 1;
  }

  function sendTus(job) {
    var path = job.path || "";
    var up = job.up || new tus.Upload(job.file, {
      endpoint: location.pathname,
      chunkSize: 16 << 20,
      retryDelays: [0, 1000, 3000],
      removeFingerprintOnSuccess: true,
      metadata: { filename: job.file.name, filetype: job.file.type || "", relativePath: path },
      fingerprint: function (file) {
        return Promise.resolve(["shareit", location.pathname, path || file.name, file.size, file.lastModified].join("|"));
      },
      onShouldRetry: function (err) {
        var s = err.originalResponse ? err.originalResponse.getStatus() : 0;
        return !s || s >= 500 && s !== 507 || s === 409 || s === 423;
      },
      onProgress: function (sent) {
        if (sent > job.sent || job.status === "stalled") {
          job.moved = Date.now();
          if (job.status === "stalled") { job.resumed = true; }
          job.status = "sending";
        }
        job.sent = sent;
        job.bar.value = job.file.size ? sent / job.file.size : 1;
        update();
      },
      onSuccess: function (payload) {
        var res = payload && payload.lastResponse;
        var loc = res && res.getHeader("Content-Location") || "";
        var name = loc ? decodeURIComponent(loc.slice(loc.lastIndexOf("/") + 1)) : "";
        job.sent = job.file.size;
        landed(job, res && res.getHeader("Upload-Result"), name, res && res.getHeader("Upload-Sha256"));
      },
      onError: function (err) {
        if (job.status === "cancelled") { return; }
        var res = err.originalResponse;
        var s = res ? res.getStatus() : 0;
        if (s && (s < 500 || s === 507)) { // 507: the disk is full
          finish(job, "failed", reason(s, res.getBody()), "err");
          return;
        }
        // The network or the server is away: wait, then go on from the
        // bytes the server has.
        job.status = "stalled";
        job.moved = 0;
        setTimeout(function () { if (job.status === "stalled") { up.start(); } }, navigator.onLine ? 3000 : 1000);
      }
    });
    job.up = up;
    up.findPreviousUploads().then(function (prev) {
      if (prev.length) {
        up.resumeFromPreviousUpload(prev[0]);
        job.resumed = true;
      }
      up.start();
    });
  }

  // The form's way, for a browser without tus-js-client.
  function sendForm(job) {
    var data = new FormData();
    data.append("file", job.file, job.file.name);
    var xhr = new XMLHttpRequest();
    job.xhr = xhr;
    xhr.open("POST", location.pathname);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = function (e) {
      job.moved = Date.now();
      job.sent = e.loaded * job.file.size / (e.total || 1);
      job.bar.value = e.total ? e.loaded / e.total : 0;
      update();
    };
    xhr.onload = function () {
      if (xhr.status === 200 || xhr.status === 201) {
        var saved = JSON.parse(xhr.responseText)[0] || {};
        job.sent = job.file.size;
        landed(job, saved.result, saved.name, saved.sha256);
      } else {
        finish(job, "failed", reason(xhr.status, xhr.responseText), "err");
      }
    };
    xhr.onerror = function () { finish(job, "failed", "failed: the connection was lost", "err"); };
    xhr.send(data);
  }

  function next() {
    if (running) { return; }
    var job = jobs.find(function (j) { return j.status === "waiting"; });
    if (!job) {
      if (!list.querySelector("li.more")) {
        var li = document.createElement("li");
        li.className = "more";
        var a = document.createElement("a");
        a.className = "btn";
        a.href = location.pathname + location.search;
        a.textContent = "Show the folder";
        li.append(a);
        list.append(li);
      }
      return;
    }
    running = job;
    job.status = "sending";
    job.moved = Date.now();
    job.samples = [];
    say(job, "starting");
    if (tus) {
      sendTus(job);
    } else {
      sendForm(job);
    }
  }

  function cancel(job) {
    job.status = "cancelled"; // before abort: its errors are not failures
    if (job.up) {
      job.up.abort(true); // and the server drops what it has (DELETE)
      job.up = null; // a retry starts afresh
    }
    if (job.xhr) { job.xhr.abort(); }
    finish(job, "cancelled", "cancelled", "err");
  }

  function retry(job) {
    job.status = "waiting";
    job.sent = 0;
    job.resumed = false;
    job.retry.hidden = true;
    job.cancel.hidden = false;
    say(job, "waiting");
    next();
  }

  function add(items) {
    var more = list.querySelector("li.more");
    if (more) { more.remove(); }
    items.forEach(function (it) {
      var job = { file: it.file, path: it.path && it.path !== it.file.name ? it.path : "", sent: 0, status: "waiting", samples: [], moved: 0 };
      row(job);
      jobs.push(job);
      if (it.error) {
        finish(job, "failed", it.error, "err");
        job.retry.hidden = true;
      } else if (max > 0 && job.file.size > max) {
        // Refused before a byte is sent, rather than cut off by the server.
        finish(job, "failed", "too large: this server accepts up to " + form.dataset.limit, "err");
        job.retry.hidden = true;
      } else if (job.path && !tus) {
        finish(job, "failed", "this browser cannot send folders here: choose the files", "err");
        job.retry.hidden = true;
      }
    });
    update();
    next();
  }

  // Dropped folders are read through the entries API; where there is
  // none, a folder arrives as a bogus empty file, which is refused.
  function dropped(dt) {
    var out = [], waiting = 0;
    return new Promise(function (done) {
      function walk(entry, dir) {
        waiting++;
        if (entry.isFile) {
          entry.file(function (f) {
            out.push({ file: f, path: dir ? dir + f.name : "" });
            if (--waiting === 0) { done(out); }
          }, function () { if (--waiting === 0) { done(out); } });
          return;
        }
        var reader = entry.createReader(), all = [];
        (function more() {
          reader.readEntries(function (es) {
            if (es.length) { all = all.concat(es); more(); return; }
            all.forEach(function (e) { walk(e, dir + entry.name + "/"); });
            if (--waiting === 0) { done(out); }
          }, function () { if (--waiting === 0) { done(out); } });
        })();
      }
      var items = dt.items ? [].slice.call(dt.items) : [];
      var entries = items.map(function (it) { return it.webkitGetAsEntry ? it.webkitGetAsEntry() : null; });
      if (!entries.length || entries.some(function (e) { return !e; })) {
        done([].map.call(dt.files, function (f) {
          return !f.type && f.size % 4096 === 0 ? { file: f, error: "folders cannot be dropped in this browser: choose the folder with the button" } : { file: f };
        }));
        return;
      }
      entries.forEach(function (e) { walk(e, ""); });
    });
  }

  function hasFiles(e) {
    return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0;
  }

  input.addEventListener("change", function () {
    add([].map.call(input.files, function (f) { return { file: f }; }));
    input.value = "";
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    add([].map.call(input.files, function (f) { return { file: f }; }));
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
      dropped(e.dataTransfer).then(add);
    }
  });
})();
