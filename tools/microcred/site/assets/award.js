// Award pages: mount the verification panel and wire the "Copy link" button.
import { mountVerificationPanel } from "./verify.js";

const panel = document.getElementById("mc-verify");
if (panel) {
  // Exposed so tests (and curious readers in the console) can await the outcome.
  window.microcredVerification = mountVerificationPanel(panel);
}

for (const button of document.querySelectorAll("button[data-copy]")) {
  button.addEventListener("click", async () => {
    const text = button.dataset.copy;
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch (err) {
      // No clipboard permission (or an insecure page): select the address for a manual copy.
      const shown = button.closest(".mc-share__links")?.querySelector(".mc-break");
      if (shown) window.getSelection()?.selectAllChildren(shown);
    }
    const label = button.textContent;
    button.textContent = ok ? "Link copied" : "Press Ctrl+C to copy";
    setTimeout(() => { button.textContent = label; }, 2500);
  });
}
