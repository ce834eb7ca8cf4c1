// The Lab's page kit: labelled controls (native inputs, so keyboard-operable), a play/step
// player, a box that shows the library's error messages in the page, and startPage, which waits
// for tensorloom's backend and marks the page ready for the headless-browser test. DOM only; the
// numbers come from each page's computation module.
import * as tl from "../../src/index.js";

type Child = Node | string | null | undefined | false;

/** The element with this id; a page's HTML declares every id its script uses. */
export const byId = (id: string): HTMLElement => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`lab: the page has no element #${id}`);
  return e;
};

/** document.createElement with attributes and children in one call. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c);
  return e;
}

export interface RangeControl {
  readonly input: HTMLInputElement;
  value: number;
}

/** A labelled slider with its value beside it; onInput runs on every change (mouse, touch, arrow keys). */
export function range(
  parent: HTMLElement,
  o: { label: string; min: number; max: number; value: number; step?: number; id?: string; onInput: () => void },
): RangeControl {
  const input = el("input", { type: "range", min: String(o.min), max: String(o.max), step: String(o.step ?? 1), value: String(o.value) });
  if (o.id) input.id = o.id;
  const out = el("output", {}, String(o.value));
  input.addEventListener("input", () => {
    out.textContent = input.value;
    o.onInput();
  });
  parent.append(el("label", {}, o.label, input, out));
  return {
    input,
    get value() {
      return Number(input.value);
    },
    set value(v: number) {
      input.value = String(v);
      out.textContent = input.value;
    },
  };
}

/** A labelled <select>; value is the chosen option's value. */
export function select<V extends string>(
  parent: HTMLElement,
  o: { label: string; options: readonly (readonly [V, string])[]; value: V; id?: string; onChange: () => void },
): { readonly input: HTMLSelectElement; readonly value: V } {
  const input = el("select");
  if (o.id) input.id = o.id;
  for (const [v, text] of o.options) input.append(el("option", { value: v }, text));
  input.value = o.value;
  input.addEventListener("change", o.onChange);
  parent.append(el("label", {}, o.label, input));
  return {
    input,
    get value() {
      return input.value as V;
    },
  };
}

/** A labelled checkbox. */
export function checkbox(
  parent: HTMLElement,
  o: { label: string; checked: boolean; id?: string; onChange: () => void },
): { readonly input: HTMLInputElement; readonly checked: boolean } {
  const input = el("input", { type: "checkbox" });
  if (o.id) input.id = o.id;
  input.checked = o.checked;
  input.addEventListener("change", o.onChange);
  parent.append(el("label", {}, input, o.label));
  return {
    input,
    get checked() {
      return input.checked;
    },
  };
}

/** The controls of a page's #controls bar that all run one `onChange` (controlBar). */
export interface ControlBar {
  range(o: { label: string; min: number; max: number; value: number; step?: number; id?: string }): RangeControl;
  select<V extends string>(o: {
    label: string;
    options: readonly (readonly [V, string])[];
    value: V;
    id?: string;
  }): { readonly input: HTMLSelectElement; readonly value: V };
  checkbox(o: { label: string; checked: boolean; id?: string }): { readonly input: HTMLInputElement; readonly checked: boolean };
}

/**
 * Sliders, selects and checkboxes appended to `parent` (the page's #controls), each running
 * `onChange` when moved: the page's recompute, `() => page.update()` on the stepping pages.
 */
export function controlBar(onChange: () => void, parent: HTMLElement = byId("controls")): ControlBar {
  return {
    range: (o) => range(parent, { ...o, onInput: onChange }),
    select: (o) => select(parent, { ...o, onChange }),
    checkbox: (o) => checkbox(parent, { ...o, onChange }),
  };
}

/** A button that runs onClick. */
export function button(parent: HTMLElement, label: string, onClick: () => void, id?: string): HTMLButtonElement {
  const b = el("button", { type: "button" }, label);
  if (id) b.id = id;
  b.addEventListener("click", onClick);
  parent.append(b);
  return b;
}

/**
 * Play / pause, step and reset buttons over a sequence of positions 0..count()-1. show(i) draws
 * position i; play advances every intervalMs and stops at the end.
 */
export function player(
  parent: HTMLElement,
  o: { count: () => number; show: (i: number) => void; intervalMs?: number },
): { position: number; reset: () => void } {
  let pos = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = (): void => {
    clearInterval(timer);
    timer = undefined;
    play.textContent = "▶ play";
  };
  const step = (): boolean => {
    if (pos + 1 >= o.count()) return false;
    o.show(++pos);
    return true;
  };
  const play = button(
    parent,
    "▶ play",
    () => {
      if (timer !== undefined) return stop();
      if (pos + 1 >= o.count()) o.show((pos = 0));
      play.textContent = "⏸ pause";
      timer = setInterval(() => {
        if (!step()) stop();
      }, o.intervalMs ?? 700);
    },
    "play",
  );
  button(
    parent,
    "step ▸",
    () => {
      stop();
      if (!step()) o.show((pos = 0));
    },
    "step",
  );
  button(
    parent,
    "⟲ reset",
    () => {
      stop();
      o.show((pos = 0));
    },
    "reset",
  );
  return {
    get position() {
      return pos;
    },
    set position(i: number) {
      pos = i;
    },
    reset: () => {
      stop();
      pos = 0;
    },
  };
}

/**
 * The frame of a page that steps through the cells of one computation: `compute` (re)computes
 * from the controls, `draw(result, i)` shows step i, a player in #player steps through
 * `count(result)` steps, and a TensorloomError from compute shows in #error (then `clear`
 * empties the views). The controls call `update`.
 */
export function stepThrough<T>(o: { compute: () => T; count: (r: T) => number; draw: (r: T, at: number) => void; clear?: () => void }): {
  update(): void;
} {
  let current: T | undefined;
  const errorBox = byId("error");
  const play = player(byId("player"), { count: () => (current === undefined ? 0 : o.count(current)), show: (i) => o.draw(current!, i) });
  return {
    update() {
      play.reset();
      const ok = guarded(errorBox, () => {
        current = o.compute();
        o.draw(current, 0);
      });
      if (!ok) {
        current = undefined;
        o.clear?.();
      }
    },
  };
}

/**
 * Runs a page's render; a TensorloomError (a control combination the library refuses, such as a
 * kernel larger than the padded input) is shown in `box` with the library's own message rather
 * than thrown. Returns whether render succeeded.
 */
export function guarded(box: HTMLElement, render: () => void): boolean {
  try {
    render();
    box.textContent = "";
    box.hidden = true;
    return true;
  } catch (e) {
    if (!(e instanceof tl.TensorloomError)) throw e;
    box.textContent = e.message;
    box.hidden = false;
    return false;
  }
}

/**
 * Waits for the backend, runs the page's first render, marks <html data-lab-ready> (the browser
 * test waits for it), then, where the page is cross-origin isolated, starts the wasm threads
 * (after the first render, so their start-up does not delay it) and writes the backend and
 * thread count in the page's footer.
 */
export async function startPage(render: () => void | Promise<void>): Promise<void> {
  await tl.ready();
  await render();
  document.documentElement.dataset.labReady = "true";
  // milliseconds from navigation to the first render: when the page answers its first interaction
  document.documentElement.dataset.labReadyMs = String(Math.round(performance.now()));
  const isolated = globalThis.crossOriginIsolated === true;
  // without isolation there is no SharedArrayBuffer: one thread, and no warning to print
  if (isolated) {
    tl.setNumThreads(Math.min(4, navigator.hardwareConcurrency || 1));
    await tl.ready();
  }
  const footer = document.querySelector("footer.status") ?? document.body.appendChild(el("footer", { class: "status" }));
  const n = tl.getNumThreads();
  footer.textContent = `Computed by tensorloom in this tab: ${tl.getBackend()} backend, ${n} thread${n === 1 ? "" : "s"}${isolated ? "" : " (the page is not cross-origin isolated, so it runs single-threaded)"}.`;
}
