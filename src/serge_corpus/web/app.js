// The correction page. Plain JS, no build step: the server (serge_corpus.corrections.server)
// owns the state. The page loads it once, then only what changed: each edit's answer carries the
// records changed since the page's version, and an event stream pushes what other writers of the
// log (a second server, another annotator) changed. Only the blocks near the viewport are drawn
// token by token; the others show their plain text, so a long document stays fast.
"use strict";

const NULL_DATE = (type) => ({ type, value: null, mod: null, anchor: null });
const NEAR = "1200px 0px"; // how far outside the viewport blocks are drawn in full

let S = null;           // the server's state: header fields and `blocks`
let where = new Map();  // record id -> index in S.blocks
let current = 0;        // index of the current block
let selected = null;    // {record, start, end} of the selected span
let pending = null;     // {record, start, end, text} of a snapped selection waiting for a label
let dateCheck = 0;      // sequence number of the latest date check
let near = new Set();   // indexes of the blocks near the viewport
let observer = null;
let events = null;      // the EventSource of the server's changes

// Every action (key, click, selection) runs in order, each after the previous one's save: keys
// pressed during a save wait their turn. After a failed save the actions queued behind it are
// dropped, and the message says how many, since they were meant for a state that did not come.
let queue = Promise.resolve();
let waiting = 0;     // actions queued, not started
let unfinished = 0;  // actions queued or running
let generation = 0;

const $ = (id) => document.getElementById(id);

// ------------------------------------------------------------------ server

async function api(path, body) {
  const init = body === undefined
    ? { method: "GET" }
    : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(path, init);
  const data = await response.json();
  if (!response.ok) throw new Error((data.errors || [response.statusText]).join("\n"));
  return data;
}

async function load() {
  S = await api("/api/state");
  where = new Map(S.blocks.map((b, i) => [b.id, i]));
  if (current >= S.blocks.length) current = Math.max(0, S.blocks.length - 1);
  renderAll();
  follow();
}

// Server-sent events: what other writers appended to the log, as changes since our version.
function follow() {
  if (events) events.close();
  events = new EventSource(`/api/events?since=${S.version}&epoch=${S.epoch}`);
  events.onmessage = (message) => enqueue(() => applyChanges(JSON.parse(message.data)), false);
  events.addEventListener("failure", (message) => say(JSON.parse(message.data).errors.join("\n"), true));
}

function enqueue(action, isKey = true) {
  const mine = generation;
  if (isKey) waiting++;
  unfinished++;
  showQueue();
  queue = queue.then(async () => {
    if (isKey) waiting--;
    showQueue();
    try {
      if (isKey && mine !== generation) return; // what the server pushes is never dropped
      await action();
    } catch (err) {
      generation++;
      const lost = waiting ? ` (${waiting} key${waiting > 1 ? "s" : ""} pressed meanwhile not applied)` : "";
      say(err.message + lost, true);
    } finally {
      unfinished--;
      showQueue();
    }
  });
  return queue;
}

// data-queued: actions waiting for their turn; data-busy: those and the one running.
function showQueue() {
  document.body.dataset.queued = String(waiting);
  document.body.dataset.busy = String(unfinished);
  $("queue").textContent = waiting ? `saving… ${waiting} more queued` : "";
}

// Send one edit with the version the page shows; the answer brings the changes since then.
async function edit(body, afterwards) {
  const answer = await api("/api/op", { ...body, since: S.version });
  applyChanges(answer.changes);
  if (afterwards) afterwards(answer);
  say(describe(answer.op) + suggestionsOf(answer));
  renderSelection();
  return answer;
}

function describe(op) {
  const span = op.target || op.span;
  const what = span ? ` ${span.label} “${span.text}”` : "";
  return `saved: ${op.op.replaceAll("_", " ")}${what}`;
}

function suggestionsOf(answer) {
  const found = answer.suggestions || [];
  if (!found.length) return "";
  const read = found.map((s) => `“${s.text}” as ${s.date.value}`).join(", ");
  return ` — the date module reads only ${read} here; the span is kept as you selected it, ` +
    "give its value in the date form";
}

function say(text, isError = false) {
  const box = $("message");
  box.textContent = text;
  box.className = isError ? "error" : "";
}

// ------------------------------------------------------------------ changes

const HEADER = ["version", "epoch", "annotations", "log", "annotator", "progress", "conflicts", "replay", "undo"];

function applyChanges(changes) {
  if (!changes) return;
  if (changes.reset) return load().then(() => say("the log was replaced or cut: the page shows it read again", true));
  if (changes.version <= S.version) return; // an answer older than what the page shows
  for (const key of HEADER) S[key] = changes[key];
  for (const { index, ...block } of changes.changed) S.blocks[index] = block;
  if (selected && !spanAt(selected)) selected = null;
  if (pending && !sameText(pending)) pending = null;
  for (const { index } of changes.changed) redraw(index);
  renderHeader();
  renderReplay();
  noticeOthers(changes.events);
  renderSelection();
}

// Edits of other annotators: said on the page, and named when they touch what we work on.
function noticeOthers(list) {
  const theirs = (list || []).filter((e) => e.by !== S.annotator && e.status === "applied");
  if (!theirs.length) return;
  const mine = selected ? selected.record : pending ? pending.record : S.blocks[current]?.id;
  const touching = theirs.filter((e) => e.record === mine);
  const shown = (touching.length ? touching : theirs).slice(-3).map((e) => `${e.by}: ${e.what}`).join(" · ");
  const box = $("others");
  box.textContent = touching.length
    ? `changed by another annotator in the block you work on — ${shown}`
    : `others' edits: ${shown}`;
  box.className = touching.length ? "conflict" : "";
}

// A pending selection stays valid while its block's text is the same (it always is) and no span covers it.
function sameText(ref) {
  const block = blockOf(ref.record);
  return block && !block.spans.some((s) => s.start < ref.end && ref.start < s.end);
}

// ------------------------------------------------------------------ rendering

function renderAll() {
  renderHeader();
  renderReplay();
  if (observer) observer.disconnect();
  near = new Set();
  const main = $("blocks");
  main.replaceChildren(...S.blocks.map((_, i) => shell(i)));
  observer = new IntersectionObserver(onNear, { rootMargin: NEAR });
  for (const el of main.children) observer.observe(el);
  if (selected && !spanAt(selected)) selected = null;
  markCurrent(false);
  renderSelection();
}

function onNear(entries) {
  for (const entry of entries) {
    const i = Number(entry.target.dataset.index);
    if (entry.isIntersecting) near.add(i); else near.delete(i);
    if (detailed(i) !== (entry.target.dataset.detailed === "1")) fillBlock(entry.target);
  }
  renderSelection();
}

const detailed = (i) => near.has(i) || i === current || (pending !== null && pending.record === S.blocks[i].id);

function shell(i) {
  const el = document.createElement("article");
  el.id = `block-${i}`;
  el.dataset.index = i;
  fillBlock(el);
  return el;
}

// One block drawn again from S.blocks: in full near the viewport, as plain text elsewhere.
function fillBlock(el) {
  const i = Number(el.dataset.index);
  const block = S.blocks[i];
  const full = detailed(i);
  const kind = String(block.block).replace(/[^A-Za-z0-9_-]/g, "_");
  el.className = `block kind-${kind}` + (block.annotated ? "" : " unannotated") + (i === current ? " current" : "");
  el.dataset.record = block.id;
  el.dataset.detailed = full ? "1" : "0";
  const head = document.createElement("div");
  head.className = "block-head";
  head.append(small(block.id), small(block.block + (block.section != null ? ` · section ${block.section}` : "")));
  if (block.reviewed) {
    const mark = document.createElement("span");
    mark.className = "reviewed";
    mark.textContent = "✓ reviewed";
    head.append(mark);
  }
  const body = document.createElement("div");
  body.className = "text";
  body.lang = "en";
  if (full) body.append(...pieces(block)); else body.textContent = block.text;
  el.replaceChildren(head, body);
  const conflicts = block.meta.conflicts || [];
  if (conflicts.length) el.append(renderConflicts(block, conflicts));
}

function renderHeader() {
  const meta = Object.entries(S.annotations.meta)
    .map(([k, v]) => `${k}: ${typeof v === "string" && v.length > 24 ? v.slice(0, 12) + "…" : v}`)
    .join(" · ");
  $("source").replaceChildren(code(S.annotations.file), text(` (${S.annotations.records} records${meta ? "; " + meta : ""})`));
  $("who").replaceChildren(text("annotator "), strong(S.annotator), text(" · log "), code(S.log.file), text(` (${S.log.ops} ops)`));
  const { reviewed, total } = S.progress;
  $("progress-text").textContent = `${reviewed} / ${total} reviewed`;
  $("progress-fill").style.width = total ? `${(100 * reviewed) / total}%` : "0";
  $("conflict-count").hidden = !S.conflicts.total;
  $("conflict-count").textContent = `${S.conflicts.open} open conflict${S.conflicts.open === 1 ? "" : "s"} of ${S.conflicts.total}`;
  $("undo").disabled = !S.undo;
  $("undo").title = S.undo ? `undo: ${S.undo} (${S.actions.undo})` : "nothing to undo";
  if (!$("labels").childElementCount) {
    for (const { label, key } of S.labels) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "label-btn";
      button.dataset.label = label;
      button.style.borderColor = `var(--${label})`;
      button.append(text(label));
      if (key) button.append(kbd(key));
      button.addEventListener("click", () => enqueue(() => chooseLabel(label)));
      $("labels").append(button);
    }
    renderHelp();
  }
}

function renderHelp() {
  const a = S.actions;
  const rows = [
    ...S.labels.filter((l) => l.key).map((l) => [l.key, `label ${l.label} (new span or relabel)`]),
    [`${a.next_block} / ${a.previous_block}`, "next / previous block"],
    [a.next_span, "select the next span of the block"],
    [`${a.delete_span} / Delete`, "delete the selected span"],
    [`${a.start_left} ${a.start_right}`, "move the start of the selected span one token left / right"],
    [`${a.end_left} ${a.end_right}`, "move the end of the selected span one token left / right"],
    [a.toggle_reviewed, "mark the block reviewed (or not) and go to the next"],
    [`${a.undo} / Ctrl+Z`, "undo your last edit (appends its inverse to the log)"],
    [a.cancel, "drop the selection"],
  ];
  $("help-list").replaceChildren(...rows.map(([k, what]) => {
    const li = document.createElement("li");
    li.append(kbd(k), text(" " + what));
    return li;
  }));
}

let shownReplay = "";

function renderReplay() {
  const box = $("replay");
  const { skipped, redundant, applied } = S.replay;
  const key = `${skipped.length}:${redundant.length}:${applied}`;
  if (key === shownReplay) return;
  shownReplay = key;
  if (!skipped.length) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.className = "skipped";
  const list = document.createElement("ul");
  for (const entry of skipped) {
    const li = document.createElement("li");
    li.textContent = `${entry.where || entry.id}: ${entry.op} — ${entry.reason}`;
    list.append(li);
  }
  box.replaceChildren(
    text(`Replaying the log: ${applied} ops applied, ${redundant.length} already true, ${skipped.length} no longer apply:`),
    list,
  );
}

// The text cut at every token and span edge; each piece knows its offsets.
function pieces(block) {
  const cuts = new Set([0, block.text.length]);
  for (const [s, e] of block.tokens) { cuts.add(s); cuts.add(e); }
  for (const span of block.spans) { cuts.add(span.start); cuts.add(span.end); }
  const mine = pending && pending.record === block.id ? pending : null;
  if (mine) { cuts.add(mine.start); cuts.add(mine.end); }
  const edges = [...cuts].sort((x, y) => x - y);
  const out = [];
  let k = 0;
  let open = null; // the mark of the span being filled
  const spans = [...block.spans].sort((x, y) => x.start - y.start);
  for (let i = 0; i < edges.length - 1; i++) {
    const [s, e] = [edges[i], edges[i + 1]];
    while (k < spans.length && spans[k].end <= s) k++;
    const piece = document.createElement("span");
    piece.className = "t";
    piece.dataset.start = s;
    piece.dataset.end = e;
    piece.textContent = block.text.slice(s, e);
    if (mine && s >= mine.start && e <= mine.end) piece.classList.add("pending");
    const span = spans[k];
    if (span && span.start <= s && e <= span.end) {
      if (!open || open.span !== span) {
        open = { span, mark: entity(block, span) };
        out.push(open.mark);
      }
      open.mark.insertBefore(piece, open.mark.querySelector(".lbl"));
    } else {
      open = null;
      out.push(piece);
    }
  }
  return out;
}

function entity(block, span) {
  const mark = document.createElement("mark");
  mark.className = "ent";
  mark.tabIndex = -1;
  mark.dataset.spanStart = span.start;
  mark.dataset.spanEnd = span.end;
  mark.dataset.label = span.label;
  mark.dataset.record = block.id;
  mark.style.background = `var(--${span.label})`;
  const label = document.createElement("span");
  label.className = "lbl";
  label.textContent = span.label;
  mark.append(label);
  if (span.date) {
    const value = document.createElement("span");
    value.className = "dv";
    const d = span.date;
    value.textContent = [d.type, d.value ?? "?", d.mod, d.anchor ? `⚓${d.anchor}` : null, d.noisy ? "noisy" : null]
      .filter(Boolean).join(" ");
    mark.append(value);
  }
  return mark;
}

function renderConflicts(block, conflicts) {
  const box = document.createElement("div");
  box.className = "conflicts";
  box.append(text("Annotators disagree (merge):"));
  const list = document.createElement("ul");
  for (const conflict of conflicts) {
    const li = document.createElement("li");
    li.dataset.start = conflict.start;
    li.append(text(`${conflict.kind} “${conflict.text}”: `));
    const chosen = settledAs(block, conflict);
    if (chosen) {
      li.className = "resolved";
      li.append(text(`✓ resolved as ${chosen}`));
      list.append(li);
      continue;
    }
    for (const version of conflict.versions) {
      const shown = version.spans.map((s) => `${s.label} “${s.text}”`).join(", ") || "nothing";
      const use = document.createElement("button");
      use.type = "button";
      use.textContent = `${version.annotator}: ${shown}`;
      use.title = version.spans.length ? "keep this annotator's span(s) here" : "keep no span here";
      use.addEventListener("click", () => enqueue(() => adopt(block.id, conflict, version)));
      li.append(use, text(" "));
    }
    list.append(li);
  }
  box.append(list);
  return box;
}

// How a conflict was settled: by a settle_conflict op, or the spans over it are one version's.
function settledAs(block, conflict) {
  if (conflict.settled) {
    const kept = conflict.settled.spans.map((s) => `${s.label} “${s.text}”`).join(", ");
    return kept ? `${kept} (${conflict.settled.by})` : `nothing (${conflict.settled.by})`;
  }
  const here = block.spans.filter((s) => s.start < conflict.end && conflict.start < s.end);
  const same = (a, b) => a.start === b.start && a.end === b.end && a.label === b.label;
  const version = conflict.versions.find((v) => v.spans.length &&
    v.spans.length === here.length && v.spans.every((s) => here.some((h) => same(h, s))));
  return version ? `${version.annotator}'s version` : null;
}

function renderSelection() {
  for (const el of document.querySelectorAll(".ent.selected")) el.classList.remove("selected");
  const span = selected ? spanAt(selected) : null;
  const el = span ? markOf(selected) : null;
  if (el) el.classList.add("selected");
  $("delete").disabled = !span;
  $("selection-info").textContent = span
    ? `${span.label} “${span.text}” [${span.start}, ${span.end})`
    : pending ? `new span “${pending.text}”: press a label key` : "";
  const block = S.blocks[current];
  $("review").textContent = block && block.reviewed ? "Mark not reviewed" : "Mark reviewed";
  $("review").disabled = !block || !block.annotated;
  renderDateEditor(span);
}

function renderDateEditor(span) {
  const editor = $("date-editor");
  if (!span || span.label !== "DATE") {
    editor.hidden = true;
    return;
  }
  if (!editor.hidden && editor.dataset.key === keyOf(selected) + JSON.stringify(span.date)) return;
  editor.hidden = false;
  editor.dataset.key = keyOf(selected) + JSON.stringify(span.date);
  $("date-span-text").textContent = span.text;
  fillSelect($("date-type"), S.date_types, span.date.type);
  fillSelect($("date-mod"), ["", ...S.date_mods], span.date.mod || "");
  $("date-value").value = span.date.value || "";
  $("date-anchor").value = span.date.anchor || "";
  $("date-noisy").checked = !!span.date.noisy;
  checkDate();
}

function fillSelect(select, options, value) {
  select.replaceChildren(...options.map((o) => {
    const option = document.createElement("option");
    option.value = o;
    option.textContent = o || "—";
    return option;
  }));
  select.value = value;
}

function markCurrent(scroll = true) {
  for (const el of document.querySelectorAll(".block.current")) el.classList.remove("current");
  const el = $(`block-${current}`);
  if (!el) return;
  if (el.dataset.detailed !== "1") fillBlock(el);
  el.classList.add("current");
  if (scroll) el.scrollIntoView({ block: "nearest" });
}

// ------------------------------------------------------------------ lookups

const keyOf = (ref) => `${ref.record}:${ref.start}:${ref.end}`;
const blockOf = (record) => (where.has(record) ? S.blocks[where.get(record)] : undefined);

function spanAt(ref) {
  const block = blockOf(ref.record);
  return block ? block.spans.find((s) => s.start === ref.start && s.end === ref.end) || null : null;
}

function markOf(ref) {
  const el = $(`block-${where.get(ref.record)}`);
  return el ? el.querySelector(`.ent[data-span-start="${ref.start}"][data-span-end="${ref.end}"]`) : null;
}

function tokenAt(block, offset) {
  return block.tokens.find(([s, e]) => s <= offset && offset < e) || null;
}

// A DOM point inside a block's text -> a character offset in the block.
function offsetOf(node, offset, textEl) {
  if (node.nodeType === Node.TEXT_NODE) {
    if (node.parentElement === textEl) return offset; // a block drawn as plain text
    const piece = node.parentElement.closest(".t");
    if (piece && textEl.contains(piece)) return Number(piece.dataset.start) + offset;
    const mark = node.parentElement.closest(".ent");
    return mark && textEl.contains(mark) ? Number(mark.dataset.spanEnd) : null;
  }
  if (!textEl.contains(node) && node !== textEl) return null;
  const child = node.childNodes[offset];
  if (child) {
    const piece = child.nodeType === Node.ELEMENT_NODE
      ? (child.matches(".t") ? child : child.querySelector(".t"))
      : child.parentElement.closest(".t");
    if (piece) return Number(piece.dataset.start);
  }
  const all = node.querySelectorAll ? node.querySelectorAll(".t") : [];
  return all.length ? Number(all[all.length - 1].dataset.end) : null;
}

// ------------------------------------------------------------------ actions

function setCurrent(index, scroll = true) {
  if (index < 0 || index >= S.blocks.length) return;
  if (index !== current) {
    const before = current;
    current = index;
    if (selected && selected.record !== S.blocks[current].id) selected = null;
    if (pending && pending.record !== S.blocks[current].id) {
      const was = where.get(pending.record);
      pending = null;
      redraw(was);
    }
    const el = $(`block-${before}`);
    if (el && el.dataset.detailed === "1" && !detailed(before)) fillBlock(el); // back to plain text, far away
  }
  markCurrent(scroll);
  renderSelection();
}

function redraw(i) {
  const el = i === undefined ? null : $(`block-${i}`);
  if (el) fillBlock(el);
}

function step(direction) {
  let i = current + direction;
  while (i >= 0 && i < S.blocks.length && !S.blocks[i].annotated) i += direction;
  if (i >= 0 && i < S.blocks.length) {
    selected = null;
    setCurrent(i);
  }
}

function chooseLabel(label) {
  if (pending) return addSpan(label);
  if (selected) return relabel(label);
  say("select text (new span) or click a span (relabel) first", true);
}

function addSpan(label) {
  const { record, start, end } = pending;
  const span = { start, end, label };
  if (label === "DATE") span.date = NULL_DATE("DATE");
  return edit({ op: "add_span", record, span, snap: true }, (answer) => {
    pending = null;
    selected = { record, start: answer.op.span.start, end: answer.op.span.end };
    redraw(where.get(record));
  });
}

function relabel(label) {
  const span = spanAt(selected);
  if (!span) return;
  if (span.label === label) return say(`already ${label}`);
  const body = { op: "relabel", record: selected.record, target: { start: span.start, end: span.end }, label };
  if (label === "DATE") body.date = NULL_DATE("DATE");
  return edit(body);
}

function deleteSpan() {
  const span = selected && spanAt(selected);
  if (!span) return;
  const record = selected.record;
  return edit({ op: "delete_span", record, target: { start: span.start, end: span.end } }, () => { selected = null; });
}

function resizeTo(start, end) {
  const span = selected && spanAt(selected);
  if (!span || start >= end || (start === span.start && end === span.end)) return;
  const record = selected.record;
  return edit({ op: "resize", record, target: { start: span.start, end: span.end }, start, end }, () => {
    selected = { record, start, end };
  });
}

// Keyboard resizing: move one edge to the neighbouring token edge.
function nudge(edge, direction) {
  const span = selected && spanAt(selected);
  if (!span) return;
  const tokens = blockOf(selected.record).tokens;
  if (edge === "start") {
    const starts = tokens.map(([s]) => s);
    const next = direction < 0 ? starts.filter((s) => s < span.start).pop() : starts.find((s) => s > span.start);
    if (next !== undefined && next < span.end) return resizeTo(next, span.end);
  } else {
    const ends = tokens.map(([, e]) => e);
    const next = direction < 0 ? ends.filter((e) => e < span.end).pop() : ends.find((e) => e > span.end);
    if (next !== undefined && next > span.start) return resizeTo(span.start, next);
  }
}

// Shift-click a token: the nearer edge of the selected span moves to it.
function shiftClick(block, offset) {
  const span = spanAt(selected);
  const token = tokenAt(block, offset);
  if (!span || !token) return;
  const [ts, te] = token;
  if (ts < span.start) return resizeTo(ts, span.end);
  if (te > span.end) return resizeTo(span.start, te);
  const left = ts - span.start;
  const right = span.end - te;
  if (left > 0 && left <= right) return resizeTo(ts, span.end);
  if (right > 0) return resizeTo(span.start, te);
}

function readDateForm() {
  const value = $("date-value").value.trim();
  const anchor = $("date-anchor").value.trim();
  const date = { type: $("date-type").value, value: value || null, mod: $("date-mod").value || null, anchor: anchor || null };
  if ($("date-noisy").checked) date.noisy = true;
  return date;
}

async function checkDate() {
  const mine = ++dateCheck;
  const date = readDateForm();
  const { problems } = await api("/api/check-date", { date });
  if (mine !== dateCheck) return; // a newer check is on its way
  const bad = new Set(problems.map((p) => p.field));
  $("date-value").setAttribute("aria-invalid", bad.has("value") || bad.has("type") ? "true" : "false");
  $("date-anchor").setAttribute("aria-invalid", bad.has("anchor") ? "true" : "false");
  $("date-problems").textContent = problems.map((p) => `${p.field}: ${p.message}`).join(" · ");
  $("date-save").disabled = problems.length > 0;
}

function saveDate(event) {
  event.preventDefault();
  if ($("date-save").disabled) return;
  const date = readDateForm();
  enqueue(() => {
    const span = selected && spanAt(selected);
    if (!span) return;
    return edit({ op: "set_date", record: selected.record, target: { start: span.start, end: span.end }, date });
  });
}

function clearDate() {
  const span = selected && spanAt(selected);
  if (!span) return;
  return edit({ op: "clear_date", record: selected.record, target: { start: span.start, end: span.end } });
}

async function toggleReviewed() {
  const block = S.blocks[current];
  if (!block || !block.annotated) return;
  const reviewed = !block.reviewed;
  await edit({ op: "mark_reviewed", record: block.id, reviewed });
  if (reviewed) {
    selected = null;
    let i = current + 1;
    while (i < S.blocks.length && !S.blocks[i].annotated) i++;
    if (i < S.blocks.length) return setCurrent(i);
  }
  markCurrent(true);
}

async function undo() {
  const answer = await api("/api/undo", { since: S.version });
  selected = null;
  applyChanges(answer.changes);
  say(`undone: ${answer.undone}`);
}

// Adjudication: keep one annotator's version of a conflict (its spans, or nothing) and settle it.
async function adopt(record, conflict, version) {
  for (const span of version.spans) {
    const block = blockOf(record);
    const there = block.spans.find((s) => s.start === span.start && s.end === span.end && s.label === span.label);
    if (!there) await edit({ op: "add_span", record, span });
  }
  await edit({ op: "settle_conflict", record, start: conflict.start, end: conflict.end, settled: true });
}

function selectNextSpan() {
  const block = S.blocks[current];
  if (!block || !block.spans.length) return;
  const spans = block.spans;
  const i = selected ? spans.findIndex((s) => s.start === selected.start && s.end === selected.end) : -1;
  const next = spans[(i + 1) % spans.length];
  pending = null;
  selected = { record: block.id, start: next.start, end: next.end };
  renderSelection();
}

function cancel() {
  const was = pending ? where.get(pending.record) : undefined;
  pending = null;
  selected = null;
  redraw(was);
  renderSelection();
}

// ------------------------------------------------------------------ events

// What a click means is read from the DOM now; what it does runs in turn.
function onClick(event) {
  const blockEl = event.target.closest(".block");
  if (!blockEl || event.target.closest(".conflicts")) return;
  const index = Number(blockEl.dataset.index);
  const mark = event.target.closest(".ent");
  const piece = event.target.closest(".t");
  const shift = event.shiftKey;
  const collapsed = window.getSelection().isCollapsed;
  enqueue(() => {
    const block = S.blocks[index];
    if (shift && selected && selected.record === block.id) {
      if (piece) return shiftClick(block, Number(piece.dataset.start));
      return;
    }
    if (!collapsed) return; // a text selection is handled on mouseup
    if (mark) {
      const was = pending ? where.get(pending.record) : undefined;
      pending = null;
      redraw(was);
      selected = { record: block.id, start: Number(mark.dataset.spanStart), end: Number(mark.dataset.spanEnd) };
    } else if (!pending) {
      selected = null;
    }
    setCurrent(index, false);
  });
}

function onMouseUp(event) {
  if (event.shiftKey) return;
  const selection = window.getSelection();
  if (selection.isCollapsed || !selection.rangeCount) return;
  const range = selection.getRangeAt(0);
  const textEl = range.commonAncestorContainer.nodeType === Node.ELEMENT_NODE
    ? range.commonAncestorContainer.closest(".text")
    : range.commonAncestorContainer.parentElement.closest(".text");
  if (!textEl) return;
  const index = Number(textEl.closest(".block").dataset.index);
  const start = offsetOf(range.startContainer, range.startOffset, textEl);
  const end = offsetOf(range.endContainer, range.endOffset, textEl);
  selection.removeAllRanges();
  if (start === null || end === null || start >= end) return;
  enqueue(async () => {
    const block = S.blocks[index];
    if (!block.annotated) return say(`${block.block} blocks carry no annotation`, true);
    const snapped = await api("/api/snap", { record: block.id, start, end });
    const was = pending ? where.get(pending.record) : undefined;
    pending = { record: block.id, ...snapped };
    selected = null;
    redraw(was);
    setCurrent(index, false);
    redraw(index);
    renderSelection();
  });
}

function onKey(event) {
  const a = S && S.actions;
  if (!a) return;
  const typing = event.target.closest && event.target.closest("input, select, textarea");
  if (typing) {
    if (event.key === "Escape") event.target.blur();
    return;
  }
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z") {
    event.preventDefault();
    return enqueue(undo);
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const label = S.labels.find((l) => l.key && l.key === event.key);
  const actions = {
    [a.next_block]: () => step(1),
    [a.previous_block]: () => step(-1),
    [a.delete_span]: deleteSpan,
    Delete: deleteSpan,
    Backspace: deleteSpan,
    [a.toggle_reviewed]: toggleReviewed,
    [a.undo]: undo,
    [a.start_left]: () => nudge("start", -1),
    [a.start_right]: () => nudge("start", 1),
    [a.end_left]: () => nudge("end", -1),
    [a.end_right]: () => nudge("end", 1),
    [a.next_span]: selectNextSpan,
    [a.cancel]: cancel,
  };
  if (label) {
    event.preventDefault();
    enqueue(() => chooseLabel(label.label));
  } else if (actions[event.key]) {
    event.preventDefault();
    enqueue(actions[event.key]);
  }
}

// ------------------------------------------------------------------ small DOM helpers

function text(s) { return document.createTextNode(s); }
function code(s) { const el = document.createElement("code"); el.textContent = s; return el; }
function strong(s) { const el = document.createElement("strong"); el.textContent = s; return el; }
function small(s) { const el = document.createElement("span"); el.textContent = s; return el; }
function kbd(s) { const el = document.createElement("kbd"); el.textContent = s; return el; }

// ------------------------------------------------------------------ start

document.addEventListener("keydown", onKey);
$("blocks").addEventListener("click", onClick);
$("blocks").addEventListener("mouseup", onMouseUp);
$("delete").addEventListener("click", () => enqueue(deleteSpan));
$("review").addEventListener("click", () => enqueue(toggleReviewed));
$("undo").addEventListener("click", () => enqueue(undo));
$("date-form").addEventListener("submit", saveDate);
$("date-form").addEventListener("input", () => checkDate());
$("date-clear").addEventListener("click", () => enqueue(clearDate));
$("help-toggle").addEventListener("click", () => {
  const help = $("help");
  help.hidden = !help.hidden;
  $("help-toggle").setAttribute("aria-expanded", String(!help.hidden));
});
load().catch((err) => say(err.message, true));
