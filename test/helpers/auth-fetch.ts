/** A token request as it left the client. */
export interface SentRequest {
  url: string;
  headers: Headers;
  body: URLSearchParams;
}

/** Return a real `fetch` that also records what it sends. */
export function createRecordingFetch(sent: SentRequest[]): typeof globalThis.fetch {
  return (input, init) => {
    sent.push({
      url: String(input),
      headers: new Headers(init?.headers),
      body: new URLSearchParams(String(init?.body ?? "")),
    });
    return fetch(input, init);
  };
}
