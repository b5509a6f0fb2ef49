// The check-in desk: live counts, and scanning the ticket's QR code with the
// device camera where the browser can (BarcodeDetector + getUserMedia).
// Without JavaScript the page works: type the code, or search by name.
(function () {
  "use strict";

  function pollCounts() {
    var box = document.getElementById("desk-counts");
    if (!box || !window.fetch) { return; }
    var url = box.getAttribute("data-counts-url");
    function refresh() {
      if (document.hidden) { return; }
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          ["checked_in", "confirmed"].forEach(function (key) {
            var el = box.querySelector('[data-count="' + key + '"]');
            if (el && String(data[key]) !== el.textContent) { el.textContent = data[key]; }
          });
        })
        .catch(function () { /* offline for a moment: try again next time */ });
    }
    window.setInterval(refresh, 10000);
  }

  function camera() {
    var start = document.getElementById("camera-start");
    var form = document.getElementById("scan-form");
    if (!start || !form) { return; }
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return; // the button stays hidden: typing the code works
    }
    var panel = document.getElementById("camera");
    var video = document.getElementById("camera-video");
    var status = document.getElementById("camera-status");
    var stop = document.getElementById("camera-stop");
    var input = form.querySelector('input[name="code"]');
    var stream = null;
    var detector = null;
    start.hidden = false;

    function close() {
      if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
      stream = null;
      panel.hidden = true;
      start.hidden = false;
    }

    function scan() {
      if (!stream) { return; }
      detector.detect(video).then(function (codes) {
        var found = codes.find(function (c) { return c.rawValue; });
        if (found) {
          input.value = found.rawValue;
          close();
          form.submit();
        } else {
          window.requestAnimationFrame(scan);
        }
      }).catch(function () { window.setTimeout(scan, 250); });
    }

    start.addEventListener("click", function () {
      window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") < 0) { throw new Error("no qr_code"); }
        detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: "environment" } }, audio: false });
      }).then(function (s) {
        stream = s;
        video.srcObject = s;
        panel.hidden = false;
        start.hidden = true;
        status.textContent = "";
        return video.play();
      }).then(scan).catch(function () {
        close();
        start.hidden = true; // no camera or no permission: type the code
        input.focus();
      });
    });
    stop.addEventListener("click", close);
  }

  // With a mouse or a keyboard (and so a USB scanner, which types the code and
  // Enter), the code field is ready for the next ticket. Not on touch screens,
  // where focusing would open the on-screen keyboard.
  function readyForNextCode() {
    var input = document.querySelector('#scan-form input[name="code"]');
    var search = document.getElementById("q");
    if (!input || (search && search.value) || !window.matchMedia("(pointer: fine)").matches) { return; }
    input.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    pollCounts();
    camera();
    readyForNextCode();
  });
})();
