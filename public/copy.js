// Copy buttons for citations and embed codes. Without JavaScript the text stays selectable.
document.querySelectorAll('[data-copy-target]').forEach((button) => {
  const target = document.getElementById(button.getAttribute('data-copy-target'));
  const status = document.getElementById(button.getAttribute('data-copy-status'));
  if (!target || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener('click', () => {
    navigator.clipboard.writeText(target.textContent.trim()).then(
      () => { if (status) status.textContent = 'Copied.'; },
      () => { if (status) status.textContent = 'Could not copy: select the text and copy it instead.'; },
    );
  });
});
