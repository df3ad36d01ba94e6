/* 明镜 — the live meeting record: autosave, a local journal, keyboard shortcuts. No dependencies
   beyond the vendored htmx (for adding and removing rows).

   Every edit is written at once to a journal in localStorage, keyed by the record, then posted
   (after 1.5 s without typing, on change, on leaving the field, on Ctrl+S). A field leaves the
   journal only when the server confirms the very value typed, so closing the browser, a dropped
   network or a refused value loses nothing: on the next load the journal is put back into the
   page and saved again. */
(function () {
  "use strict";
  var root = document.getElementById("minutes-live");
  if (!root) return;
  var saveUrl = root.dataset.saveUrl;
  var csrf = root.dataset.csrf;
  var journalKey = "mingjing:minutes:" + root.dataset.record;
  var statusEl = document.getElementById("save-status");
  var quorumEl = document.getElementById("quorum");
  var DEBOUNCE_MS = 1500, RETRY_MS = 5000;
  var pending = new Map(); // container element -> true
  var timer = null, busy = false, retryTimer = null;

  function readJournal() {
    try { return JSON.parse(localStorage.getItem(journalKey) || "{}"); } catch (e) { return {}; }
  }
  function writeJournal(j) {
    try {
      if (Object.keys(j).length) localStorage.setItem(journalKey, JSON.stringify(j));
      else localStorage.removeItem(journalKey);
    } catch (e) { /* storage full or disabled: the server copy is all we have */ }
  }
  function containerOf(el) { return el.closest("[data-kind]"); }
  function kindOf(c) { return c.dataset.kind; }
  function isField(el) { return el && el.name && containerOf(el) && /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName); }
  function valueOf(el) { return el.type === "checkbox" ? (el.checked ? "on" : "") : el.value; }
  function setValue(el, v) { if (el.type === "checkbox") el.checked = v === "on"; else el.value = v; }
  function fieldKey(el) {
    var c = containerOf(el);
    return kindOf(c) + ":" + (c.dataset.id || "") + ":" + el.name;
  }
  // The unit saved together: one field of the record, or all fields of one row.
  function unitOf(el) { return kindOf(containerOf(el)) === "record" ? el : containerOf(el); }
  function fieldsOf(unit) {
    if (unit.name) return [unit];
    return Array.prototype.filter.call(unit.querySelectorAll("[name]"), function (el) {
      return containerOf(el) === unit;
    });
  }
  function show(text, state) {
    statusEl.textContent = text;
    statusEl.className = "save-status " + (state || "");
  }
  function now() { return new Date().toTimeString().slice(0, 8); }

  function remember(el) {
    var j = readJournal();
    j[fieldKey(el)] = valueOf(el);
    writeJournal(j);
  }
  function schedule(unit, delay) {
    pending.set(unit, true);
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
  }

  function post(unit) {
    var c = unit.name ? containerOf(unit) : unit;
    var body = new FormData();
    var sent = {};
    body.append("kind", kindOf(c));
    if (c.dataset.id) body.append("id", c.dataset.id);
    fieldsOf(unit).forEach(function (el) { body.append(el.name, valueOf(el)); sent[fieldKey(el)] = valueOf(el); });
    return fetch(saveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data, sent: sent, unit: unit, container: c };
      });
    });
  }

  function markInvalid(container, fields) {
    fieldsOf(container.name ? container : container).forEach(function (el) {
      if (fields.indexOf(el.name) >= 0) el.setAttribute("aria-invalid", "true");
      else el.removeAttribute("aria-invalid");
    });
  }

  function settle(result) {
    var j = readJournal();
    var data = result.data;
    if (result.status === 200 && data.ok) {
      Object.keys(result.sent).forEach(function (k) { if (j[k] === result.sent[k]) delete j[k]; });
      writeJournal(j);
      fieldsOf(result.unit).forEach(function (el) { el.removeAttribute("aria-invalid"); });
      if (quorumEl && data.quorum) quorumEl.textContent = data.quorum;
      if (data.warning !== undefined) {
        var w = result.container.querySelector("[data-warning]");
        if (w) { w.hidden = !data.warning; w.textContent = data.warning ? "⚠ " + data.warning + "（不影响保存）" : ""; }
      }
      document.body.dispatchEvent(new CustomEvent("minutes-saved", { bubbles: true }));
      return { ok: true, time: data.saved_at || now() };
    }
    if (result.status === 400 && data.gone) {
      Object.keys(result.sent).forEach(function (k) { delete j[k]; });
      writeJournal(j);
      return { ok: true, time: now() };
    }
    if (result.status === 400) {
      markInvalid(result.unit, data.fields || []);
      return { refused: data.message || "填写有误" };
    }
    if (result.status === 403 || result.status === 404) return { refused: "无权保存或记录已不存在（" + result.status + "），修改已暂存在本机" };
    return { failed: true };
  }

  var inFlight = Promise.resolve();
  function flush() {
    clearTimeout(timer);
    // A save is running: wait for it (it picks up what is pending when it ends).
    if (busy) return inFlight.then(function () { return pending.size ? flush() : undefined; });
    if (!pending.size) return Promise.resolve();
    busy = true;
    var units = Array.from(pending.keys());
    pending.clear();
    show("正在保存…", "saving");
    var lastOk = null, refused = null, failed = false;
    var chain = Promise.resolve();
    units.forEach(function (unit) {
      chain = chain.then(function () {
        if (!unit.isConnected) return;
        return post(unit).then(function (r) {
          var s = settle(r);
          if (s.ok) lastOk = s.time;
          if (s.refused) refused = s.refused;
          if (s.failed) { failed = true; pending.set(unit, true); }
        }, function () { failed = true; pending.set(unit, true); });
      });
    });
    inFlight = chain.then(function () {
      busy = false;
      if (failed) {
        show("保存失败，已暂存在本机" + (lastOk ? "（" + lastOk + " 之前的修改已保存）" : "") + "，稍后自动重试", "failed");
        clearTimeout(retryTimer);
        retryTimer = setTimeout(flush, RETRY_MS);
      } else if (refused) {
        show("未保存：" + refused, "refused");
      } else if (lastOk) {
        show("已保存 " + lastOk, "saved");
      }
      if (pending.size && !failed) return flush();
    });
    return inFlight;
  }

  document.addEventListener("input", function (e) {
    if (!isField(e.target) || !root.contains(e.target)) return;
    remember(e.target);
    show("有未保存的修改", "dirty");
    schedule(unitOf(e.target), DEBOUNCE_MS);
  });
  document.addEventListener("change", function (e) {
    if (!isField(e.target) || !root.contains(e.target)) return;
    remember(e.target);
    schedule(unitOf(e.target), 0);
  });
  document.addEventListener("focusout", function (e) {
    if (isField(e.target) && pending.size) flush();
  });
  document.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && (e.key === "s" || e.key === "S")) {
      e.preventDefault();
      if (document.activeElement && isField(document.activeElement)) {
        remember(document.activeElement);
        pending.set(unitOf(document.activeElement), true);
      }
      flush();
    } else if ((e.ctrlKey || e.metaKey) && e.key === "Enter") {
      var scope = e.target.closest && e.target.closest("[data-add-scope]");
      var add = scope && scope.querySelector("[data-add]");
      if (add) { e.preventDefault(); add.click(); }
    }
  });
  // Finalising waits for the last saves, so the record is finalised with everything typed.
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form.hasAttribute("data-flush-first") || form.dataset.flushed) return;
    e.preventDefault();
    if (document.activeElement && isField(document.activeElement)) pending.set(unitOf(document.activeElement), true);
    flush().then(function () {
      if (Object.keys(readJournal()).length) { show("有修改尚未保存，请处理后再定稿", "refused"); return; }
      form.dataset.flushed = "1";
      form.submit();
    });
  });
  // A closing tab: hand the pending saves to the browser, which sends them even as the page goes.
  window.addEventListener("pagehide", function () {
    pending.forEach(function (_, unit) {
      var c = unit.name ? containerOf(unit) : unit;
      var body = new FormData();
      body.append("csrfmiddlewaretoken", csrf);
      body.append("kind", kindOf(c));
      if (c.dataset.id) body.append("id", c.dataset.id);
      fieldsOf(unit).forEach(function (el) { body.append(el.name, valueOf(el)); });
      if (navigator.sendBeacon) navigator.sendBeacon(saveUrl, body);
    });
  });
  // New rows (htmx): put the cursor in the first field of the row just added.
  document.body.addEventListener("htmx:afterSettle", function (e) {
    var target = e.detail && e.detail.target;
    var focus = document.querySelector("[data-focus]");
    if (focus) { focus.removeAttribute("data-focus"); focus.focus(); return; }
    if (e.detail && e.detail.target && e.detail.target.matches("tbody")) {
      var rows = e.detail.target.querySelectorAll("tr[data-kind]");
      var last = rows[rows.length - 1];
      var first = last && last.querySelector("select, input, textarea");
      if (first) first.focus();
    }
    // A row added or removed changes the counts (the figures' own refresh does not).
    if (target && target.id !== "stats") document.body.dispatchEvent(new CustomEvent("minutes-saved", { bubbles: true }));
  });
  document.body.addEventListener("htmx:responseError", function (e) {
    show("未完成：" + (e.detail.xhr && e.detail.xhr.responseText ? e.detail.xhr.responseText.slice(0, 200) : "请稍后再试"), "refused");
  });
  document.body.addEventListener("htmx:sendError", function () {
    show("网络中断：新增或删除行未完成，已填写的内容已暂存在本机", "failed");
  });

  // Replay what the journal holds (typed before the browser closed, or refused, or never sent).
  (function replay() {
    var j = readJournal(), restored = 0, changed = false;
    Object.keys(j).forEach(function (key) {
      var parts = key.split(":");
      var selector = parts[0] === "record"
        ? '[data-kind="record"] [name="' + parts[2] + '"]'
        : '[data-kind="' + parts[0] + '"][data-id="' + parts[1] + '"] [name="' + parts[2] + '"]';
      var el = Array.prototype.find.call(document.querySelectorAll(selector), function (x) {
        return parts[0] === "record" ? kindOf(containerOf(x)) === "record" : containerOf(x).dataset.id === parts[1];
      });
      if (!el) { delete j[key]; changed = true; return; }
      if (valueOf(el) !== j[key]) { setValue(el, j[key]); restored += 1; }
      pending.set(unitOf(el), true);
    });
    if (changed) writeJournal(j);
    if (pending.size) {
      show(restored ? "已恢复本机暂存的" + restored + "处修改，正在保存…" : "正在保存本机暂存的修改…", "dirty");
      flush();
    } else {
      show("所有修改均已保存", "saved");
    }
  })();
})();
