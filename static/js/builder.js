/* Agenda builder: drag a session onto a room and time.
 *
 * Progressive enhancement only: every session already has a Move form that
 * works without this script (and by keyboard). The script adds drop cells to
 * the grid (one per room and 15-minute row, carrying data-room-id and
 * data-time) and posts the same Move form with fetch, asking for JSON.
 */
(function () {
  "use strict";

  var grid = document.querySelector(".builder-grid");
  if (!grid || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var live = document.getElementById("builder-live");
  var rows = parseInt(grid.dataset.rows, 10);
  var step = parseInt(grid.dataset.step, 10);
  var startParts = grid.dataset.start.split(":");
  var startMinutes = parseInt(startParts[0], 10) * 60 + parseInt(startParts[1], 10);
  var dragged = null;
  var busy = false;

  function clock(minutes) {
    var hours = Math.floor(minutes / 60);
    var rest = minutes % 60;
    return (hours < 10 ? "0" : "") + hours + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function say(message, isError) {
    if (live) {
      live.classList.toggle("is-error", Boolean(isError));
      live.textContent = message;
    }
  }

  // Drop cells: only columns of real rooms (not "no room").
  var cells = document.createDocumentFragment();
  Array.prototype.forEach.call(grid.querySelectorAll(".builder-room-head"), function (head) {
    var roomId = head.dataset.roomId;
    if (!roomId) {
      return;
    }
    for (var row = 0; row < rows; row += 1) {
      var cell = document.createElement("div");
      cell.className = "builder-cell";
      cell.setAttribute("aria-hidden", "true");
      cell.dataset.roomId = roomId;
      cell.dataset.time = clock(startMinutes + row * step);
      cell.style.gridColumn = head.dataset.col;
      cell.style.gridRow = String(row + 2);
      cells.appendChild(cell);
    }
  });
  grid.appendChild(cells);

  function move(block, roomId, time) {
    var form = block.querySelector("form.builder-move-form");
    if (!form || busy) {
      return;
    }
    var body = new URLSearchParams();
    body.set("csrf_token", form.elements.csrf_token.value);
    body.set("version", block.dataset.version);
    // A session that takes every room keeps doing so; only its time changes.
    body.set("room", block.dataset.spans === "1" ? "all" : roomId);
    body.set("day", grid.dataset.day);
    body.set("start", time);
    busy = true;
    block.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        if (answer.ok) {
          history.replaceState(null, "", "#session-" + answer.session.id);
          window.location.reload();
          return;
        }
        busy = false;
        block.removeAttribute("aria-busy");
        say(answer.error, true);
      })
      .catch(function () {
        busy = false;
        block.removeAttribute("aria-busy");
        say(grid.dataset.failed, true);
      });
  }

  function clearTarget() {
    Array.prototype.forEach.call(grid.querySelectorAll(".builder-cell.is-target"), function (cell) {
      cell.classList.remove("is-target");
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll(".builder-session[draggable]"), function (block) {
    // Dragging the title drags the block, not the link's address.
    Array.prototype.forEach.call(block.querySelectorAll("a"), function (link) {
      link.draggable = false;
    });
    // Typing in an open Move form must not start a drag.
    var details = block.querySelector("details");
    if (details) {
      details.addEventListener("toggle", function () {
        block.draggable = !details.open;
      });
    }
    block.addEventListener("dragstart", function (event) {
      if (!block.draggable) {
        return;
      }
      dragged = block;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", block.dataset.sessionId);
      block.classList.add("is-dragged");
      // Let the cells under the blocks receive the drop (after the drag began).
      window.setTimeout(function () {
        grid.classList.add("is-dragging");
      }, 0);
    });
    block.addEventListener("dragend", function () {
      dragged = null;
      block.classList.remove("is-dragged");
      grid.classList.remove("is-dragging");
      clearTarget();
    });
  });

  grid.addEventListener("dragover", function (event) {
    var cell = event.target.closest ? event.target.closest(".builder-cell") : null;
    if (!dragged || !cell) {
      return;
    }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!cell.classList.contains("is-target")) {
      clearTarget();
      cell.classList.add("is-target");
    }
  });

  grid.addEventListener("dragleave", function (event) {
    if (event.target.classList && event.target.classList.contains("builder-cell")) {
      event.target.classList.remove("is-target");
    }
  });

  grid.addEventListener("drop", function (event) {
    var cell = event.target.closest ? event.target.closest(".builder-cell") : null;
    if (!dragged || !cell) {
      return;
    }
    event.preventDefault();
    var block = dragged;
    clearTarget();
    say(grid.dataset.moving);
    move(block, cell.dataset.roomId, cell.dataset.time);
  });
})();
