// The explorer's spec editor: CodeMirror 6 in a Streamlit component (the v1 iframe protocol, no React).
//
// Python sends: text and version (the editor's text is replaced only when version changes: a model
// loaded, a revert, an upload), error (the located SpecError: line, col, end_line, end_col, message,
// hint), hints (per line, the output shape: [{line, text}], or null to keep the last ones), the
// highlighter's word lists, the debounce delay and the height. The editor sends {text, seq} a short
// pause after typing stops (Ctrl+Enter or Ctrl+S at once), so the page re-analyses as you type.
// Build: bash build.sh (esbuild bundles this file and CodeMirror into ../frontend/editor.js).

import { history, defaultKeymap, historyKeymap, indentWithTab, toggleComment } from "@codemirror/commands";
import { HighlightStyle, StreamLanguage, bracketMatching, indentUnit, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { Compartment, EditorState, StateEffect, StateField } from "@codemirror/state";
import {
  Decoration, EditorView, WidgetType, drawSelection, highlightActiveLine, highlightActiveLineGutter,
  highlightSpecialChars, keymap, lineNumbers,
} from "@codemirror/view";
import { tags as t } from "@lezer/highlight";

// ---- the Streamlit protocol ------------------------------------------------------------------

function post(type, data) {
  window.parent.postMessage({ isStreamlitMessage: true, type, ...data }, "*");
}

// ---- highlighting: the words of archspec/lexer.py, sent by Python ----------------------------

const NAME = /^[A-Za-z_\u0370-\u03ff][A-Za-z_0-9\u0370-\u03ff]*/;
const DECLARE = new Set(["network", "input", "let", "block", "stages", "stage", "variants"]);
const KEYWORDS = new Set(["if", "elif", "else", "for", "in", "and", "or", "not"]);

function archLanguage(words) {
  const sets = {};
  for (const [k, v] of Object.entries(words || {})) sets[k] = new Set(v);
  const has = (kind, w) => sets[kind] !== undefined && sets[kind].has(w);
  return StreamLanguage.define({
    name: "archspec",
    startState: () => ({ variants: false, after: null }),
    token(stream, state) {
      if (stream.sol()) {
        state.after = null;
        if (state.variants && /^[^ \t#]/.test(stream.string)) state.variants = false;
      }
      if (stream.eatSpace()) return null;
      if (stream.match(/^#.*/)) return "comment";
      if (stream.match(/^"[^"\n]*"?/)) return "string";
      const atStart = stream.string.slice(0, stream.start).trim() === "";
      if (state.variants && atStart && stream.match(/^[A-Za-z_0-9\u0370-\u03ff]+(?=[ \t]*:)/)) return "labelName";
      if (stream.match(/^\d+(?:x\d+)+(?![A-Za-z_0-9])/)) return "number";  // a shape: 3x224x224
      if (stream.match(/^[a-z]\d+(?:\.\d+|x\d+)?(?![A-Za-z_0-9.])/)) return "attributeName";  // k3 s2 x4 e1.5
      const m = stream.match(NAME);
      if (m) {
        const w = m[0];
        const after = state.after;
        state.after = null;
        if (after === "define") return "variableName.definition";
        if (after === "class") return "className";
        if (stream.match(/^[ \t]*=(?!=)/, false)) return "attributeName";  // key=
        if (atStart && DECLARE.has(w)) {
          if (w === "network" || w === "block" || w === "let") state.after = "define";
          if (w === "stages") state.after = "class";
          if (w === "variants") state.variants = true;
          return "keyword";
        }
        if (atStart && (w === "stem" || w === "head") && /^[ \t]*:/.test(stream.string.slice(stream.pos))) return "namespace";
        if (atStart && has("settings", w) && /^[ \t]*:/.test(stream.string.slice(stream.pos))) return "keyword";
        if (w === "in" && stream.peek() === ".") return "variableName.special";
        if (KEYWORDS.has(w)) return "controlKeyword";
        if (has("functions", w) && /^\s*\(/.test(stream.string.slice(stream.pos))) return "variableName.function";
        if (has("ops", w)) return "variableName.standard";
        if (has("combinators", w)) return "controlKeyword";
        if (has("constants", w)) return "atom";
        if (has("pseudo", w)) return "variableName.special";
        return "variableName";
      }
      if (stream.match(/^(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|^\d+[eE][+-]?\d+|^\d+/)) return "number";
      if (stream.match(/^(?:\*\*|\/\/|==|!=|<=|>=|[<>+\-*/%])/)) return "operator";
      stream.next();
      return "punctuation";
    },
    languageData: { commentTokens: { line: "#" } },
  });
}

const LIGHT = HighlightStyle.define([
  { tag: t.comment, color: "#6a737d", fontStyle: "italic" },
  { tag: t.keyword, color: "#8250df", fontWeight: "bold" },
  { tag: t.controlKeyword, color: "#cf222e" },
  { tag: t.namespace, color: "#8250df", fontWeight: "bold" },
  { tag: [t.definition(t.variableName), t.className], color: "#0550ae", fontWeight: "bold" },
  { tag: t.standard(t.variableName), color: "#0969da" },
  { tag: t.function(t.variableName), color: "#6639ba" },
  { tag: t.special(t.variableName), color: "#953800" },
  { tag: t.attributeName, color: "#116329" },
  { tag: [t.number, t.atom], color: "#0a3069" },
  { tag: t.string, color: "#0a3069" },
  { tag: t.labelName, color: "#953800", fontWeight: "bold" },
]);
const DARK = HighlightStyle.define([
  { tag: t.comment, color: "#8b949e", fontStyle: "italic" },
  { tag: t.keyword, color: "#d2a8ff", fontWeight: "bold" },
  { tag: t.controlKeyword, color: "#ff7b72" },
  { tag: t.namespace, color: "#d2a8ff", fontWeight: "bold" },
  { tag: [t.definition(t.variableName), t.className], color: "#79c0ff", fontWeight: "bold" },
  { tag: t.standard(t.variableName), color: "#79c0ff" },
  { tag: t.function(t.variableName), color: "#d2a8ff" },
  { tag: t.special(t.variableName), color: "#ffa657" },
  { tag: t.attributeName, color: "#7ee787" },
  { tag: [t.number, t.atom], color: "#a5d6ff" },
  { tag: t.string, color: "#a5d6ff" },
  { tag: t.labelName, color: "#ffa657", fontWeight: "bold" },
]);

const MONO = '"Source Code Pro", ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace';

function looks(theme) {
  const dark = theme && theme.base === "dark";
  const bg = (theme && theme.backgroundColor) || (dark ? "#0e1117" : "#ffffff");
  const fg = (theme && theme.textColor) || (dark ? "#fafafa" : "#31333f");
  const side = (theme && theme.secondaryBackgroundColor) || (dark ? "#262730" : "#f0f2f6");
  return [
    EditorView.theme({
      "&": { height: "100%", color: fg, backgroundColor: bg, fontSize: "14px", borderRadius: "0.5rem",
        border: `1px solid ${dark ? "#fafafa33" : "#31333f33"}` },
      "&.cm-focused": { outline: `2px solid ${(theme && theme.primaryColor) || "#ff4b4b"}66` },
      ".cm-scroller": { fontFamily: MONO, lineHeight: "1.5" },
      ".cm-content": { caretColor: fg },
      ".cm-gutters": { backgroundColor: side, color: dark ? "#8b949e" : "#6e7781", border: "none" },
      ".cm-activeLine": { backgroundColor: dark ? "#ffffff0a" : "#0000000a" },
      ".cm-activeLineGutter": { backgroundColor: dark ? "#ffffff14" : "#00000012" },
      ".cm-as-errline": { backgroundColor: dark ? "#ff4b4b26" : "#ff4b4b1f" },
      ".cm-as-errmsg": {
        fontFamily: MONO, fontSize: "12.5px", whiteSpace: "pre-wrap", padding: "2px 8px 3px 8px", margin: "1px 0 3px 0",
        color: dark ? "#ffb4b4" : "#9b1c1c", backgroundColor: dark ? "#ff4b4b1a" : "#fff0f0", borderLeft: "3px solid #ff4b4b",
      },
      ".cm-as-hint": { color: dark ? "#8b949e" : "#8c959f", fontSize: "12px", paddingLeft: "1.5em", whiteSpace: "pre" },
      ".cm-tooltip": { fontFamily: MONO, fontSize: "12.5px" },
    }, { dark }),
    syntaxHighlighting(dark ? DARK : LIGHT),
  ];
}

// ---- the located error: the line marked, the message under it --------------------------------

class MessageWidget extends WidgetType {
  constructor(text) { super(); this.text = text; }
  eq(other) { return other.text === this.text; }
  toDOM() {
    const div = document.createElement("div");
    div.className = "cm-as-errmsg";
    div.setAttribute("role", "alert");
    div.textContent = this.text;
    return div;
  }
}

class HintWidget extends WidgetType {
  constructor(text, title) { super(); this.text = text; this.title = title || ""; }
  eq(other) { return other.text === this.text && other.title === this.title; }
  toDOM() {
    const span = document.createElement("span");
    span.className = "cm-as-hint";
    span.textContent = this.text;
    if (this.title) span.title = this.title;
    return span;
  }
  ignoreEvent() { return false; }
}

const setError = StateEffect.define();
const setHints = StateEffect.define();

function clampLine(doc, n) { return doc.line(Math.min(Math.max(1, n || 1), doc.lines)); }

function errorDecorations(doc, error) {
  if (!error) return Decoration.none;
  const line = clampLine(doc, error.line);
  const text = `line ${error.line}:${error.col}: ${error.message}` + (error.hint ? `\nhint: ${error.hint}` : "");
  return Decoration.set([
    Decoration.line({ class: "cm-as-errline", attributes: { "data-error": "true" } }).range(line.from),
    Decoration.widget({ widget: new MessageWidget(text), block: true, side: 1 }).range(line.to),
  ]);
}

function errorRange(doc, error) {
  const line = clampLine(doc, error.line);
  const from = Math.min(line.from + Math.max(0, (error.col || 1) - 1), line.to);
  let to = error.end_line === error.line ? line.from + (error.end_col || 1) - 1 : line.to;
  to = Math.min(Math.max(to, from), line.to);
  return { from, to: to > from ? to : Math.min(from + 1, doc.length) };
}

const errorField = StateField.define({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) if (e.is(setError)) deco = errorDecorations(tr.state.doc, e.value);
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

const hintField = StateField.define({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setHints)) continue;
      const ranges = [];
      for (const h of e.value) {
        if (h.line < 1 || h.line > tr.state.doc.lines) continue;
        ranges.push(Decoration.widget({ widget: new HintWidget(h.text, h.title), side: 2 }).range(tr.state.doc.line(h.line).to));
      }
      deco = Decoration.set(ranges, true);
    }
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

// ---- the editor ------------------------------------------------------------------------------

let view = null;
let version = null;  // the version of Python's text the editor holds
let seq = 0;
let sent = null;  // the text last sent
let timer = null;
let debounceMs = 400;
let themeKey = "";
const look = new Compartment();

function flush() {
  clearTimeout(timer);
  timer = null;
  const text = view.state.doc.toString();
  if (text === sent) return true;
  sent = text;
  seq += 1;
  post("streamlit:setComponentValue", { value: { text, seq }, dataType: "json" });
  return true;
}

// A fresh state: a new document with its own undo history (a load, an upload or a revert is not undone
// by Ctrl+Z: it is a new document, as opening a file is).
function newState(text, args, theme) {
  return EditorState.create({
    doc: text,
    extensions: [
      lineNumbers(), highlightActiveLineGutter(), highlightSpecialChars(), history(), drawSelection(),
      highlightActiveLine(), bracketMatching(), highlightSelectionMatches(), lintGutter(),
      indentUnit.of("  "), EditorState.tabSize.of(2), EditorView.lineWrapping,
      archLanguage(args.words), look.of(looks(theme)), errorField, hintField,
      EditorView.contentAttributes.of({ "aria-label": "Spec", spellcheck: "false", autocorrect: "off", autocapitalize: "off" }),
      keymap.of([
        { key: "Mod-Enter", run: flush, preventDefault: true },
        { key: "Mod-s", run: flush, preventDefault: true },
        { key: "Mod-/", run: toggleComment },
        indentWithTab, ...defaultKeymap, ...historyKeymap, ...searchKeymap,
      ]),
      EditorView.updateListener.of((u) => {
        if (!u.docChanged) return;
        clearTimeout(timer);
        timer = setTimeout(flush, debounceMs);  // as you type: re-analysed once typing pauses
      }),
      EditorView.domEventHandlers({ blur: () => { if (timer !== null) flush(); } }),
    ],
  });
}

function create(args, theme) {
  view = new EditorView({ state: newState(args.text, args, theme), parent: document.getElementById("root") });
  sent = args.text;
  version = args.version;
  window.archspecEditor = { view, flush, seq: () => seq, sentText: () => sent };
}


function render(data) {
  const args = data.args || {};
  debounceMs = args.debounce_ms ?? debounceMs;
  document.body.style.height = `${args.height || 600}px`;
  if (view === null) {
    create(args, data.theme);
    themeKey = JSON.stringify(data.theme || {});
  } else {
    const key = JSON.stringify(data.theme || {});
    if (key !== themeKey) {
      themeKey = key;
      view.dispatch({ effects: look.reconfigure(looks(data.theme)) });
    }
    if (args.version !== version) {  // Python replaced the text: a model loaded, a revert, an upload
      version = args.version;
      clearTimeout(timer);
      timer = null;
      sent = args.text;
      view.setState(newState(args.text, args, data.theme));
    }
  }
  // Marks belong to the text they were made for; while the editor is ahead they move with the edits.
  if (view.state.doc.toString() === args.text) {
    const effects = [setError.of(args.error || null)];
    if (args.hints) effects.push(setHints.of(args.hints));
    view.dispatch({ effects });
    const diags = args.error ? [{ ...errorRange(view.state.doc, args.error), severity: "error", message: args.error.message
      + (args.error.hint ? `\nhint: ${args.error.hint}` : ""), source: "archspec" }] : [];
    view.dispatch(setDiagnostics(view.state, diags));
    document.body.dataset.analysed = String(args.seq ?? "");
  }
  post("streamlit:setFrameHeight", { height: args.height || 600 });
}

window.addEventListener("message", (event) => {
  if (event.data && event.data.type === "streamlit:render") render(event.data);
});
post("streamlit:componentReady", { apiVersion: 1 });
