// The brief's live word and page gauge. It counts words with the same function as the
// server (core/words.js, tested against rules.word_count), so the page and the saved plan agree.

import { wordCount } from "../core/words.js";

const gauge = document.querySelector("[data-brief-gauge]");
if (gauge) {
  const form = gauge.closest("form");
  const perPage = Number(gauge.dataset.wordsPerPage);
  const words = gauge.querySelector("[data-gauge-words]");
  const pages = gauge.querySelector("[data-gauge-pages]");
  const verdict = gauge.querySelector("[data-gauge-verdict]");
  const meter = gauge.querySelector("[data-gauge-meter]");
  const language = document.documentElement.lang || undefined;
  let timer = 0;

  const update = () => {
    const texts = [...form.querySelectorAll("textarea")].map((area) => area.value);
    const n = wordCount(...texts);
    const tooLong = n > perPage;
    words.textContent = n.toLocaleString(language);
    pages.textContent = (Math.round((n / perPage) * 100) / 100).toLocaleString(language);
    meter.value = n;
    meter.textContent = String(n);
    verdict.classList.toggle("over", tooLong);
    verdict.classList.toggle("ok", !tooLong);
    const icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = tooLong ? "⚠" : "✔";
    verdict.replaceChildren(icon, ` ${tooLong ? gauge.dataset.tooLong : gauge.dataset.fits}`);
  };

  // Figures change as you type; a short pause keeps screen readers from hearing every key.
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
}
