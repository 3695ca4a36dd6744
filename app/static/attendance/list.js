/* The desk's list (/balie/<event>/lijst): search as you type, one tap checks someone in, one
 * tap undoes it. The server renders the list for a first look; from then on this script draws
 * it from the desk's data (desk.js), which also works without a connection. */

import { createDesk, fill, fold, readJson, say } from "./desk.js";

const config = readJson("desk-config");
const texts = readJson("desk-texts");
const desk = createDesk(config, texts);

const list = document.getElementById("desk-people");
const search = document.getElementById("desk-search-input");
const notIn = document.getElementById("desk-not-in");
const shown = document.getElementById("desk-shown");
const nobody = document.getElementById("desk-nobody");
const said = document.getElementById("desk-said");
const syncLine = document.getElementById("desk-sync");
const placeForm = document.getElementById("desk-place-form");

const rows = new Map(); // registration id → the row's elements
const touched = new Set(); // tapped since the search changed: they stay in view
let people = [];
let announceTimer = 0;

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text) { node.textContent = text; }
  return node;
}

function buildRow(id) {
  const row = {
    li: element("li", "person"),
    name: element("p", "person-name"),
    org: element("p", "person-org"),
    status: element("p", "person-status"),
    tags: element("p", "person-tags"),
    workshops: element("p", "person-workshops"),
    note: element("p", "person-note"),
    act: element("div", "person-do"),
    button: element("button", "button desk-button person-button"),
    place: null,
    hint: element("p", "person-hint"),
  };
  row.li.dataset.id = String(id);
  row.button.type = "button";
  row.button.addEventListener("click", (event) => {
    // The second click of a double tap would undo what the first did: a bounce, ignored.
    if (event.detail <= 1) { tap(id); }
  });
  const who = element("div", "person-who");
  who.append(row.name, row.org, row.tags);
  row.act.append(row.button, row.hint);
  row.li.append(who, row.act, row.status, row.workshops, row.note);
  return row;
}

function show(node, visible) { node.hidden = !visible; }

function icon(symbol) {
  const node = element("span", "person-icon", symbol);
  node.setAttribute("aria-hidden", "true");
  return node;
}

function statusLine(row, person) {
  row.status.textContent = "";
  if (person.present) {
    row.status.append(icon("✓"), " ", fill(texts.present, { at: person.at }));
    if (person.pending) {
      row.status.append(" · ", element("span", "person-pending", texts.pending));
    } else if (person.by) {
      row.status.append(` · ${person.by}`);
    }
  } else if (person.undoPending) {
    row.status.append(icon("↺"), " ", texts.undoPending);
  }
  show(row.status, person.present || person.undoPending);
}

function actions(row, person) {
  const waitlisted = person.status === "waitlisted";
  show(row.button, !waitlisted);
  if (!waitlisted) {
    const undoing = person.present;
    row.button.textContent = undoing ? texts.undo : texts.checkIn;
    row.button.append(element("span", "visually-hidden", ` – ${person.name}`));
    row.button.classList.toggle("button-secondary", undoing);
    row.button.classList.toggle("person-stretch", !undoing); // the whole row is the target
  }
  const free = desk.placesLeft === null || desk.placesLeft > 0;
  const mayPlace = waitlisted && config.mayGivePlace && free;
  if (mayPlace && !row.place) {
    row.place = placeForm.content.firstElementChild.cloneNode(true);
    row.place.action = config.placeUrl.replace(/\/0$/, `/${person.id}`);
    row.act.prepend(row.place);
  }
  if (row.place) { show(row.place, mayPlace); }
  row.hint.textContent = waitlisted && !mayPlace ? (free ? texts.askOrganiser : texts.noPlaceFree) : "";
  show(row.hint, Boolean(row.hint.textContent));
}

function updateRow(row, person) {
  const waitlisted = person.status === "waitlisted";
  const classes = ["person"];
  if (person.present) { classes.push("is-present"); }
  if (person.pending || person.undoPending) { classes.push("is-pending"); }
  if (waitlisted) { classes.push("is-waitlisted"); }
  if (person.note) { classes.push("has-note"); }
  row.li.className = classes.join(" ");
  row.name.textContent = person.name;
  row.org.textContent = person.organisation || "";
  show(row.org, Boolean(person.organisation));
  statusLine(row, person);
  row.tags.textContent = "";
  if (waitlisted) { row.tags.append(element("span", "tag tag-waitlist", texts.waitlisted)); }
  if (person.walk_in) { row.tags.append(element("span", "tag", texts.walkIn)); }
  if (person.elsewhere) { row.tags.append(element("span", "tag", texts.elsewhere)); }
  show(row.tags, waitlisted || person.walk_in || person.elsewhere);
  row.workshops.textContent = (person.workshops || []).join(" · ");
  show(row.workshops, Boolean(row.workshops.textContent));
  row.note.textContent = person.note ? `✕ ${person.note}` : "";
  show(row.note, Boolean(person.note));
  actions(row, person);
}

function matches(person, words) {
  if (notIn.checked && person.present && !touched.has(person.id)) { return false; }
  if (!words.length) { return !person.elsewhere; } // other workshops' people: by search only
  person.folded ??= fold(`${person.name} ${person.organisation || ""}`);
  return words.every((word) => person.folded.includes(word));
}

function render() {
  people = desk.people();
  const words = fold(search.value).split(" ").filter(Boolean);
  const order = [];
  let visible = 0;
  for (const person of people) {
    let row = rows.get(person.id);
    if (!row) { row = buildRow(person.id); rows.set(person.id, row); }
    updateRow(row, person);
    const match = matches(person, words);
    show(row.li, match);
    visible += match ? 1 : 0;
    order.push(row.li);
  }
  for (const [id, row] of rows) {
    if (!people.some((p) => p.id === id)) { rows.delete(id); row.li.remove(); }
  }
  // Only reorder when the order changed: moving a focused button would lose its focus.
  const same = order.length === list.children.length && order.every((li, i) => list.children[i] === li);
  if (!same) { list.replaceChildren(...order); }
  show(nobody, people.length > 0 && visible === 0);
  const filtering = words.length > 0 || notIn.checked;
  window.clearTimeout(announceTimer);
  const message = filtering ? fill(texts.shown, { shown: visible, total: people.length }) : "";
  // Said once typing pauses, not at every letter.
  announceTimer = window.setTimeout(() => { shown.textContent = message; }, filtering ? 500 : 0);
  renderBar();
}

function renderBar() {
  const counts = desk.counts(people);
  document.getElementById("count-present").textContent = counts.present;
  document.getElementById("count-expected").textContent = counts.expected;
  document.getElementById("count-walk-ins").textContent = counts.walkIns;
  document.getElementById("count-waiting").textContent = counts.waiting;
  const banner = desk.banner();
  syncLine.hidden = !banner;
  syncLine.className = `desk-sync${banner ? ` is-${banner.kind}` : ""}`;
  syncLine.textContent = banner ? banner.text : "";
  while (desk.refusals.length) {
    const { action, message } = desk.refusals.shift();
    const person = people.find((p) => p.id === action.registration);
    say(said, fill(texts.saidRefused, { name: person ? person.name : "", message }));
  }
}

async function tap(id) {
  const person = people.find((p) => p.id === id);
  if (!person) { return; }
  touched.add(id);
  if (person.present) {
    await desk.undo(id);
    say(said, fill(texts.saidUndone, { name: person.name }));
  } else {
    await desk.checkIn(id, "list");
    say(said, fill(texts.saidIn, { name: person.name }));
  }
  render();
}

document.getElementById("desk-find").hidden = false;
search.addEventListener("input", () => { touched.clear(); render(); });
search.addEventListener("focus", () => search.select()); // the next name replaces the last
search.addEventListener("keydown", (event) => {
  if (event.key !== "Enter") { return; }
  event.preventDefault();
  const visible = [...rows.values()].filter((row) => !row.li.hidden);
  if (visible.length === 1) { (visible[0].button.hidden ? visible[0].place?.querySelector("button") : visible[0].button)?.focus(); }
});
notIn.addEventListener("change", () => { touched.clear(); render(); });
desk.onChange(render);
desk.start();
