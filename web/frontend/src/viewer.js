// The read-only flow diagram, written once for every page that shows one: a clerk's task and case pages, the
// applicant's case page and a matter's guide in the portal. It draws the BPMN of a `.diagram[data-diagram-url]`
// container with bpmn-js's NavigatedViewer (never the modeler), marks the completed and current steps (styled as
// `.diagram .completed` / `.diagram .current` in css/shenpi.css) and fits the diagram to the container.
//
// The URL answers either JSON `{xml, current, completed}` (the inbox) or the BPMN XML itself, the steps then coming
// from the container's `data-current` and `data-completed` (JSON lists of element ids; the portal). Messages are
// shown in the container's `.diagram-message` / `.diagram-loading` paragraph; `data-no-layout` and `data-failed`
// override their default texts.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

export const DIAGRAM_SELECTOR = '.diagram[data-diagram-url]';
const NOTE_SELECTOR = '.diagram-message, .diagram-loading';
const NO_LAYOUT = '该流程没有图形布局信息，无法显示流程图。';
const FAILED = '流程图加载失败，请刷新页面重试。';

function parseList(value) {
  try {
    const list = JSON.parse(value || '[]');
    return Array.isArray(list) ? list : [];
  } catch (error) {
    return [];
  }
}

function showMessage(container, text) {
  let note = container.querySelector(NOTE_SELECTOR);
  if (!note) {
    note = document.createElement('p');
    note.className = 'diagram-message muted';
    container.appendChild(note);
  }
  note.textContent = text;
}

async function loadFlow(container) {
  const response = await fetch(container.dataset.diagramUrl, {
    credentials: 'same-origin', headers: { Accept: 'application/json, application/xml;q=0.9' }
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  if ((response.headers.get('Content-Type') || '').includes('json')) {
    const flow = await response.json();
    return { xml: flow.xml || '', current: flow.current || [], completed: flow.completed || [] };
  }
  return {
    xml: await response.text(),
    current: parseList(container.dataset.current),
    completed: parseList(container.dataset.completed)
  };
}

/** Draws one diagram container (once; a second call does nothing) and resolves to its viewer, or null. */
export async function showDiagram(container) {
  if (container.dataset.drawn) return null;
  container.dataset.drawn = '1';
  try {
    const flow = await loadFlow(container);
    if (!flow.xml.includes('BPMNDiagram')) {
      showMessage(container, container.dataset.noLayout || NO_LAYOUT);
      return null;
    }
    const viewer = new NavigatedViewer({ container });
    await viewer.importXML(flow.xml);
    const canvas = viewer.get('canvas');
    const registry = viewer.get('elementRegistry');
    const mark = (ids, marker) => ids.forEach((id) => { if (registry.get(id)) canvas.addMarker(id, marker); });
    mark(flow.completed, 'completed');
    mark(flow.current, 'current');
    canvas.zoom('fit-viewport', 'auto');
    container.querySelector(NOTE_SELECTOR)?.remove();
    return viewer;
  } catch (error) {
    showMessage(container, container.dataset.failed || FAILED);
    return null;
  }
}

/** Draws every diagram container in root (the root itself included). */
export function showDiagrams(root = document) {
  const containers = Array.from(root.querySelectorAll ? root.querySelectorAll(DIAGRAM_SELECTOR) : []);
  if (root.matches && root.matches(DIAGRAM_SELECTOR)) containers.unshift(root);
  return Promise.all(containers.map(showDiagram));
}
