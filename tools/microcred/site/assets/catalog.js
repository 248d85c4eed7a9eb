// Catalog filters: competency, issuer, tag, credit hours and free words, all in the page.
(function () {
  "use strict";
  const form = document.getElementById("mc-catalog-filters");
  const list = document.getElementById("mc-catalog");
  if (!form || !list) return;
  const cards = Array.from(list.querySelectorAll(".mc-card"));
  const count = document.getElementById("mc-catalog-count");
  const empty = document.getElementById("mc-catalog-empty");

  function inRange(hours, range) {
    if (!range) return true;
    const [lo, hi] = range.split("-");
    const h = Number(hours) || 0;
    if (lo && h <= Number(lo) && Number(lo) > 0) return false;
    if (hi && h > Number(hi)) return false;
    return true;
  }

  function apply() {
    const q = form.elements.q.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const competency = form.elements.competency.value;
    const issuer = form.elements.issuer.value;
    const tag = form.elements.tag.value;
    const hours = form.elements.hours.value;
    let shown = 0;
    for (const card of cards) {
      const d = card.dataset;
      const ok =
        (!competency || d.competency === competency) &&
        (!issuer || d.issuer === issuer) &&
        (!tag || d.tags.split(" ").includes(tag)) &&
        inRange(d.hours, hours) &&
        q.every((word) => d.text.includes(word));
      card.hidden = !ok;
      if (ok) shown++;
    }
    count.textContent = shown === cards.length
      ? `Showing all ${cards.length} credentials.`
      : `Showing ${shown} of ${cards.length} credentials.`;
    empty.hidden = shown !== 0;
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) params.set(k, v);
    const query = params.toString();
    history.replaceState(null, "", query ? `?${query}` : location.pathname);
  }

  // Filters survive a reload and can be shared: ?competency=...&tag=...
  const initial = new URLSearchParams(location.search);
  for (const [k, v] of initial) if (form.elements[k]) form.elements[k].value = v;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", (event) => { event.preventDefault(); apply(); });
  form.addEventListener("reset", () => setTimeout(apply, 0));
  apply();
})();
