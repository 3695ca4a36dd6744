// The progress of a certificate job, kept up to date while it runs (the page shows the state
// at load; this polls the job's JSON every second until it is done or failed).
"use strict";

document.querySelectorAll(".job-progress[data-progress-url]").forEach((box) => {
  const bar = box.querySelector("progress");
  const done = box.querySelector(".job-done");
  const total = box.querySelector(".job-total");
  const state = box.querySelector(".job-state");
  const download = box.querySelector(".job-download");
  const words = JSON.parse(document.getElementById("job-words")?.textContent || "{}");

  async function poll() {
    let job;
    try {
      const response = await fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) { throw new Error(String(response.status)); }
      job = await response.json();
    } catch {
      setTimeout(poll, 3000); // a hiccup: try again a little later
      return;
    }
    bar.max = job.total || 1;
    bar.value = job.done;
    done.textContent = job.done;
    total.textContent = job.total;
    if (job.status === "done" || job.status === "failed") {
      state.firstChild.textContent = (words[job.status] || job.status) + ", ";
      if (download && job.download) { download.hidden = false; }
      return;
    }
    setTimeout(poll, 1000);
  }
  poll();
});
