// The playground page: CodeMirror 6 editors (one per file) linted by pjsiplint compiled to
// WebAssembly. Every call goes to the .wasm in this page; nothing is sent anywhere.

import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, highlightActiveLine } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import { StreamLanguage, syntaxHighlighting, defaultHighlightStyle } from "@codemirror/language";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import init, * as pjsiplint from "../pkg/pjsiplint_wasm.js";
import { fromFragment, toFragment } from "./permalink.js";
// What the page shows before anything is typed: the README's demo, two files with mistakes.
import demoRoot from "../../corpus/demo/pjsip.conf";
import demoTrunk from "../../corpus/demo/pjsip_trunk.conf";

const ROOT = "pjsip.conf";
const LINT_DELAY_MS = 250;

const $ = (id) => document.getElementById(id);

/** The files, the root first: {name, state} with each editor's state. */
const files = [];
let active = 0;
let version = 22;
let lastFixes = null;
let lintTimer = null;

// pjsip.conf's lines, for colours only: comments, section headers, directives, option names.
const pjsipConf = StreamLanguage.define({
  token(stream) {
    if (stream.sol()) {
      if (stream.match(/^\s*;.*/)) return "comment";
      if (stream.match(/^\s*\[[^\]]*\](\([^)]*\))?/)) return "heading";
      if (stream.match(/^\s*#\w+/)) return "keyword";
      if (stream.match(/^\s*[^=;\s][^=;]*?(?=\s*=>?)/)) return "propertyName";
    }
    if (stream.match(/^;.*/)) return "comment";
    stream.next();
    return null;
  },
});

const view = new EditorView({ parent: $("editor") });

function newState(text) {
  return EditorState.create({
    doc: text,
    extensions: [
      lineNumbers(),
      highlightActiveLine(),
      history(),
      keymap.of([...defaultKeymap, ...historyKeymap]),
      pjsipConf,
      syntaxHighlighting(defaultHighlightStyle),
      lintGutter(),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) scheduleLint();
      }),
    ],
  });
}

function request(extra = {}) {
  // The active file's latest text lives in the view.
  files[active].state = view.state;
  const texts = {};
  for (const file of files) texts[file.name] = file.state.doc.toString();
  return JSON.stringify({ files: texts, root: ROOT, version, ...extra });
}

function call(fn, extra) {
  const answer = JSON.parse(fn(request(extra)));
  if (answer.error) throw new Error(answer.error);
  return answer;
}

function scheduleLint() {
  clearTimeout(lintTimer);
  lintTimer = setTimeout(lintNow, LINT_DELAY_MS);
}

let findings = [];

function lintNow() {
  clearTimeout(lintTimer);
  lintTimer = null;
  try {
    findings = call(pjsiplint.lint).findings;
  } catch (error) {
    findings = [];
    showError(error);
  }
  underline();
  renderFindings();
  renderTabs();
  renderShownOutput();
}

/** Fixes and --effective cost a lint each: made only for the tab shown. */
function renderShownOutput() {
  if ($("fixes").classList.contains("active")) renderFixes();
  if ($("effective").classList.contains("active")) renderEffective();
}

function showError(error) {
  $("finding-list").replaceChildren(element("li", { className: "failure" }, String(error.message || error)));
}

/** The active file's findings as CodeMirror diagnostics (underlines and gutter marks). */
function underline() {
  const name = files[active].name;
  const length = view.state.doc.length;
  const diagnostics = findings
    .filter((f) => f.file === name)
    .map((f) => ({
      from: Math.min(f.from, length),
      to: Math.min(Math.max(f.to, f.from), length),
      severity: f.severity,
      source: f.rule,
      message: f.message,
    }));
  view.dispatch(setDiagnostics(view.state, diagnostics));
}

function element(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function renderFindings() {
  $("finding-count").textContent = findings.length ? `(${findings.length})` : "";
  if (!findings.length) {
    $("finding-list").replaceChildren(element("li", { className: "clean" }, "No findings."));
    return;
  }
  $("finding-list").replaceChildren(
    ...findings.map((f, index) => {
      const item = element(
        "li",
        { className: `finding ${f.severity}`, tabIndex: 0 },
        element("span", { className: "severity" }, f.severity),
        " ",
        element("span", { className: "rule" }, f.rule),
        " ",
        element("span", { className: "where" }, `${f.file}:${f.line}:${f.column}`),
        element("div", { className: "message" }, f.message),
      );
      if (f.help) item.append(element("div", { className: "help" }, f.help));
      if (f.fix) item.append(element("div", { className: `fix ${f.fix.applicability}` }, `${f.fix.applicability} fix: ${f.fix.title}`));
      item.dataset.index = index;
      item.addEventListener("click", () => openFinding(f));
      item.addEventListener("keydown", (event) => event.key === "Enter" && openFinding(f));
      return item;
    }),
  );
}

/** Shows a finding's place in its file and its rule's --explain text. */
function openFinding(finding) {
  const index = files.findIndex((file) => file.name === finding.file);
  if (index >= 0) {
    switchTo(index);
    const length = view.state.doc.length;
    view.dispatch({
      selection: { anchor: Math.min(finding.from, length), head: Math.min(finding.to, length) },
      scrollIntoView: true,
    });
  }
  showExplain(finding.rule);
}

function showExplain(rule) {
  $("rule-picker").value = rule;
  const text = pjsiplint.explain(rule);
  const article = $("explain-text");
  // The docs open with their rule's name as a heading.
  article.replaceChildren(...(text ? markdown(text) : [element("p", {}, `No rule named ${rule}.`)]));
  showOutput("explain");
}

/** The little Markdown the rule docs use: headings, fenced code, paragraphs. Text only. */
function markdown(text) {
  const nodes = [];
  let code = null;
  let paragraph = [];
  const flush = () => {
    if (paragraph.length) nodes.push(element("p", {}, paragraph.join(" ")));
    paragraph = [];
  };
  for (const line of text.split("\n")) {
    if (code !== null) {
      if (line.startsWith("```")) {
        nodes.push(element("pre", {}, code.join("\n")));
        code = null;
      } else {
        code.push(line);
      }
    } else if (line.startsWith("```")) {
      flush();
      code = [];
    } else if (line.startsWith("#")) {
      flush();
      const level = Math.min(line.match(/^#+/)[0].length + 1, 4);
      nodes.push(element(`h${level}`, {}, line.replace(/^#+\s*/, "")));
    } else if (!line.trim()) {
      flush();
    } else {
      paragraph.push(line);
    }
  }
  flush();
  if (code !== null) nodes.push(element("pre", {}, code.join("\n")));
  return nodes;
}

function renderFixes() {
  try {
    lastFixes = call(pjsiplint.fixes, { unsafe_fixes: $("unsafe-fixes").checked });
  } catch (error) {
    lastFixes = null;
    $("diff").textContent = String(error.message || error);
    return;
  }
  const diff = $("diff");
  diff.replaceChildren(
    ...lastFixes.files.flatMap((file) =>
      file.diff.split("\n").map((line) => {
        const kind = line.startsWith("+++") || line.startsWith("---") ? "file" : line.startsWith("+") ? "added" : line.startsWith("-") ? "removed" : line.startsWith("@@") ? "hunk" : "context";
        return element("span", { className: `diff-${kind}` }, line + "\n");
      }),
    ),
  );
  if (!lastFixes.files.length) diff.textContent = "No fixes to apply.";
  const notes = [...lastFixes.notes];
  if (lastFixes.unsafe_left) notes.push(`${lastFixes.unsafe_left} unsafe fix(es) not shown: tick "unsafe fixes too" to see them.`);
  $("applied").replaceChildren(
    ...lastFixes.applied.map((a) => element("li", { className: `fix ${a.applicability}` }, `${a.file}:${a.line} ${a.rule}: ${a.title} (${a.applicability})`)),
    ...notes.map((note) => element("li", { className: "note" }, note)),
  );
  $("apply-fixes").disabled = !lastFixes.files.length;
}

function applyFixes() {
  // Typed since the last lint: the fixes shown are of an older text.
  if (lintTimer !== null) lintNow();
  if (!lastFixes) return;
  for (const fixed of lastFixes.files) {
    const index = files.findIndex((file) => file.name === fixed.name);
    if (index < 0) continue;
    if (index === active) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: fixed.fixed } });
    } else {
      const state = files[index].state;
      files[index].state = state.update({ changes: { from: 0, to: state.doc.length, insert: fixed.fixed } }).state;
    }
  }
  lintNow();
}

function renderEffective() {
  try {
    $("effective-text").textContent = call(pjsiplint.effective).text;
  } catch (error) {
    $("effective-text").textContent = String(error.message || error);
  }
}

function renderTabs() {
  $("file-tabs").replaceChildren(
    ...files.map((file, index) => {
      const count = findings.filter((f) => f.file === file.name).length;
      const tab = element("button", { type: "button", className: index === active ? "tab active" : "tab" }, file.name + (count ? ` (${count})` : ""));
      tab.dataset.file = file.name;
      tab.addEventListener("click", () => switchTo(index));
      const wrap = element("span", { className: "tab-wrap" }, tab);
      if (index > 0) {
        const close = element("button", { type: "button", className: "close", title: `Remove ${file.name}` }, "×");
        close.addEventListener("click", () => removeFile(index));
        wrap.append(close);
      }
      return wrap;
    }),
  );
}

function switchTo(index) {
  if (index === active) return;
  files[active].state = view.state;
  active = index;
  view.setState(files[index].state);
  underline();
  renderTabs();
}

function removeFile(index) {
  files[active].state = view.state;
  files.splice(index, 1);
  active = 0;
  view.setState(files[0].state);
  lintNow();
}

function addFile(name, text = "") {
  const existing = files.findIndex((file) => file.name === name);
  if (existing >= 0) return existing;
  files.push({ name, state: newState(text) });
  return files.length - 1;
}

function showOutput(name) {
  for (const tab of document.querySelectorAll("#output-tabs button")) tab.classList.toggle("active", tab.dataset.tab === name);
  for (const pane of document.querySelectorAll(".output")) pane.classList.toggle("active", pane.id === name);
  renderShownOutput();
}

/** Loads the files a permalink holds; false when the fragment holds none. */
function loadFragment() {
  const linked = fromFragment(location.hash);
  if (!linked) return false;
  if (linked.version && pjsiplint.versions().includes(linked.version)) version = linked.version;
  $("version").value = String(version);
  files.length = 0;
  files.push({ name: ROOT, state: newState(linked.root) });
  for (const other of linked.others) if (other.name !== ROOT) addFile(other.name, other.text);
  active = 0;
  view.setState(files[0].state);
  lintNow();
  return true;
}

function makeLink() {
  files[active].state = view.state;
  const mask = $("mask-link").checked;
  const shown = files.map((file) => {
    const text = file.state.doc.toString();
    return { name: file.name, text: mask ? pjsiplint.masked(text) : text };
  });
  const fragment = toFragment(shown, version);
  // Only the fragment changes: no request, no reload.
  window.history.replaceState(null, "", fragment);
  $("link").value = location.href;
  $("link").select();
}

async function main() {
  await init({ module_or_path: new URL("pjsiplint_wasm_bg.wasm", import.meta.url) });
  version = pjsiplint.defaultVersion();
  $("version").replaceChildren(...Array.from(pjsiplint.versions(), (v) => element("option", { value: String(v) }, String(v))));
  $("version").value = String(version);
  $("version").addEventListener("change", (event) => {
    version = Number(event.target.value);
    lintNow();
  });
  $("rule-picker").append(
    ...JSON.parse(pjsiplint.rules()).map((rule) => element("option", { value: rule.name, title: rule.summary }, `${rule.name} (${rule.category})`)),
  );
  $("rule-picker").addEventListener("change", (event) => event.target.value && showExplain(event.target.value));
  $("unsafe-fixes").addEventListener("change", renderFixes);
  $("apply-fixes").addEventListener("click", applyFixes);
  $("make-link").addEventListener("click", makeLink);
  $("add-file").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = $("new-file-name").value.trim();
    if (!name) return;
    $("new-file-name").value = "";
    const index = addFile(name);
    lintNow();
    switchTo(index);
  });
  for (const tab of document.querySelectorAll("#output-tabs button")) tab.addEventListener("click", () => showOutput(tab.dataset.tab));
  window.addEventListener("hashchange", loadFragment);
  if (!loadFragment()) {
    files.push({ name: ROOT, state: newState(demoRoot) });
    addFile("pjsip_trunk.conf", demoTrunk);
    view.setState(files[0].state);
    lintNow();
  }
  document.body.dataset.ready = "true";
}

main().catch(showError);
