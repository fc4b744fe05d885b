// The progress of an import or export in the admin: asks the job's progress every few seconds
// and moves the bar; when the job stops running, reloads the page to show its summary. Without
// JS the page refreshes itself (a meta refresh inside <noscript>) and has a "Refresh now" link.
"use strict";
(() => {
  const section = document.querySelector("[data-progress-url]");
  if (!section) {
    return;
  }
  const bar = section.querySelector("progress");
  const percent = section.querySelector("[data-moving-percent]");
  const read = section.querySelector("[data-moving-read]");
  const status = document.querySelector("[data-moving-status]");
  const every = 2000;

  const show = (progress) => {
    if (progress.percent === null) {
      bar.removeAttribute("value");
      percent.textContent = "";
    } else {
      bar.value = progress.percent;
      bar.textContent = `${progress.percent} %`;
      percent.textContent = `${progress.percent} %`;
    }
    if (progress.read) {
      read.textContent = read.dataset.prefix ? `${read.dataset.prefix} ${progress.read}.` : progress.read;
    }
    status.textContent = progress.label;
  };

  const poll = async () => {
    try {
      const response = await fetch(section.dataset.progressUrl, {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.ok) {
        const progress = await response.json();
        if (!progress.active) {
          window.location.reload();
          return;
        }
        show(progress);
      }
    } catch {
      // The server is restarting or the network is down: try again at the next turn.
    }
    window.setTimeout(poll, every);
  };
  window.setTimeout(poll, every);
})();
