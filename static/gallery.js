// Vitrine gallery: small progressive enhancements. Without this script every
// link simply navigates; with it, entry links in the gallery open a native modal
// <dialog> (focus moves in, Tab stays in, Escape closes, focus returns to the link),
// with previous/next within the prompt and a polite "3 of 9" announcement.

// A classic deferred script (not a module), so it also runs from a static
// export opened from disk (file://), where browsers refuse module scripts.
(() => {
"use strict";

paintPlaceholders();

presenter(document.body);

const dialog = document.querySelector("dialog.lightbox");
if (dialog && typeof dialog.showModal === "function") {
  enhance(dialog);
}

// Paints each image's average colour behind it while it loads. Done here because
// the Content-Security-Policy forbids inline style attributes.
function paintPlaceholders() {
  for (const img of document.querySelectorAll("img[data-color]")) {
    const color = img.dataset.color;
    if (/^#[0-9a-f]{6}$/i.test(color)) img.style.backgroundColor = color;
  }
}

function enhance(dialog) {
  const part = (selector) => dialog.querySelector(selector);
  const title = part(".lightbox__title");
  const media = part(".lightbox__media");
  const caption = part(".lightbox__caption");
  const badge = part(".lightbox__badge");
  const status = part(".lightbox__status");
  const link = part(".lightbox__link");
  const previous = part("[data-previous]");
  const next = part("[data-next]");
  let links = [];
  let index = 0;
  let opener = null;

  function show(i) {
    const focused = document.activeElement;
    index = i;
    const current = links[index];
    const card = current.closest(".card");
    title.textContent = current.textContent.trim();
    media.replaceChildren(largeCopy(card.querySelector(".card__media")));
    caption.replaceChildren(...copyChildren(card.querySelector(".card__caption")));
    const cardBadge = card.querySelector(".badge");
    badge.className = `lightbox__badge ${cardBadge ? cardBadge.className : ""}`;
    badge.replaceChildren(...copyChildren(cardBadge));
    link.href = current.href;
    status.textContent = `${index + 1} of ${links.length}`;
    previous.disabled = index === 0;
    next.disabled = index === links.length - 1;
    // A button that just became disabled loses focus; keep it in the dialog.
    if (focused && focused.disabled) (previous.disabled ? next : previous).focus();
  }

  function open(fromLink) {
    opener = fromLink;
    links = [...fromLink.closest(".cards").querySelectorAll("a[data-lightbox]")];
    show(links.indexOf(fromLink));
    dialog.showModal();
    title.focus();
  }

  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    let target = event.target.closest("a[data-lightbox]");
    // A click on a card's image (not on a "Show image" control) opens it too.
    if (!target && event.target.closest(".card__media img")) {
      target = event.target.closest(".card").querySelector("a[data-lightbox]");
    }
    if (!target || dialog.open) return;
    event.preventDefault();
    open(target);
  });

  previous.addEventListener("click", () => index > 0 && show(index - 1));
  next.addEventListener("click", () => index < links.length - 1 && show(index + 1));
  part("[data-close]").addEventListener("click", () => dialog.close());
  dialog.addEventListener("keydown", (event) => {
    if (event.target.closest("summary, a")) return;
    if (event.key === "ArrowLeft" && index > 0) show(index - 1);
    if (event.key === "ArrowRight" && index < links.length - 1) show(index + 1);
  });
  // A click on the backdrop (outside the dialog's box) closes it.
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) {
      const box = dialog.getBoundingClientRect();
      const inside = event.clientX >= box.left && event.clientX <= box.right &&
        event.clientY >= box.top && event.clientY <= box.bottom;
      if (!inside) dialog.close();
    }
  });
  dialog.addEventListener("close", () => {
    media.replaceChildren();
    if (opener) opener.focus();
  });
}

// A copy of a card's media at lightbox size: larger `sizes`, no lazy loading and
// no ids (which must stay unique on the page).
function largeCopy(node) {
  const copy = node.cloneNode(true);
  copy.className = "lightbox__copy";
  for (const el of copy.querySelectorAll("[id]")) el.removeAttribute("id");
  for (const el of copy.querySelectorAll("source, img")) {
    if (el.hasAttribute("sizes")) el.setAttribute("sizes", "(min-width: 64em) 60rem, 100vw");
    el.removeAttribute("loading");
  }
  return copy;
}

function copyChildren(node) {
  return node ? [...node.cloneNode(true).childNodes] : [];
}

// Presenter mode (templates/present.html): every slide is a page with
// Previous and Next links, so this only adds keys, full screen, and a notes
// window kept in step. Nothing advances on its own.
function presenter(body) {
  const mode = body.dataset.present;
  if (!mode) return;
  const go = (href) => { if (href) window.location.assign(href); };
  const keys = {
    ArrowRight: "next", ArrowDown: "next", PageDown: "next", " ": "next", Enter: "next",
    ArrowLeft: "previous", ArrowUp: "previous", PageUp: "previous",
    Home: "first", End: "last",
  };
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    // Keys typed into a control (the image's "Show image" toggle) stay with it,
    // and Enter keeps following a focused link.
    const target = event.target;
    if (target instanceof Element && target.closest("a, button, summary, input, select, textarea")) {
      if (event.key === "Enter" || event.key === " ") return;
    }
    if (mode === "slide" && (event.key === "f" || event.key === "F")) {
      event.preventDefault();
      toggleFullScreen();
      return;
    }
    const where = keys[event.key];
    if (!where) return;
    const href = body.dataset[where];
    if (!href) return;
    event.preventDefault();
    go(href);
  });
  // A slide tells a notes window which entry it shows; the notes window follows.
  if (typeof BroadcastChannel !== "function") return;
  const channel = new BroadcastChannel(body.dataset.channel);
  if (mode === "slide") {
    channel.postMessage({ slide: body.dataset.slide, notes: body.dataset.notes });
    channel.onmessage = (event) => {
      // A notes window that just opened asks where the slides are.
      if (event.data && event.data.where) {
        channel.postMessage({ slide: body.dataset.slide, notes: body.dataset.notes });
      }
    };
  } else {
    channel.onmessage = (event) => {
      const notes = event.data && event.data.notes;
      if (typeof notes === "string" && notes !== body.dataset.notes) {
        // Only a path of this site: the message comes from our own origin,
        // but never follow anything else.
        const url = new URL(notes, window.location.href);
        if (url.origin === window.location.origin) go(url.href);
      }
    };
    channel.postMessage({ where: true });
  }
}

function toggleFullScreen() {
  const root = document.documentElement;
  if (document.fullscreenElement) {
    document.exitFullscreen();
  } else if (root.requestFullscreen) {
    root.requestFullscreen().catch(() => {});
  }
}
})();
