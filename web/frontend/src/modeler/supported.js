// The "change element" menu offers only what the engine runs: rule tasks, transactions, ad-hoc sub-processes, complex
// gateways and conditional, compensation, link and cancel events are left out (the engine refuses them at deploy; a
// file that has them still opens, and the lint marks them). Service and send tasks run with a connector, receive
// tasks and message events wait for POST /api/v1/messages.
const UNSUPPORTED = /(rule-task|transaction|ad-hoc|complex-gateway|conditional-(start|intermediate|boundary)|non-interrupting-conditional|compensation|link-intermediate|cancel-)/;

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
