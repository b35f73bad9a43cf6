// The results-day grid: Enter and the arrow keys move between students, and a column pasted
// from a spreadsheet fills the cell and the ones below. Each filled cell fires "change", so
// htmx checks and saves it on its own. The grid works without this file (Tab and "Save all").
(function () {
  "use strict";

  function inputs(from) {
    var table = from.closest("table.results-grid");
    return table ? Array.prototype.slice.call(table.querySelectorAll("input.grid-input")) : [];
  }

  // Cells are swapped by htmx after each save, so look them up when needed, never cache them.
  function move(input, step) {
    var all = inputs(input);
    var next = all[all.indexOf(input) + step];
    if (next) {
      next.focus();
      next.select();
    } else if (input.value !== input.defaultValue) {
      changed(input); // Enter on the last student saves without leaving the cell
    }
  }

  function changed(input) {
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // A column from Excel or Sheets: lines split by \r\n or \n, perhaps with a trailing line
  // break and tabs (when more than one column was copied: only the first is used).
  function pastedColumn(text) {
    var lines = text.replace(/\r\n?/g, "\n").split("\n");
    while (lines.length && lines[lines.length - 1].trim() === "") { lines.pop(); }
    return lines.map(function (line) { return line.split("\t")[0].trim(); });
  }

  function same(a, b) {
    return a.replace(/\s+/g, "").toUpperCase() === b.replace(/\s+/g, "").toUpperCase();
  }

  // A saved cell comes back from the server and replaces the old one. If the person went on
  // typing in it meanwhile (after a paste, or Enter on the last row), keep what they typed,
  // where the caret was, and send it too: nothing typed is ever overwritten.
  var typing = {}; // input id -> its state when its cell's response arrived
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var input = target && target.querySelector ? target.querySelector("input.grid-input") : null;
    if (!input) { return; }
    typing[input.id] = {
      value: input.value,
      focused: document.activeElement === input,
      start: input.selectionStart,
      end: input.selectionEnd
    };
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var input = event.target.querySelector ? event.target.querySelector("input.grid-input") : null;
    var was = input && typing[input.id];
    if (!was) { return; }
    delete typing[input.id];
    var edited = !same(was.value, input.value);
    if (edited) { input.value = was.value; }
    if (was.focused) {
      input.focus();
      input.setSelectionRange(was.start, was.end);
    }
    // A cell refused because someone else saved a grade meanwhile waits for the person to
    // read both grades and choose: what they typed since is kept, not sent.
    if (edited && !input.closest(".has-conflict")) { changed(input); }
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.classList.contains("grid-input")) { return; }
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    if (event.key === "Enter" || event.key === "ArrowDown") {
      event.preventDefault(); // Enter would otherwise submit the whole grid
      move(input, 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      move(input, -1);
    }
  });

  document.addEventListener("paste", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.classList.contains("grid-input")) { return; }
    var text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
    if (!/[\r\n\t]/.test(text.replace(/[\r\n]+$/, ""))) { return; } // one value: paste as usual
    event.preventDefault();
    var values = pastedColumn(text);
    var all = inputs(input);
    var start = all.indexOf(input);
    var cells = all.slice(start, start + values.length);
    cells.forEach(function (cell, i) {
      if (cell.value !== values[i]) {
        cell.value = values[i];
        changed(cell);
      }
    });
    var last = cells[cells.length - 1];
    if (last) {
      last.focus();
      last.select();
    }
  });
})();
