// A filter form that applies itself as a choice changes: a choice that narrows another
// (category → sub-category, county → township) clears it first, so the list is never asked
// for a sub-category outside the new category or a township of another county.
document.addEventListener(
  "change",
  (event) => {
    const control = event.target;
    const cleared = control.dataset && control.dataset.clears;
    if (!cleared || !control.form) return;
    const dependent = control.form.elements.namedItem(cleared);
    if (dependent) dependent.value = "";
  },
  true,
);
