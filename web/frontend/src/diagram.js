// Entry point of the pages that show a flow diagram (inbox task and case, portal case and matter guide): draws
// every diagram on the page, and those htmx swaps in later (the task panel after a claim or a step).
// It loads the viewer only; the modeler is a separate entry (modeler.js) that these pages never request.
import { showDiagrams } from './viewer.js';

showDiagrams(document);   // module scripts run once the document is parsed
document.addEventListener('htmx:afterSettle', (event) => { showDiagrams(event.target); });
