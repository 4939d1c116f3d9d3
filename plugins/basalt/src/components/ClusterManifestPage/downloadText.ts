/**
 * Offers `text` as a file named `fileName`: a Blob behind a link with a
 * `download` attribute, since a link to the API would carry no Backstage
 * token. The object URL is released once the browser has taken the file.
 */
export function downloadText(text: string, fileName: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoked on the next task: revoking at once may cancel the download.
  setTimeout(() => URL.revokeObjectURL(url));
}
