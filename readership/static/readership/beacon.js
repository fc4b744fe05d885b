// Counts this page view for the site's own figures (readership app): one beacon when the page
// is shown, one with how far the reader scrolled (in quarters) when they leave it. No cookie,
// nothing stored in the browser; the referrer is sent as its host name only. Nothing is sent
// when the browser asks not to be tracked (Global Privacy Control, Do Not Track).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !navigator.sendBeacon) return;
  if (navigator.globalPrivacyControl === true || navigator.doNotTrack === "1") return;
  var data = script.dataset;

  function send(fields) {
    fields.k = data.kind;
    fields.i = data.id;
    navigator.sendBeacon(data.endpoint, new URLSearchParams(fields));
  }

  function referrerHost() {
    try {
      var host = new URL(document.referrer).hostname;
      return host === location.hostname ? "" : host;
    } catch (error) {
      return "";
    }
  }

  function counted() {
    send({ r: referrerHost(), q: data.term || "" });
  }

  var deepest = 0;
  var reported = false;
  function measure() {
    var page = document.documentElement;
    var seen = (window.scrollY + window.innerHeight) / Math.max(page.scrollHeight, 1);
    deepest = Math.max(deepest, Math.min(4, Math.floor(seen * 4 + 0.01)));
  }
  function leave() {
    if (document.visibilityState !== "hidden" || reported) return;
    reported = true;
    measure();
    if (deepest > 0) send({ e: "s", d: String(deepest) });
  }

  if (document.prerendering) {
    document.addEventListener("prerenderingchange", counted, { once: true });
  } else {
    counted();
  }
  measure();
  window.addEventListener("scroll", measure, { passive: true });
  document.addEventListener("visibilitychange", leave);
})();
