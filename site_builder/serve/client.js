(function () {
  "use strict";
  var script = document.currentScript;
  var known = script && script.getAttribute("data-generation");
  var secure = location.protocol === "https:";
  var port = location.port || (secure ? "443" : "80");
  var lr = document.createElement("script");
  lr.src = "/livereload.js?host=" + location.hostname + "&port=" + port;
  document.head.appendChild(lr);

  var overlay = null;
  var STYLE = "<style>:host{all:initial}:host([hidden]){display:none}" +
    "section{position:fixed;inset:0 0 auto 0;z-index:2147483647;max-height:70vh;overflow:auto;" +
    "margin:0;padding:1rem 1.5rem;background:#2b0b0b;color:#fff;font:15px/1.5 system-ui,sans-serif;" +
    "box-shadow:0 4px 24px rgba(0,0,0,.5)}h2{margin:0 0 .25rem;font-size:1.2rem;color:#ff8a80}" +
    "header{display:flex;justify-content:space-between;align-items:center}" +
    "button{font:inherit;color:#fff;background:#5c1a1a;border:1px solid #ff8a80;border-radius:4px;padding:.2rem .7rem}" +
    "li{margin:.5rem 0}code{font:14px/1.4 ui-monospace,monospace;color:#ffd180}.hint{color:#ccc}</style>";

  function show(problems) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "site-builder-overlay";
      var root = overlay.attachShadow({mode: "open"});
      root.innerHTML = STYLE + '<section role="alert"><header><h2>Build failed</h2>' +
        '<button type="button">Hide</button></header><p>Showing the last good build. ' +
        'Fix the file and save: this page recovers by itself.</p><ol></ol></section>';
      root.querySelector("button").addEventListener("click", function () { overlay.hidden = true; });
      document.documentElement.appendChild(overlay);
    }
    var list = overlay.shadowRoot.querySelector("ol");
    list.textContent = "";
    problems.forEach(function (p) {
      var item = document.createElement("li");
      var where = document.createElement("code");
      where.textContent = p.path + (p.line ? ":" + p.line : "");
      item.appendChild(where);
      item.appendChild(document.createTextNode(" " + p.message));
      if (p.hint) {
        var hint = document.createElement("div");
        hint.className = "hint";
        hint.textContent = p.hint;
        item.appendChild(hint);
      }
      list.appendChild(item);
    });
    overlay.hidden = false;
  }

  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function connect(delay) {
    var socket = new WebSocket((secure ? "wss://" : "ws://") + location.host + "/__site_builder/status");
    var fresh = true;
    socket.onmessage = function (event) {
      var state = JSON.parse(event.data);
      var generation = String(state.generation);
      // A page still loading when a reload went out missed it: the generation tells.
      if (known !== null && generation !== known && (fresh || !state.styles)) { location.reload(); return; }
      fresh = false;
      known = generation;
      delay = 250;
      if (state.problems.length) { show(state.problems); } else { hide(); }
    };
    socket.onclose = function () {
      setTimeout(function () { connect(Math.min(delay * 2, 4000)); }, delay);
    };
  }
  connect(250);
})();
