() => {
  // Inspection Assistant: citation links, copy buttons. Local file, no network.
  if (window.__iaInstalled) return;
  window.__iaInstalled = true;

  function fallbackCopy(text) {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  async function copyText(text) {
    window.__iaLastCopied = text;
    if (navigator.clipboard && window.isSecureContext) {
      try { await navigator.clipboard.writeText(text); return true; } catch (e) { /* fall back */ }
    }
    return fallbackCopy(text);
  }

  const NARROW = "(max-width: 820px)";

  function narrow() { return window.matchMedia(NARROW).matches; }

  function panelOf(el) { return el.closest("#ia-sources") || el.closest("#ia-quotes"); }

  // Scroll the sources panel only: the answer stays where it is on the page.
  function scrollWithin(panel, el) {
    const top = el.getBoundingClientRect().top - panel.getBoundingClientRect().top;
    const pad = parseFloat(getComputedStyle(panel).paddingTop) || 0;
    panel.scrollTop += top - pad - 8;
  }

  // Gradio scopes a stylesheet's @media rules to its page root, so the drawer's buttons live
  // inside it and the open state is a class on the back button (the CSS reads it with :has).
  function drawer(open) {
    installDrawer();
    const back = document.getElementById("ia-drawer-back");
    if (!back) return;
    back.classList.toggle("ia-shown", open);
    document.getElementById("ia-drawer-open").classList.toggle("ia-shown", !open);
    if (open) back.focus({ preventScroll: true });
  }

  function installDrawer() {
    if (document.getElementById("ia-drawer-back")) return true;
    const root = document.querySelector(".gradio-container .contain > .column");
    if (!root) return false;
    const back = document.createElement("button");
    back.id = "ia-drawer-back";
    back.type = "button";
    back.textContent = "Back to the answer";
    back.addEventListener("click", () => drawer(false));
    const open = document.createElement("button");
    open.id = "ia-drawer-open";
    open.type = "button";
    open.className = "ia-shown";
    open.textContent = "Sources";
    open.setAttribute("aria-label", "Show the sources");
    open.addEventListener("click", () => drawer(true));
    root.append(back, open);
    return true;
  }

  function showSource(id) {
    const el = document.getElementById(id);
    if (!el) return false;
    const details = el.closest("details");
    if (details) details.open = true;
    if (narrow()) drawer(true);
    const panel = panelOf(el);
    if (panel) scrollWithin(panel, el);
    el.classList.remove("ia-flash");
    void el.offsetWidth;
    el.classList.add("ia-flash");
    return true;
  }

  function viewer() {
    let d = document.getElementById("ia-page-viewer");
    if (d) return d;
    d = document.createElement("dialog");
    d.id = "ia-page-viewer";
    d.setAttribute("aria-labelledby", "ia-page-viewer-title");
    d.innerHTML = '<div class="ia-viewer-bar"><span id="ia-page-viewer-title"></span>' +
      '<button type="button" class="ia-viewer-close">Close</button></div>' +
      '<img alt="">';
    d.querySelector(".ia-viewer-close").addEventListener("click", () => d.close());
    document.body.appendChild(d);
    return d;
  }

  function showPage(button) {
    const d = viewer();
    const title = button.getAttribute("data-title") || "The cited page";
    d.querySelector("#ia-page-viewer-title").textContent = title;
    const img = d.querySelector("img");
    img.alt = title + ", the quote highlighted";
    img.src = button.getAttribute("data-src") || "";
    d.showModal();
  }

  function askFollowUp(q) {
    const box = document.querySelector("#ia-question textarea");
    if (!box) return;
    const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set;
    setter.call(box, q);
    box.dispatchEvent(new Event("input", { bubbles: true }));
    setTimeout(() => { const send = document.getElementById("ia-send"); if (send) send.click(); }, 50);
  }

  const waiting = setInterval(() => { if (installDrawer()) clearInterval(waiting); }, 300);

  document.addEventListener("click", (ev) => {
    const target = ev.target instanceof Element ? ev.target : null;
    if (!target) return;
    const link = target.closest("a.ia-cite");
    if (link) {
      ev.preventDefault();
      ev.stopPropagation();
      const href = link.getAttribute("href") || "";
      const id = link.getAttribute("data-target") || href.replace(/^#/, "");
      showSource(id);
      return;
    }
    const page = target.closest("button.ia-page");
    if (page) { ev.preventDefault(); showPage(page); return; }
    const follow = target.closest("button.ia-followup");
    if (follow) { ev.preventDefault(); askFollowUp(follow.getAttribute("data-q") || ""); return; }
    const button = target.closest("button.ia-copy");
    if (button) {
      ev.preventDefault();
      const text = button.getAttribute("data-copy") || "";
      const label = button.getAttribute("data-label") || button.textContent;
      copyText(text).then((ok) => {
        button.textContent = ok ? "Copied" : "Copy failed: select the text";
        button.classList.toggle("ia-copied", ok);
        setTimeout(() => { button.textContent = label; button.classList.remove("ia-copied"); }, 1800);
      });
    }
  }, true);
}
