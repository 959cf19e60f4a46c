// Small behaviours of forms, on every page (delegated, so they work in content htmx swaps in too).

// Forms marked data-confirm ask before htmx sends them.
document.addEventListener('htmx:confirm', (event) => {
  const form = event.target.closest && event.target.closest('form[data-confirm]');
  if (!form) return;
  event.preventDefault();
  if (window.confirm(form.dataset.confirm)) event.detail.issueRequest(true);
});

// A file beyond data-max-bytes makes the input invalid, so the form is not sent (the server checks type and size
// again). The message comes from the page's data-too-large: "{name}" in it is replaced by the first file's name,
// otherwise the names of all files too large are appended.
function tooLargeMessage(input, names) {
  const message = input.dataset.tooLarge || '';
  return message.includes('{name}') ? message.replace('{name}', names[0]) : message + names.join('、');
}

document.addEventListener('change', (event) => {
  const input = event.target;
  if (!(input instanceof HTMLInputElement) || !input.matches('input[type=file][data-max-bytes]')) return;
  const limit = Number(input.dataset.maxBytes);
  const names = Array.from(input.files || []).filter((file) => limit && file.size > limit).map((file) => file.name);
  input.setCustomValidity(names.length ? tooLargeMessage(input, names) : '');
  if (names.length) input.reportValidity();
});

// Filter forms marked data-autosubmit (the month pickers of the evaluation pages) submit on every change.
document.addEventListener('change', (event) => {
  const form = event.target.closest && event.target.closest('form[data-autosubmit]');
  if (form) form.submit();
});
