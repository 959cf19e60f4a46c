// What a receive task, a message catch or boundary event waits for: a message by name (a bpmn:Message of the file),
// which POST /api/v1/messages delivers to the case (engine/runtime/messages.py).
import { h } from '@bpmn-io/properties-panel/preact';
import { TextFieldEntry, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is, isAny } from 'bpmn-js/lib/util/ModelUtil';

import { execute, updateCommand } from './util';

// The element holding messageRef: the receive task itself, or the event's message event definition.
export function messageHolder(element) {
  const businessObject = getBusinessObject(element);
  if (is(businessObject, 'bpmn:ReceiveTask')) return businessObject;
  if (!isAny(businessObject, [ 'bpmn:IntermediateCatchEvent', 'bpmn:BoundaryEvent', 'bpmn:StartEvent' ])) return null;
  return (businessObject.get('eventDefinitions') || []).find((definition) => is(definition, 'bpmn:MessageEventDefinition'))
    || null;
}

export function messageEntries(element) {
  return [ { id: 'shenpi-message-name', component: MessageName, element, isEdited: isTextFieldEntryEdited } ];
}

function MessageName(props) {
  const { element, id } = props;
  const translate = useService('translate');
  const debounce = useService('debounceInput');
  const bpmnFactory = useService('bpmnFactory');
  const commandStack = useService('commandStack');
  const bpmnjs = useService('bpmnjs');
  const holder = messageHolder(element);
  const current = holder && holder.get('messageRef');
  const setValue = (value, error) => {
    const name = (value || '').trim();
    if (error || !name) return;
    const definitions = bpmnjs.getDefinitions();
    const rootElements = definitions.get('rootElements') || [];
    const commands = [];
    let message = rootElements.find((root) => is(root, 'bpmn:Message') && root.get('name') === name);
    if (!message) {
      message = bpmnFactory.create('bpmn:Message', { name });
      message.$parent = definitions;
      commands.push(updateCommand(element, definitions, { rootElements: [ ...rootElements, message ] }));
    }
    commands.push(updateCommand(element, holder, { messageRef: message }));
    execute(commandStack, commands);
  };
  return h(TextFieldEntry, {
    element, id, label: translate('Message name'), debounce,
    getValue: () => (current && current.get('name')) || '',
    setValue,
    validate: (value) => (value || '').trim() ? null : translate('Enter the message name.'),
    description: translate('Sent with POST /api/v1/messages {name, case | correlation, data}.')
  });
}
