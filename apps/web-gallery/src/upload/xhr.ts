import { PutRefusedError, type PutTransport } from './queue';

/**
 * PUT with upload progress. `fetch` cannot report request-body progress in browsers yet, so
 * this uses XMLHttpRequest; the part's ETag is read from the response header.
 */
export const xhrPut: PutTransport = ({ url, body, headers, onProgress, signal }) =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    for (const [name, value] of Object.entries(headers)) {
      // Browsers set these themselves and refuse scripts that try.
      if (!/^(content-length|host|connection)$/i.test(name)) xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve({ etag: xhr.getResponseHeader('etag') });
      else reject(new PutRefusedError(xhr.responseText.trim().slice(0, 200) || `the server answered ${xhr.status}`, xhr.status));
    };
    xhr.onerror = () => reject(new Error('the connection failed'));
    xhr.ontimeout = () => reject(new Error('the connection timed out'));
    const abort = () => {
      xhr.abort();
      reject(new DOMException('aborted', 'AbortError'));
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    xhr.onloadend = () => signal.removeEventListener('abort', abort);
    xhr.send(body);
  });
