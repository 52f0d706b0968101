// The console's one stylesheet and its one script, served from memory.

/// The stylesheet and the script every page links.
enum ConsoleAssets {
    /// System fonts, high contrast, tables that scroll on narrow screens.
    static let stylesheet = """
        :root { color-scheme: light; --ink: #1a1a1a; --muted: #4a4a4a; --line: #c8c8c8; --accent: #0b4f9c; --bad: #a4001d; --ok: #0a6b2d; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
        header { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .6rem 1.2rem; background: #10243e; color: #fff; }
        header a { color: #fff; }
        header nav { display: flex; gap: 1rem; flex: 1; }
        header form { margin: 0; }
        main { padding: 1rem 1.2rem 3rem; max-width: 1400px; }
        h1 { font-size: 1.4rem; margin: .4rem 0 1rem; }
        h2 { font-size: 1.1rem; margin: 1.6rem 0 .5rem; }
        a { color: var(--accent); }
        a:focus, button:focus, input:focus, select:focus { outline: 3px solid #f2a900; outline-offset: 1px; }
        table { border-collapse: collapse; width: 100%; margin: .3rem 0 1rem; font-variant-numeric: tabular-nums; }
        .scroll { overflow-x: auto; }
        th, td { border-bottom: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
        th { background: #eef1f5; font-weight: 600; }
        td.n, th.n { text-align: right; }
        pre { background: #f4f5f7; border: 1px solid var(--line); padding: .6rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
        .notice { border-left: 4px solid var(--accent); background: #eef4fb; padding: .5rem .8rem; margin: .6rem 0; }
        .problem { border-left: 4px solid var(--bad); background: #fbeef0; padding: .5rem .8rem; margin: .6rem 0; }
        .ok { color: var(--ok); }
        .bad { color: var(--bad); }
        .muted { color: var(--muted); }
        form.inline { display: inline; }
        label { display: inline-block; margin: 0 .4rem .3rem 0; }
        input, select, button { font: inherit; padding: .25rem .5rem; }
        button { background: var(--accent); color: #fff; border: 1px solid var(--accent); border-radius: 3px; cursor: pointer; }
        button.danger { background: var(--bad); border-color: var(--bad); }
        button.plain { background: transparent; color: #fff; border-color: #fff; }
        .filters { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; margin-bottom: 1rem; }
        .filters label { display: flex; flex-direction: column; font-size: .9rem; }
        svg.spark { width: 120px; height: 24px; stroke: var(--accent); fill: none; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
        dt { font-weight: 600; }
        dd { margin: 0; }
        """

    /// Follows an object's Server-Sent Events: each update is added to the history table and a
    /// status update changes the status shown, without reloading the page.
    static let script = """
        "use strict";
        (function () {
          var live = document.querySelector("[data-live-url]");
          if (!live || !window.EventSource) { return; }
          var rows = document.getElementById("history-rows");
          var status = document.getElementById("object-status");
          var state = document.getElementById("live-state");
          var source = new EventSource(live.getAttribute("data-live-url"));
          function add(kind, event) {
            var row = document.createElement("tr");
            [event.lastEventId, kind, new Date().toISOString(), event.data].forEach(function (text) {
              var cell = document.createElement("td");
              cell.textContent = text;
              row.appendChild(cell);
            });
            rows.appendChild(row);
          }
          ["status", "progress", "build_event"].forEach(function (kind) {
            source.addEventListener(kind, function (event) {
              add(kind, event);
              if (kind === "status") {
                try { status.textContent = JSON.parse(event.data).status || status.textContent; } catch (ignored) {}
              }
            });
          });
          source.addEventListener("end", function () { state.textContent = "Finished: nothing more will change."; source.close(); });
          source.addEventListener("revoked", function () { state.textContent = "Live updates ended: signed out."; source.close(); });
          source.onopen = function () { state.textContent = "Following live updates."; };
          source.onerror = function () {
            if (source.readyState === EventSource.CLOSED) { state.textContent = "Live updates ended."; }
            else { state.textContent = "Reconnecting to live updates…"; }
          };
        })();
        """
}
