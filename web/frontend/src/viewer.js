// Read-only flow diagram with the current steps highlighted.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

window.ShenpiViewer = function (container) {
  return new NavigatedViewer({ container });
};
