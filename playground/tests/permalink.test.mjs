// node --test playground/tests: the permalink format README documents.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fromBase64Url, fromFragment, toBase64Url, toFragment } from "../src/permalink.js";

test("base64url is RFC 4648 section 5, with padding optional on input", () => {
  // "[a]\n?" has bytes that base64 writes with + and /.
  const text = "[a]\n>>?é";
  assert.equal(toBase64Url(text), Buffer.from(text).toString("base64url"));
  assert.equal(fromBase64Url(Buffer.from(text).toString("base64url")), text);
  assert.equal(fromBase64Url("W2Fd"), "[a]");
  assert.equal(fromBase64Url("W2E="), "[a");
  assert.equal(fromBase64Url("W2E"), "[a");
  assert.equal(fromBase64Url("not base64!"), null);
});

test("a fragment holds the root, the other files and the version", () => {
  const files = [
    { name: "pjsip.conf", text: "#include phones.conf\n" },
    { name: "conf.d/phones & more.conf", text: "[6001]\ntype=aor\n" },
  ];
  const fragment = toFragment(files, 21);
  assert.match(fragment, /^#config=[A-Za-z0-9_-]+&file=conf\.d%2Fphones%20%26%20more\.conf:/);
  assert.deepEqual(fromFragment(fragment), {
    root: files[0].text,
    others: [files[1]],
    version: 21,
  });
});

test("a fragment without config= is not a permalink; unknown parts are ignored", () => {
  assert.equal(fromFragment("#version=20"), null);
  assert.deepEqual(fromFragment("#config=W2Fd&theme=dark&file=%E0%A4%A:W2Fd"), { root: "[a]", others: [], version: null });
});
