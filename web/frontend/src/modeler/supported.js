// The "change element" menu offers only what the engine runs: service, message and rule tasks, transactions, ad-hoc
// sub-processes, complex gateways and message, conditional, compensation, link and cancel events are left out (the
// engine refuses them at deploy; a file that has them still opens, and the lint marks them).
const UNSUPPORTED = /(service-task|send-task|receive-task|rule-task|transaction|ad-hoc|complex-gateway|message|conditional-(start|intermediate|boundary)|non-interrupting-conditional|compensation|link-intermediate|cancel-)/;

export function SupportedElementsMenu(popupMenu) {
  popupMenu.registerProvider('bpmn-replace', 500, this);
}

SupportedElementsMenu.$inject = [ 'popupMenu' ];

SupportedElementsMenu.prototype.getPopupMenuEntries = function() {
  return (entries) => Object.fromEntries(Object.entries(entries).filter(([ id ]) => !UNSUPPORTED.test(id)));
};

export default {
  __init__: [ 'supportedElementsMenu' ],
  supportedElementsMenu: [ 'type', SupportedElementsMenu ]
};
