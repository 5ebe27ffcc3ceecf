// The Invitations tab's "Select all": ticks or clears every person in the list and says how
// many are chosen. Without JavaScript the box still works: the server reads it as "everyone
// the page listed" (invitations.forms.SelectedPeopleForm).

for (const form of document.querySelectorAll("[data-select-all-form]")) {
  const all = form.querySelector("[data-select-all]");
  const count = form.querySelector("[data-selected-count]");
  const rows = [...form.querySelectorAll('input[type="checkbox"][name="person_ids"]')];
  if (!all || rows.length === 0) {
    continue;
  }

  const update = () => {
    const selected = rows.filter((row) => row.checked).length;
    all.checked = selected === rows.length;
    all.indeterminate = selected > 0 && selected < rows.length;
    if (count) {
      count.textContent = count.dataset.text
        .replace("{selected}", String(selected))
        .replace("{total}", String(rows.length));
    }
  };

  all.addEventListener("change", () => {
    for (const row of rows) {
      row.checked = all.checked;
    }
    update();
  });
  for (const row of rows) {
    row.addEventListener("change", update);
  }
  update();
}
