// The permalink: everything in the URL fragment, which browsers never send to a server.
//   #config=BASE64URL                  the root file (pjsip.conf), its UTF-8 bytes in base64url
//                                      (RFC 4648 section 5, padding optional)
//   &file=NAME:BASE64URL               another file (NAME percent-encoded), once per file
//   &version=N                         the Asterisk major version
// Unknown parts are ignored, so later versions can add their own.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function toBase64Url(text) {
  let binary = "";
  for (const byte of encoder.encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The text of base64url (padded or not); `null` when it is not base64url. */
export function fromBase64Url(encoded) {
  const plain = encoded.replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]*$/.test(plain) || plain.length % 4 === 1) return null;
  const binary = atob(plain + "=".repeat((4 - (plain.length % 4)) % 4));
  return decoder.decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** The fragment for `files` ([{name, text}], the root first) and `version`. */
export function toFragment(files, version) {
  const [root, ...others] = files;
  const parts = [`config=${toBase64Url(root.text)}`];
  for (const file of others) parts.push(`file=${encodeURIComponent(file.name)}:${toBase64Url(file.text)}`);
  parts.push(`version=${version}`);
  return "#" + parts.join("&");
}

/** What a fragment holds: {root, others: [{name, text}], version}, or `null` without `config=`. */
export function fromFragment(fragment) {
  let root = null;
  const others = [];
  let version = null;
  for (const part of fragment.replace(/^#/, "").split("&")) {
    const equals = part.indexOf("=");
    if (equals < 0) continue;
    const name = part.slice(0, equals);
    const value = part.slice(equals + 1);
    if (name === "config") {
      root = fromBase64Url(value);
    } else if (name === "file") {
      const colon = value.indexOf(":");
      const text = colon < 0 ? null : fromBase64Url(value.slice(colon + 1));
      const name = text === null ? null : decodedName(value.slice(0, colon));
      if (name) others.push({ name, text });
    } else if (name === "version" && /^\d+$/.test(value)) {
      version = Number(value);
    }
  }
  return root === null ? null : { root, others, version };
}

/** A percent-encoded file name; `null` when the encoding is broken. */
function decodedName(encoded) {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return null;
  }
}
