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

  function showSource(id) {
    const el = document.getElementById(id);
    if (!el) return false;
    const details = el.closest("details");
    if (details) details.open = true;
    el.scrollIntoView({ behavior: "smooth", block: "center" });
    el.classList.remove("ia-flash");
    void el.offsetWidth;
    el.classList.add("ia-flash");
    return true;
  }

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
