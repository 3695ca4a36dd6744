// A form with data-confirm asks first (e.g. mailing everyone at once); no inline script.
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
  });
});

// The progress of a certificate job, kept up to date while it runs (the page shows the state
// at load; this polls the job's JSON every second until it is done or failed). A job that
// finishes while the page is open has issued certificates: the table of who attended is
// fetched again, so it shows their numbers without a reload.
"use strict";

const FINAL = ["done", "failed"];

async function refreshTable() {
  const table = document.getElementById("certificate-table");
  if (!table) { return; }
  try {
    const response = await fetch(location.href, { headers: { Accept: "text/html" } });
    if (!response.ok) { return; }
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("certificate-table");
    if (fresh) { table.replaceWith(document.adoptNode(fresh)); }
  } catch {
    // The table stays as it was; a reload shows the numbers.
  }
}

document.querySelectorAll(".job-progress[data-progress-url]").forEach((box) => {
  const bar = box.querySelector("progress");
  const done = box.querySelector(".job-done");
  const total = box.querySelector(".job-total");
  const state = box.querySelector(".job-state");
  const download = box.querySelector(".job-download");
  const words = JSON.parse(document.getElementById("job-words")?.textContent || "{}");
  const runningAtLoad = !FINAL.includes(box.dataset.status);

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
    if (FINAL.includes(job.status)) {
      state.firstChild.textContent = (words[job.status] || job.status) + ", ";
      if (download && job.download) { download.hidden = false; }
      if (runningAtLoad) { refreshTable(); }
      return;
    }
    setTimeout(poll, 1000);
  }
  poll();
});
