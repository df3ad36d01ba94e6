// The material editor: autosave every few seconds, a localStorage backup of every keystroke,
// and conflicts shown (never overwritten): the server keeps a refused text as a conflict version.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form) return;
  var textarea = form.querySelector("textarea[name=text]");
  var baseVersion = form.querySelector("input[name=base_version]");
  var baseRevision = form.querySelector("input[name=base_revision]");
  var statusEl = document.getElementById("save-status");
  var key = form.dataset.storageKey;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var INTERVAL_MS = 3000;
  var lastSaved = textarea.value;
  var inFlight = false;
  var paused = false;
  var conflict = null;
  var NUMERALS = "一二三四五六七八九十";

  function cn(n) {
    if (n <= 10) return NUMERALS[n - 1];
    if (n < 20) return "十" + NUMERALS[n - 11];
    return String(n);
  }
  function setStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.classList.toggle("error", !!isError);
  }
  function backup() {
    try {
      localStorage.setItem(key, JSON.stringify({ text: textarea.value, base: baseVersion.value, at: Date.now() }));
    } catch (e) { /* private mode or full storage: the server copy still counts */ }
  }
  function clearBackup() {
    try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
  }
  function hhmm(ms) {
    var d = new Date(ms);
    return (d.getMonth() + 1) + "月" + d.getDate() + "日 " + String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }

  // A text typed here but never saved (browser closed, network down) is offered back.
  try {
    var kept = JSON.parse(localStorage.getItem(key) || "null");
    if (kept && kept.text && kept.text.trim() && kept.text !== textarea.value) {
      var banner = document.getElementById("restore-banner");
      document.getElementById("restore-time").textContent = hhmm(kept.at);
      banner.hidden = false;
      document.getElementById("restore-yes").addEventListener("click", function () {
        textarea.value = kept.text;
        banner.hidden = true;
        setStatus("已恢复本浏览器中的文本，正在保存…");
        save(false);
      });
      document.getElementById("restore-no").addEventListener("click", function () {
        clearBackup();
        banner.hidden = true;
      });
    }
  } catch (e) { /* unreadable backup: ignore */ }

  function showConflict(data) {
    conflict = data;
    paused = true;
    document.getElementById("conflict-message").textContent = data.message;
    document.getElementById("conflict-compare").href = data.compare_url;
    document.getElementById("conflict-banner").hidden = false;
    setStatus("未保存：他人已保存新版本", true);
  }
  function resolve(loadLatest) {
    if (!conflict) return;
    baseVersion.value = conflict.version;
    baseRevision.value = conflict.revision;
    if (loadLatest) {
      textarea.value = conflict.current_text;
      lastSaved = conflict.current_text;
      clearBackup();
      setStatus("已载入第" + conflict.version + "版；您的文本保留为第" + conflict.conflict_version + "版（冲突稿）");
    }
    conflict = null;
    paused = false;
    document.getElementById("conflict-banner").hidden = true;
    if (!loadLatest) save(false);
  }
  document.getElementById("conflict-load").addEventListener("click", function () { resolve(true); });
  document.getElementById("conflict-keep").addEventListener("click", function () { resolve(false); });

  function save(auto) {
    if (inFlight || paused) return;
    var text = textarea.value;
    if (auto && text === lastSaved) return;
    inFlight = true;
    var body = new FormData(form);
    body.set("text", text);
    body.set("autosave", auto ? "1" : "0");
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf },
    })
      .then(function (resp) {
        return resp.json().catch(function () {
          return { ok: false, message: resp.status === 403 ? "您没有修改此材料的权限" : "保存失败（" + resp.status + "）" };
        });
      })
      .then(function (data) {
        if (data.ok) {
          baseVersion.value = data.version;
          baseRevision.value = data.revision;
          lastSaved = text;
          if (textarea.value === text) clearBackup();
          setStatus((auto ? "已自动保存 " : "已保存 ") + data.saved_at + "（第" + data.version + "版）");
        } else if (data.conflict) {
          showConflict(data);
        } else {
          setStatus(data.message || "保存失败", true);
        }
      })
      .catch(function () {
        setStatus("网络中断：文本已保存在本浏览器中，恢复连接后会自动保存", true);
      })
      .finally(function () { inFlight = false; });
  }

  textarea.addEventListener("input", function () {
    backup();
    if (!paused) setStatus("有未保存的修改…");
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    save(false);
  });
  window.setInterval(function () { save(true); }, INTERVAL_MS);
  window.addEventListener("beforeunload", function (event) {
    if (textarea.value !== lastSaved) {
      backup();
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Toolbar: put a heading number or a phrase at the start of the current line.
  function lineStart(value, pos) { return value.lastIndexOf("\n", pos - 1) + 1; }
  function nextNumber(level, before) {
    var lines = before.split("\n");
    var count = 0;
    for (var i = lines.length - 1; i >= 0; i--) {
      var line = lines[i].trim();
      var h1 = /^[一二三四五六七八九十]+、/.test(line);
      var h2 = /^[（(][一二三四五六七八九十]+[）)]/.test(line);
      var item = /^[一二三四五六七八九十]+是/.test(line);
      if (level === "h1" && h1) count++;
      if (level === "h2") { if (h1) break; if (h2) count++; }
      if (level === "item") { if (h1 || h2) break; if (item) count++; }
    }
    return cn(count + 1);
  }
  form.querySelectorAll("[data-prefix]").forEach(function (button) {
    button.addEventListener("click", function () {
      var kind = button.dataset.prefix;
      var value = textarea.value;
      var start = lineStart(value, textarea.selectionStart);
      var prefix;
      if (kind === "example") {
        prefix = null;
      } else {
        var n = nextNumber(kind, value.slice(0, start));
        prefix = kind === "h1" ? n + "、" : kind === "h2" ? "（" + n + "）" : n + "是";
      }
      if (prefix === null) {
        var pos = textarea.selectionStart;
        textarea.value = value.slice(0, pos) + "比如，" + value.slice(textarea.selectionEnd);
        textarea.selectionStart = textarea.selectionEnd = pos + 3;
      } else {
        textarea.value = value.slice(0, start) + prefix + value.slice(start);
        textarea.selectionStart = textarea.selectionEnd = start + prefix.length;
      }
      textarea.focus();
      textarea.dispatchEvent(new Event("input"));
    });
  });
})();
