// Token simulation (bpmn-js-token-simulation) in the user's language: the extension writes its labels and button
// titles in English without `translate`, so they are translated as they appear on the canvas.
import TokenSimulationModule from 'bpmn-js-token-simulation';

function LocalisedSimulation(canvas, eventBus, translate, notifications) {
  const localise = (root) => {
    root.querySelectorAll('[title]').forEach((node) => {
      const title = node.getAttribute('title');
      const translated = translate(title);
      if (translated !== title) node.setAttribute('title', translated);
    });
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.nodeValue.trim();
      if (text && translate(text) !== text) node.nodeValue = node.nodeValue.replace(text, translate(text));
    }
  };
  const showNotification = notifications.showNotification.bind(notifications);
  notifications.showNotification = (options) => showNotification({ ...options, text: translate(options.text || '') });
  eventBus.on('diagram.init', () => {
    const container = canvas.getContainer();
    const simulated = (node) => node instanceof HTMLElement
      && ((node.getAttribute('class') || '').includes('bts-') || node.querySelector('[class*="bts-"]'));
    new MutationObserver((changes) => changes.forEach((change) => {
      if (change.target instanceof HTMLElement && (change.target.getAttribute('class') || '').includes('bts-')) {
        localise(change.target);
      }
      change.addedNodes.forEach((node) => simulated(node) && localise(node));
    })).observe(container, { childList: true, subtree: true });
    localise(container);
  });
}

LocalisedSimulation.$inject = [ 'canvas', 'eventBus', 'translate', 'notifications' ];

export default {
  __depends__: [ TokenSimulationModule ],
  __init__: [ 'localisedSimulation' ],
  localisedSimulation: [ 'type', LocalisedSimulation ]
};
